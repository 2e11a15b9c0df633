#!/usr/bin/env bash
# Build the default tuml guest from Debian packages only (`npm run images`).
#
#   kernel    Linux 6.1 from Debian's linux-source-6.1, cross-built with gcc-riscv64-linux-gnu:
#             `tinyconfig` + images/kernel/tuml.config, everything built in, no modules.
#   userland  busybox-static from Debian trixie (riscv64), fetched with a private apt
#             configuration under images/work/ (the host's apt setup is left alone).
#   outputs   images/default/Image               kernel (boot at 0x80200000, DTB in a1)
#             images/default/initramfs.cpio.gz   gzip'd newc cpio, /init = images/rootfs/init
#             images/default/rootfs.ext4         same tree as an ext4 disk (root=/dev/vda)
#             images/default/PROVENANCE.md       package versions, sha256s, commands
#             images/kernel/config-6.1-tuml      the full resulting kernel .config
#
# Run as root on Debian 12 (missing host packages are apt-get installed). Re-runnable: the
# kernel tree in images/work/ is kept and rebuilt incrementally. The kernel build takes
# ~5 minutes on two cores. Timestamps, build user/host and filesystem UUIDs are pinned, so a
# re-run with the same packages gives byte-identical artifacts.
#
# Environment: JOBS (make -j, default nproc), TUML_SKIP_QEMU=1 (skip the QEMU boot check).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$HERE/work
OUT=$HERE/default
FRAGMENT=$HERE/kernel/tuml.config
JOBS=${JOBS:-$(nproc)}

. "$HERE/lib.sh"
export KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')"
export KBUILD_BUILD_USER=tuml KBUILD_BUILD_HOST=tuml KBUILD_BUILD_VERSION=1
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
ROOT_UUID=7e1b2c3d-0000-4000-8000-74756d6c0001   # fixed, so the ext4 image is byte-stable

# ---------------------------------------------------------------- host build dependencies
host_deps gcc make libc6-dev bc flex bison cpio xz-utils gzip e2fsprogs libssl-dev libelf-dev \
  gcc-riscv64-linux-gnu linux-source-6.1 debian-archive-keyring
# The ext4 image takes owners from the staging tree and needs real device nodes: be root.
[[ $(id -u) == 0 ]] || die "must run as root (ext4 image needs root-owned files and device nodes)"

mkdir -p "$WORK" "$OUT"

# ---------------------------------------------------------------- kernel
KSRC_TAR=/usr/src/linux-source-6.1.tar.xz
KSRC=$WORK/linux-source-6.1
# Our few patches (images/kernel/patches, applied in name order) are part of the stamp:
# a tree extracted or patched differently is extracted again.
PATCHES=("$HERE"/kernel/patches/*.patch)
[[ -e ${PATCHES[0]} ]] || PATCHES=()
KSRC_STAMP="linux-source-6.1 $(pkgver linux-source-6.1)${PATCHES:+ patches $(cat "${PATCHES[@]}" | sha256sum | cut -c1-16)}"
if [[ ! -f $KSRC/Makefile || "$(cat "$KSRC/.tuml-source" 2>/dev/null)" != "$KSRC_STAMP" ]]; then
  log "extracting $KSRC_STAMP"
  rm -rf "$KSRC"
  tar -C "$WORK" -xf "$KSRC_TAR"
  for p in "${PATCHES[@]}"; do
    log "applying kernel/patches/${p##*/}"
    patch -d "$KSRC" -p1 -s --no-backup-if-mismatch < "$p"
  done
  echo "$KSRC_STAMP" > "$KSRC/.tuml-source"
fi

KMAKE=(make -C "$KSRC" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -s)
log "configuring kernel: tinyconfig + kernel/tuml.config"
"${KMAKE[@]}" tinyconfig >/dev/null
(cd "$KSRC" && ARCH=riscv scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >/dev/null)
# (Kconfig warns that the fragment "changes choice state" for HZ_100 and NO_HZ_IDLE: intended.)
"${KMAKE[@]}" olddefconfig 2>&1 | { grep -v 'changes choice state' || true; } >&2

# Kconfig silently drops options whose dependencies are unmet: check every request.
bad=()
while read -r line; do
  case $line in
    CONFIG_*=y) grep -qx "$line" "$KSRC/.config" || bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$KSRC/.config" || echo absent))") ;;
    "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
      ! grep -q "^$opt=" "$KSRC/.config" || bad+=("$line (got: $(grep "^$opt=" "$KSRC/.config"))") ;;
  esac
done < "$FRAGMENT"
if ((${#bad[@]})); then
  printf 'build.sh: kernel options from kernel/tuml.config not honoured by Kconfig:\n' >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
cp "$KSRC/.config" "$HERE/kernel/config-6.1-tuml"

log "building kernel Image (make -j$JOBS Image; ~5 min on 2 cores)"
"${KMAKE[@]}" -j"$JOBS" Image
KRELEASE=$("${KMAKE[@]}" kernelrelease)
cp "$KSRC/arch/riscv/boot/Image" "$OUT/Image"

# ---------------------------------------------------------------- busybox and the root tree
fetch_busybox
log "assembling the root tree (${#APPLETS[@]} busybox applets)"
ROOT=$WORK/root
make_root "$ROOT"
find "$ROOT" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

log "initramfs.cpio.gz"
make_cpio "$ROOT" "$OUT/initramfs.cpio.gz"

# ---------------------------------------------------------------- ext4 root disk
# mkfs.ext4 -d copies the tree without a loop mount; UUID, hash seed and times are pinned.
log "rootfs.ext4"
rm -f "$OUT/rootfs.ext4"
mkfs.ext4 -q -F -b 4096 -L tuml-root -U "$ROOT_UUID" -E "hash_seed=$ROOT_UUID,root_owner=0:0" \
  -d "$ROOT" "$OUT/rootfs.ext4" 16M >/dev/null
# mkfs copies atime and ctime from the staging tree too; neither is under our control there
# (reads move atime, touch moves ctime), so pin them in the image itself.
(cd "$ROOT" && find . | LC_ALL=C sort | while read -r p; do
  p=${p#.}
  for t in atime ctime mtime; do echo "sif \"${p:-/}\" $t @$SOURCE_DATE_EPOCH"; done
done) > "$WORK/rootfs-times.debugfs"
debugfs -w -f "$WORK/rootfs-times.debugfs" "$OUT/rootfs.ext4" >/dev/null 2>&1
e2fsck -fn "$OUT/rootfs.ext4" >/dev/null 2>&1 || die "rootfs.ext4 fails e2fsck"

# ---------------------------------------------------------------- provenance
log "PROVENANCE.md"
HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-$ID}")
size() { stat -c %s "$1"; }
PATCH_LIST=
for p in "${PATCHES[@]}"; do PATCH_LIST+="\`${p##*/}\` (sha256 \`$(sha "$p")\`) "; done
{
  cat <<EOF
# Default tuml guest: provenance

Generated by \`images/build.sh\`. Everything here is built from Debian packages.

## Artifacts
| file | bytes | sha256 |
|---|---|---|
EOF
  for f in Image initramfs.cpio.gz rootfs.ext4; do
    echo "| default/$f | $(size "$OUT/$f") | \`$(sha "$OUT/$f")\` |"
  done
  cat <<EOF
| kernel/tuml.config (fragment) | $(size "$FRAGMENT") | \`$(sha "$FRAGMENT")\` |
| kernel/config-6.1-tuml (full .config) | $(size "$HERE/kernel/config-6.1-tuml") | \`$(sha "$HERE/kernel/config-6.1-tuml")\` |
| rootfs/init | $(size "$HERE/rootfs/init") | \`$(sha "$HERE/rootfs/init")\` |

## Debian packages
| package | version | arch | from |
|---|---|---|---|
| linux-source-6.1 | $(pkgver linux-source-6.1) | all | $HOST_SUITE (build host) |
| gcc-riscv64-linux-gnu | $(pkgver gcc-riscv64-linux-gnu) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| gcc-12-riscv64-linux-gnu | $(pkgver gcc-12-riscv64-linux-gnu) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| binutils-riscv64-linux-gnu | $(pkgver binutils-riscv64-linux-gnu) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| e2fsprogs | $(pkgver e2fsprogs) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| cpio | $(pkgver cpio) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| gzip | $(pkgver gzip) | $(dpkg --print-architecture) | $HOST_SUITE (build host) |
| busybox-static | $BB_VER | riscv64 | trixie, deb sha256 \`$(sha "$BB_DEB")\` |

## Kernel
- Release: \`$KRELEASE\`, \`Image\` for RV64GC (Sv39, one hart), all drivers built in, no modules.
- Build stamp: user/host \`tuml\`, \`#1\`, timestamp \`$KBUILD_BUILD_TIMESTAMP\`.
- Boots on QEMU's \`virt\` board: 8250 UARTs (\`console=ttyS0\`; up to 16), virtio console ports
  (\`console=hvc0\`; 16 hvc ttys with \`kernel/patches/0001-hvc-16-tty-devices.patch\`; no VT
  layer, no SBI hvc, SBI earlycon), virtio-mmio blk/net/9p/rng, PLIC, goldfish RTC, syscon poweroff.
- Kernel patches (\`images/kernel/patches\`, applied in order): $PATCH_LIST

## Root tree (initramfs and ext4 are the same tree)
- \`/bin/busybox\` ($BB_VER) and ${#APPLETS[@]} applet symlinks (all but \`init\`, \`linuxrc\`);
  \`/sbin\`, \`/usr/bin\`, \`/usr/sbin\` link to \`/bin\`.
- \`/sbin/init\` (and \`/init\` → it) is \`images/rootfs/init\`: mounts proc, sysfs, devtmpfs,
  devpts, tmpfs /tmp and /run; hostname \`tuml\`; links /dev/tty0-15 to hvc0-15; runs
  \`/etc/rc.local\` if present; starts a respawning \`getty\` on each line named in
  \`tuml.getty=\` (root logs in without a password); then the
  console shell becomes PID 1 (\`exec setsid cttyhack sh -l\`, prompt \`tuml:/# \`). Its traps
  (\`/etc/profile\`) make \`poweroff\`/\`halt\`/\`reboot\` act at once and power off on \`exit\`.
- \`/etc/{passwd,group,hostname,profile}\` from \`images/rootfs/etc\`; \`/dev/console\`, \`/dev/null\`.
- \`rootfs.ext4\`: 16 MiB, 4 KiB blocks, label \`tuml-root\`, UUID \`$ROOT_UUID\`; committed
  uncompressed ($(gzip -9c "$OUT/rootfs.ext4" | wc -c) bytes gzip'd, and git compresses it alike).
  Boot it with \`root=/dev/vda rw\`; anything that boots it writable should use a copy.

## Build commands (what build.sh runs)
\`\`\`sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH KBUILD_BUILD_TIMESTAMP='$KBUILD_BUILD_TIMESTAMP'
export KBUILD_BUILD_USER=tuml KBUILD_BUILD_HOST=tuml KBUILD_BUILD_VERSION=1 E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
tar -C images/work -xf /usr/src/linux-source-6.1.tar.xz
for p in images/kernel/patches/*.patch; do patch -d images/work/linux-source-6.1 -p1 < \$p; done
make ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- tinyconfig
ARCH=riscv scripts/kconfig/merge_config.sh -m .config images/kernel/tuml.config
make ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- olddefconfig   # then: every requested option checked
make ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j$JOBS Image
apt-get -o Dir::Etc::sourcelist=images/work/apt/trixie-riscv64.sources -o Dir::Etc::sourceparts=/nonexistent \\
  -o Dir::State::Lists=images/work/apt/lists -o APT::Architectures::=riscv64 ... update / download busybox-static
dpkg-deb -x busybox-static_*_riscv64.deb images/work/busybox
(cd images/work/root && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible) | gzip -n -9 > images/default/initramfs.cpio.gz
mkfs.ext4 -q -F -b 4096 -L tuml-root -U $ROOT_UUID -E hash_seed=$ROOT_UUID,root_owner=0:0 \\
  -d images/work/root images/default/rootfs.ext4 16M
debugfs -w -f rootfs-times.debugfs images/default/rootfs.ext4   # sif PATH {a,c,m}time @$SOURCE_DATE_EPOCH
\`\`\`
EOF
} > "$OUT/PROVENANCE.md"

# ---------------------------------------------------------------- boot check under QEMU
if [[ ${TUML_SKIP_QEMU:-} != 1 ]] && command -v qemu-system-riscv64 >/dev/null; then
  log "QEMU boot check"
  "$HERE/qemu-check.sh" | tee "$WORK/qemu-check.md"
  { echo; cat "$WORK/qemu-check.md"; } >> "$OUT/PROVENANCE.md"
fi

log "done"
ls -l "$OUT"
