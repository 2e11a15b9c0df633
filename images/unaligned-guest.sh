#!/usr/bin/env bash
# The stock Debian kernel guest (images/stock-debian.sh) plus trixie's glibc and
# test/guest/unaligned.c built against it: misaligned memcpy, loads and stores running
# into pages the kernel has not populated yet (test/unaligned-linux.test.ts).
#
#   images/work/unaligned/initramfs.cpio.gz   the stock initramfs with a second archive
#                                             appended (the kernel unpacks both): /bin/unaligned,
#                                             /lib/ld-linux-riscv64-lp64d.so.1,
#                                             /lib/riscv64-linux-gnu/libc.so.6
#   images/work/unaligned/MANIFEST.txt        versions and sha256s
#
# Not committed; the test runs this when the output is missing or older than its sources.
# Run as root on Debian 12 (stock-debian.sh needs it); fetches the kernel, busybox and libc6
# from trixie through a private apt configuration (images/lib.sh), cached in images/work.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$HERE/work
OUT=$WORK/unaligned
SRC=$HERE/../test/guest/unaligned.c
. "$HERE/lib.sh"
T0=$(date +%s)

host_deps gcc-riscv64-linux-gnu libc6-dev-riscv64-cross cpio gzip debian-archive-keyring
# Again when the default image's init, which the stock initramfs carries, changed since.
[[ -s $WORK/stock/initramfs.cpio.gz && -s $WORK/stock/Image && ! $HERE/rootfs/init -nt $WORK/stock/initramfs.cpio.gz ]] || bash "$HERE/stock-debian.sh"
mkdir -p "$OUT" "$WORK/debs"

DEB=$(ls "$WORK"/debs/libc6_*_riscv64.deb 2>/dev/null | head -n 1 || true)
if [[ -z $DEB ]]; then
  log "fetching libc6 (trixie, riscv64)"
  trixie_download libc6
  DEB=$(ls "$WORK"/debs/libc6_*_riscv64.deb)
fi
LIBC_VER=$(dpkg-deb -f "$DEB" Version)
PKG=$WORK/libc6-pkg
rm -rf "$PKG" && dpkg-deb -x "$DEB" "$PKG"
LDSO=$(find "$PKG" -name ld-linux-riscv64-lp64d.so.1 -print -quit)
LIBC=$(find "$PKG" -name libc.so.6 -print -quit)
[[ -n $LDSO && -n $LIBC ]] || die "libc6 $LIBC_VER has no ld-linux-riscv64-lp64d.so.1 or libc.so.6"

ROOT=$WORK/unaligned-root
rm -rf "$ROOT"
mkdir -p "$ROOT/bin" "$ROOT/lib/riscv64-linux-gnu"
# Built against the cross toolchain's older glibc; trixie's ld.so and libc run it (symbol
# versions are backward compatible). Dynamic, so memcpy is glibc's ifunc choice at run time.
riscv64-linux-gnu-gcc -O2 -Wall -o "$ROOT/bin/unaligned" "$SRC"
cp -L "$LDSO" "$ROOT/lib/ld-linux-riscv64-lp64d.so.1"
cp -L "$LIBC" "$ROOT/lib/riscv64-linux-gnu/libc.so.6"
make_cpio "$ROOT" "$OUT/extra.cpio.gz"
cat "$WORK/stock/initramfs.cpio.gz" "$OUT/extra.cpio.gz" > "$OUT/initramfs.cpio.gz.new"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
rm -rf "$PKG" "$ROOT" "$OUT/extra.cpio.gz"

{
  echo "Unaligned-access guest, made by images/unaligned-guest.sh"
  echo "libc6: $LIBC_VER (trixie, riscv64), deb sha256 $(sha "$DEB")"
  echo "compiler: $(riscv64-linux-gnu-gcc --version | head -n 1)"
  echo "on top of: $(sed -n 2p "$WORK/stock/MANIFEST.txt")"
  echo "initramfs.cpio.gz: $(stat -c %s "$OUT/initramfs.cpio.gz") bytes, sha256 $(sha "$OUT/initramfs.cpio.gz")"
} > "$OUT/MANIFEST.txt"
cat "$OUT/MANIFEST.txt"
echo "unaligned-guest.sh: done in $(($(date +%s) - T0)) s" >&2
