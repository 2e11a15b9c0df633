/* Bare-metal start for the CPU benchmark: M-mode, a stack, FP on, then main();
 * main's return value is the exit status (reported through HTIF tohost). */
  .option nopic
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la t0, trap
  csrw mtvec, t0
  li t0, (1 << 13)          /* mstatus.FS = Initial */
  csrs mstatus, t0
  csrwi fcsr, 0
  la sp, stack_top
  call main
  slli a0, a0, 1
  ori a0, a0, 1
exit:
  la t0, tohost
  sd a0, 0(t0)
1: j 1b
  .align 2
trap:                       /* any trap is a failure: exit status 255 */
  li a0, (255 << 1) | 1
  j exit

/* QEMU semihosting SYS_WRITE0 (a1 = NUL-terminated string). The three instructions
 * must not be compressed and must sit in one page. */
  .text
  .globl semihost_write0
  .align 4
semihost_write0:
  .option push
  .option norvc
  mv a1, a0
  li a0, 4
  slli x0, x0, 0x1f
  ebreak
  srai x0, x0, 7
  ret
  .option pop

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .align 6
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8

  .bss
  .align 4
  .skip 65536
stack_top:
