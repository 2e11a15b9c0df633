# Shared by images/build.sh and images/stock-debian.sh (sourced, not run).
# Expects HERE (= images/) and WORK (= images/work) to be set by the caller.

# Pinned for reproducibility: 2025-01-01T00:00:00Z.
export SOURCE_DATE_EPOCH=1735689600
export LC_ALL=C TZ=UTC

log() { printf '\n=== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
pkgver() { dpkg-query -W -f='${Version}' "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# host_deps PKG...: apt-get install the Debian packages that are not installed yet.
host_deps() {
  local p missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing host packages (${missing[*]}); run as root or install them"
  log "installing host packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# A private apt configuration for Debian trixie riscv64: its own sources file, lists and cache
# under images/work/apt, no dpkg status, so the host's apt setup is neither read nor changed.
# trixie_apt / trixie_apt_cache ARGS... run apt-get / apt-cache with it (the package lists are
# fetched once per script run); trixie_download PKG... leaves the .debs in $WORK/debs.
TRIXIE_UPDATED=
trixie_opts() {
  local d=$WORK/apt
  TRIXIE_OPTS=(-o Dir::Etc::sourcelist="$d/trixie-riscv64.sources"
    -o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists="$d/lists"
    -o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null
    -o APT::Architectures::=riscv64 -o APT::Architecture=riscv64)
  [[ -z $TRIXIE_UPDATED ]] || return 0
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$WORK/debs"
  cat > "$d/trixie-riscv64.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Architectures: riscv64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get -q "${TRIXIE_OPTS[@]}" -o APT::Sandbox::User=root update >/dev/null
  TRIXIE_UPDATED=1
}
trixie_apt() { trixie_opts; apt-get -q "${TRIXIE_OPTS[@]}" -o APT::Sandbox::User=root "$@"; }
trixie_apt_cache() { trixie_opts; apt-cache "${TRIXIE_OPTS[@]}" "$@"; }
trixie_download() {
  local p
  trixie_opts
  for p in "$@"; do rm -f "$WORK/debs/${p}"_*.deb; done
  (cd "$WORK/debs" && trixie_apt download "$@" >/dev/null)
}

# fetch_busybox: sets BB_DEB, BB_VER, BUSYBOX (the riscv64 static binary) and APPLETS.
fetch_busybox() {
  log "fetching busybox-static (trixie, riscv64)"
  trixie_download busybox-static
  BB_DEB=$(ls "$WORK"/debs/busybox-static_*_riscv64.deb)
  BB_VER=$(dpkg-deb -f "$BB_DEB" Version)
  rm -rf "$WORK/busybox" && dpkg-deb -x "$BB_DEB" "$WORK/busybox"
  BUSYBOX=$WORK/busybox/usr/bin/busybox
  # The applet list is read from the binary's sorted name table ("[\0[[\0acpid\0..."): the
  # riscv64 binary cannot be asked for it on the build host.
  mapfile -t APPLETS < <(tr '\0' '\n' < "$BUSYBOX" | awk '
    st { if ($0 ~ /^[a-z0-9_.-]+$/) { print; next } else exit }
    prev && $0 == "[[" { print "["; print "[["; st = 1; next }
    { prev = ($0 ~ /\[$/) }')
  # Matched in the shell, not with `printf | grep -q`: under pipefail, grep leaving early can
  # kill printf with SIGPIPE and fail the check at random.
  local a have=" ${APPLETS[*]} "
  for a in sh mount poweroff setsid cttyhack insmod ip; do
    [[ $have == *" $a "* ]] || die "busybox $BB_VER: applet table not found or lacks '$a' (${#APPLETS[@]} applets read)"
  done
}

# make_root DIR: the default guest tree. Everything lives in /bin (busybox + applet links);
# /sbin, /usr/bin, /usr/sbin point at it. images/rootfs/init replaces busybox's init applet,
# as /sbin/init (disk root) and /init (initramfs).
make_root() {
  local root=$1 a f
  rm -rf "$root"
  mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,run,root,mnt,var,usr}
  chmod 1777 "$root/tmp"; chmod 700 "$root/root"
  install -m 0755 "$BUSYBOX" "$root/bin/busybox"
  for a in "${APPLETS[@]}"; do
    case $a in busybox|init|linuxrc) continue ;; esac
    ln -s busybox "$root/bin/$a"
  done
  ln -s bin "$root/sbin"; ln -s ../bin "$root/usr/bin"; ln -s ../bin "$root/usr/sbin"
  install -m 0755 "$HERE/rootfs/init" "$root/bin/init"
  ln -s sbin/init "$root/init"
  ln -s /proc/self/mounts "$root/etc/mtab"
  for f in passwd group hostname profile; do install -m 0644 "$HERE/rootfs/etc/$f" "$root/etc/$f"; done
  mknod -m 600 "$root/dev/console" c 5 1
  mknod -m 666 "$root/dev/null" c 1 3
}

# make_cpio DIR OUT: gzip'd newc archive of DIR. Owners forced to root, mtimes pinned, entries
# sorted, inode/device numbers renumbered: the same tree always gives the same bytes.
make_cpio() {
  local root=$1 out=$2
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
     cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 > "$out"
}
