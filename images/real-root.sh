#!/usr/bin/env bash
# A Debian trixie riscv64 root for the `real` benchmark rows (`npm run bench -- real`):
# debootstrap's first stage on the host (minbase, plus python3-minimal), its second stage run
# by tuml itself booting the tree as an ext4 disk, then the rows' inputs:
#
#   images/work/real/root.img      ext4, the installed system (used read-only, through a COW)
#   images/work/real/data.bin      16 MiB input of sha256sum and gzip (also in /root)
#   images/work/real/MANIFEST.txt  installed packages and versions, sha256 of the inputs
#
# Not committed (~400 MB). Run as root on Debian 12; takes a few minutes, most of it the
# second stage (dpkg configuring ~80 packages inside the guest).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
WORK=$HERE/work
OUT=$WORK/real
. "$HERE/lib.sh"
T0=$(date +%s)
MIRROR=http://deb.debian.org/debian

host_deps debootstrap e2fsprogs debian-archive-keyring
[[ $(id -u) == 0 ]] || die "must run as root (debootstrap makes device nodes and owners)"
[[ -e $ROOT/dist/tools/tuml.js ]] || die "build tuml first (npm run build): the second stage runs in tuml"
mkdir -p "$OUT"
TREE=$OUT/tree

log "debootstrap, first stage (trixie, riscv64, minbase + python3-minimal)"
rm -rf "$TREE"
debootstrap --foreign --arch=riscv64 --variant=minbase --include=python3-minimal \
  --keyring=/usr/share/keyrings/debian-archive-keyring.gpg trixie "$TREE" "$MIRROR" >/dev/null

# The rows' inputs. data.bin: the first 16 MiB of a sorted, time-pinned tar of the tree's /usr
# (programs, libraries and text, as real files mix them), the same bytes for every build
# from the same packages.
log "bench inputs"
# (tar stops on SIGPIPE when head has enough: the size check below is what counts)
tar -C "$TREE" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner -cf - usr 2>/dev/null |
  head -c $((16 << 20)) > "$OUT/data.bin" || true
[[ $(stat -c %s "$OUT/data.bin") == $((16 << 20)) ]] || die "data.bin is not 16 MiB"
install -m 0644 "$OUT/data.bin" "$TREE/root/data.bin"
trixie_download hello
install -m 0644 "$WORK"/debs/hello_*_riscv64.deb "$TREE/root/"

# The second stage as init, then a clean power-off (sysrq works with any mask). dpkg's fsync
# after every file it unpacks would make the install take an hour of disk flushes: it runs
# with unsafe-io (the image is checked with e2fsck after a clean unmount anyway), which is
# dropped again for the rows (dpkg -i is one of them).
mkdir -p "$TREE/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io > "$TREE/etc/dpkg/dpkg.cfg.d/tuml-build-unsafe-io"
cat > "$TREE/tuml-stage2" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
if /debootstrap/debootstrap --second-stage >/dev/console 2>&1; then echo TUML-STAGE2-OK; else echo TUML-STAGE2-FAILED; fi
rm -f /etc/dpkg/dpkg.cfg.d/tuml-build-unsafe-io /tuml-stage2
sync
mount -o remount,ro /
# the power-off runs from a work queue: init must not exit before it (the kernel would panic)
echo o >/proc/sysrq-trigger
sleep 60
EOF
chmod 0755 "$TREE/tuml-stage2"

log "ext4 image of the first stage"
rm -f "$OUT/stage.img"
mkfs.ext4 -q -F -L real -d "$TREE" "$OUT/stage.img" 2G

log "debootstrap, second stage (inside tuml)"
node "$ROOT/dist/tools/tuml.js" mem=512M "ubd0=$OUT/stage.img" root=/dev/ubda rw init=/tuml-stage2 \
  con0=null,fd:1 </dev/null | tee "$OUT/stage2.log" | grep -E 'TUML-STAGE2|^I: ' || true
grep -q TUML-STAGE2-OK "$OUT/stage2.log" || die "second stage failed: see $OUT/stage2.log"
# 0: clean; 1: only tidied (e.g. an extent tree made shorter); more: errors
rc=0; e2fsck -f -p "$OUT/stage.img" >/dev/null || rc=$?
((rc <= 1)) || die "the finished image does not check clean (e2fsck exit $rc)"
mv "$OUT/stage.img" "$OUT/root.img"

log "manifest"
{
  echo "Debian trixie riscv64 root for the real benchmark rows, built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "debootstrap $(pkgver debootstrap) --variant=minbase --include=python3-minimal, $MIRROR"
  echo "data.bin sha256 $(sha "$OUT/data.bin")"
  echo "$(basename "$WORK"/debs/hello_*_riscv64.deb) sha256 $(sha "$WORK"/debs/hello_*_riscv64.deb)"
  echo "root.img: installed packages"
  debugfs -R 'cat /var/lib/dpkg/status' "$OUT/root.img" 2>/dev/null |
    awk '/^Package: /{p=$2} /^Version: /{print "  " p " " $2}'
} > "$OUT/MANIFEST.txt"
rm -rf "$TREE"
log "done in $(($(date +%s) - T0)) s: $OUT/root.img"
