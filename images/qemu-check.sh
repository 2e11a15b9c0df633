#!/usr/bin/env bash
# Boot a tuml guest under QEMU (qemu-system-riscv64 -M virt, its default OpenSBI firmware) and
# drive its shell like a person would: wait for the prompt, type commands, type `poweroff`,
# expect QEMU to exit. Prints a Markdown table of results and wall-clock timings (TCG).
#
#   images/qemu-check.sh           the default image (images/default): initramfs on the 8250
#                                  UART, initramfs on a virtio console (hvc0), initramfs with
#                                  virtio blk/9p/net/rng devices, ext4 root on virtio-blk
#   images/qemu-check.sh stock     the stock Debian kernel (images/work/stock, made by
#                                  images/stock-debian.sh) with the same devices
#
# Exit status is non-zero if any boot fails. Console logs: images/work/qemu-<case>.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$HERE/work
MODE=${1:-default}
PROMPT='tuml:/# '
LIMIT=${QEMU_TIMEOUT:-120}
mkdir -p "$WORK"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# boot NAME QEMU-ARGS...: types CMDS (array) then `poweroff`; every regex in EXPECT (array)
# must match a line of the console log. Sets RESULT to a table row; non-zero on failure.
boot() {
  local name=$1; shift
  local logf=$WORK/qemu-$name.log fifo=$WORK/qemu-$name.in
  local t0 t_shell t_end rc=0 status=ok c e
  rm -f "$fifo"; mkfifo "$fifo"
  t0=$(now)
  timeout "$LIMIT" qemu-system-riscv64 -M virt -m 256M -smp 1 -nographic -no-reboot "$@" \
    < "$fifo" > "$logf" 2>&1 &
  local qpid=$!
  exec 3> "$fifo"                     # QEMU's stdin stays open until it has exited
  while ! grep -qF "$PROMPT" "$logf"; do
    if ! kill -0 "$qpid" 2>/dev/null; then status="no shell prompt"; break; fi
    sleep 0.02
  done
  t_shell=$(now)
  if [[ $status == ok ]]; then
    for c in "${CMDS[@]}" poweroff; do printf '%s\n' "$c" >&3; sleep 0.2; done
  fi
  wait "$qpid" || rc=$?
  t_end=$(now)
  exec 3>&-
  rm -f "$fifo"
  if [[ $status == ok ]]; then
    if ((rc == 124)); then status="no poweroff (timeout)"
    elif ((rc != 0)); then status="qemu exit $rc"
    else
      for e in "${EXPECT[@]}"; do
        grep -qE "$e" < <(tr -d '\r' < "$logf") || { status="missing: $e"; break; }
      done
    fi
  fi
  local uname_line
  uname_line=$(tr -d '\r' < "$logf" | grep -a -m1 '^Linux tuml' || true)
  RESULT="| $name | $status | $(secs "$t0" "$t_shell") s | $(secs "$t0" "$t_end") s | \`${uname_line:-?}\` |"
  [[ $status == ok ]]
}

case $MODE in
  default) IMG=$HERE/default; KRE='6\.1\.' ;;
  stock)   IMG=$WORK/stock;   KRE='6\.12\.' ;;
  *) echo "usage: $0 [default|stock]" >&2; exit 2 ;;
esac
for f in Image initramfs.cpio.gz; do
  [[ -f $IMG/$f ]] || { echo "qemu-check.sh: $IMG/$f missing" >&2; exit 1; }
done

# Devices for the "devices" boots: a copy of the ext4 image (the guest may write to it), a
# 9p share with one file, a virtio-net card on a restricted user network (no traffic leaves
# QEMU), and a virtio-rng.
disk=$WORK/qemu-check-disk.ext4
share=$WORK/qemu-check-9p
cp --sparse=always "$HERE/default/rootfs.ext4" "$disk"
rm -rf "$share"; mkdir -p "$share"; echo "hello from the host" > "$share/hello"
DEVICES=(-drive "file=$disk,if=none,id=d0,format=raw" -device virtio-blk-device,drive=d0
  -fsdev "local,id=fs0,path=$share,security_model=none" -device virtio-9p-device,fsdev=fs0,mount_tag=host0
  -netdev user,id=n0,restrict=on -device virtio-net-device,netdev=n0
  -device virtio-rng-device)
# The typed command lines contain '""' so that only the command output matches ^ok-...
DEVICE_CMDS=(
  'mount -t ext4 /dev/vda /mnt && test -x /mnt/bin/busybox && umount /mnt && echo ok""-ext4'
  'mkdir -p /tmp/h && mount -t 9p -o trans=virtio,version=9p2000.L host0 /tmp/h && grep -q "from the host" /tmp/h/hello && echo ok""-9p'
  'ip link set eth0 up && echo ok""-net'
  'grep -q virtio /sys/class/misc/hw_random/rng_current && echo ok""-rng')
DEVICE_EXPECT=('^ok-ext4' '^ok-9p' '^ok-net' '^ok-rng')
UNAME="^Linux tuml $KRE.* riscv64"

echo "## QEMU boot check (\`images/qemu-check.sh${1:+ $1}\`)"
echo "$(qemu-system-riscv64 --version | head -1), \`-M virt -m 256M -smp 1\`, default OpenSBI, TCG."
echo "Wall-clock seconds from QEMU start to the shell prompt, and to QEMU's exit after \`poweroff\`."
echo
echo "| boot | result | to shell | to exit | uname -a |"
echo "|---|---|---|---|---|"
fail=0
K=(-kernel "$IMG/Image" -initrd "$IMG/initramfs.cpio.gz")
if [[ $MODE == default ]]; then
  CMDS=('uname -a'); EXPECT=("$UNAME")
  boot initramfs-ttyS0 "${K[@]}" -append "console=ttyS0" || fail=1; echo "$RESULT"
  # hvc0: the first port of a virtio console (tuml's con0), as QEMU's virtconsole on stdio.
  boot initramfs-hvc0 "${K[@]}" -serial none -monitor none -chardev stdio,id=c0 \
    -device virtio-serial-device -device virtconsole,chardev=c0 -append "console=hvc0" || fail=1; echo "$RESULT"
  CMDS=('uname -a' 'grep -q "^/dev/root / ext4 rw" /proc/mounts && echo ok""-rootrw')
  EXPECT=("$UNAME" '^ok-rootrw')
  boot ext4-root-virtio-blk -kernel "$IMG/Image" \
    -drive "file=$disk,if=none,id=d0,format=raw" -device virtio-blk-device,drive=d0 \
    -append "root=/dev/vda rw console=ttyS0" || fail=1; echo "$RESULT"
  cp --sparse=always "$HERE/default/rootfs.ext4" "$disk"
fi
CMDS=('uname -a' "${DEVICE_CMDS[@]}"); EXPECT=("$UNAME" "${DEVICE_EXPECT[@]}")
boot initramfs-devices "${K[@]}" "${DEVICES[@]}" -append "console=ttyS0" || fail=1; echo "$RESULT"
rm -rf "$disk" "$share"
exit $fail
