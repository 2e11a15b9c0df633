#!/usr/bin/env bash
# The default image plus Debian's own network tools: iproute2's `ip` (gretap, `ip l2tp`,
# which busybox's ip lacks) and iperf3, from trixie riscv64, with exactly the shared
# libraries they load (DT_NEEDED, followed recursively) and trixie's dynamic loader.
#
#   images/work/net-guest/initramfs.cpio.gz   default/initramfs.cpio.gz with a second archive
#                                             appended (the kernel unpacks both):
#                                             /usr/local/bin/{ip,iperf3}, /lib/ld-linux-riscv64-lp64d.so.1,
#                                             /lib/riscv64-linux-gnu/*.so.*
#   images/work/net-guest/MANIFEST.txt        package versions and sha256s
#
# Not committed; the network tests and `npm run bench -- net` run this when the output is
# missing or older than the default initramfs or this script. Fetches the packages through the
# private trixie apt configuration (images/lib.sh), cached in images/work/debs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$HERE/work
OUT=$WORK/net-guest
BASE=$HERE/default/initramfs.cpio.gz
. "$HERE/lib.sh"
T0=$(date +%s)

host_deps binutils-riscv64-linux-gnu cpio gzip debian-archive-keyring
[[ -s $BASE ]] || die "$BASE is missing: run npm run images first"
mkdir -p "$OUT" "$WORK/debs"

# The programs' packages and the library packages their DT_NEEDED entries name; only the
# files the binaries load are copied below.
TOOLS=(iproute2 iperf3 libiperf0)
LIBS=(libc6 libgcc-s1 libbpf1 libelf1t64 libmnl0 libselinux1 libpcre2-8-0 libcap2 libzstd1 zlib1g libssl3t64 libsctp1)
have_all() {
  local p
  for p in "${TOOLS[@]}" "${LIBS[@]}"; do compgen -G "$WORK/debs/${p}_*_riscv64.deb" >/dev/null || compgen -G "$WORK/debs/${p}_*_all.deb" >/dev/null || return 1; done
}
if ! have_all; then
  log "fetching ${TOOLS[*]} and their libraries (trixie, riscv64)"
  # A library a newer trixie no longer has is left out; a missing DT_NEEDED fails below.
  for p in "${TOOLS[@]}" "${LIBS[@]}"; do trixie_download "$p" || echo "net-guest.sh: no package $p in trixie" >&2; done
fi

PKG=$WORK/net-guest-pkgs
rm -rf "$PKG" && mkdir -p "$PKG"
: > "$OUT/MANIFEST.new"
for p in "${TOOLS[@]}" "${LIBS[@]}"; do
  DEB=$(ls "$WORK"/debs/"${p}"_*_riscv64.deb 2>/dev/null | head -n 1 || true)
  [[ -n $DEB ]] || continue
  dpkg-deb -x "$DEB" "$PKG"
  echo "$p $(dpkg-deb -f "$DEB" Version) (trixie, riscv64), deb sha256 $(sha "$DEB")" >> "$OUT/MANIFEST.new"
done

ROOT=$WORK/net-guest-root
rm -rf "$ROOT"
mkdir -p "$ROOT/usr/local/bin" "$ROOT/lib/riscv64-linux-gnu"
find_lib() { find "$PKG" -name "$1" \( -type f -o -type l \) -print -quit; }
needed() { riscv64-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
declare -A DONE=()
copy_deps() {
  local lib f
  for lib in $(needed "$1"); do
    [[ -z ${DONE[$lib]:-} ]] || continue
    DONE[$lib]=1
    f=$(find_lib "$lib")
    [[ -n $f ]] || die "$1 needs $lib, which none of the packages carries"
    cp -L "$f" "$ROOT/lib/riscv64-linux-gnu/$lib"
    copy_deps "$ROOT/lib/riscv64-linux-gnu/$lib"
  done
}
for prog in usr/bin/ip usr/bin/iperf3; do
  [[ -e $PKG/$prog ]] || continue
  cp -L "$PKG/$prog" "$ROOT/usr/local/bin/${prog##*/}"
  copy_deps "$ROOT/usr/local/bin/${prog##*/}"
done
[[ -x $ROOT/usr/local/bin/ip && -x $ROOT/usr/local/bin/iperf3 ]] || die "iproute2 or iperf3 carries no binary where expected"
# glibc dlopens libgcc_s for pthread_cancel (iperf3 cancels its threads at the end).
f=$(find_lib libgcc_s.so.1)
[[ -n $f ]] || die "libgcc-s1 has no libgcc_s.so.1"
cp -L "$f" "$ROOT/lib/riscv64-linux-gnu/libgcc_s.so.1"
LDSO=$(find_lib ld-linux-riscv64-lp64d.so.1)
[[ -n $LDSO ]] || die "libc6 has no ld-linux-riscv64-lp64d.so.1"
cp -L "$LDSO" "$ROOT/lib/ld-linux-riscv64-lp64d.so.1"
rm -f "$ROOT/lib/riscv64-linux-gnu/ld-linux-riscv64-lp64d.so.1"
# iproute2 reads its tables (rt_tables, protocol names) from here; without them it still works.
[[ -d $PKG/usr/share/iproute2 ]] && mkdir -p "$ROOT/usr/share" && cp -r "$PKG/usr/share/iproute2" "$ROOT/usr/share/"

make_cpio "$ROOT" "$OUT/extra.cpio.gz"
cat "$BASE" "$OUT/extra.cpio.gz" > "$OUT/initramfs.cpio.gz.new"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
{
  echo "Network guest, made by images/net-guest.sh: default/initramfs.cpio.gz (sha256 $(sha "$BASE")) plus"
  cat "$OUT/MANIFEST.new"
  echo "files: $(cd "$ROOT" && find . -type f | LC_ALL=C sort | tr '\n' ' ')"
  echo "initramfs.cpio.gz: $(stat -c %s "$OUT/initramfs.cpio.gz") bytes, sha256 $(sha "$OUT/initramfs.cpio.gz")"
} > "$OUT/MANIFEST.txt"
rm -rf "$PKG" "$ROOT" "$OUT/extra.cpio.gz" "$OUT/MANIFEST.new"
cat "$OUT/MANIFEST.txt"
echo "net-guest.sh: done in $(($(date +%s) - T0)) s" >&2
