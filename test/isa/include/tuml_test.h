/*
 * Bare-metal test environment: M-mode, HTIF through tohost/fromhost.
 *   pass: tohost = 1          fail: tohost = (TESTNUM << 1) | 1
 * TESTNUM (gp) holds the number of the check under way, so a failure names it.
 * A test may install its own trap handler by writing mtvec; the default one fails
 * with TESTNUM = 1337 so that an unexpected trap is never mistaken for a pass.
 */
#ifndef TUML_TEST_H
#define TUML_TEST_H

#define TESTNUM gp

#define TEST_BEGIN                                  \
  .section .text.init;                              \
  .align 6;                                         \
  .globl _start;                                    \
_start:                                             \
  la t0, tuml_default_trap;                         \
  csrw mtvec, t0;                                   \
  li t0, (1 << 13);       /* mstatus.FS = Initial */ \
  csrs mstatus, t0;                                 \
  csrwi fcsr, 0;                                    \
  li TESTNUM, 0;                                    \
  j tuml_test_main;                                 \
  .align 2;                                         \
tuml_default_trap:                                  \
  li TESTNUM, 1337;                                 \
  j tuml_fail;                                      \
  .text;                                            \
tuml_test_main:

#define TEST_PASS                                   \
  fence;                                            \
  li t6, 1;                                         \
  la t5, tohost;                                    \
  sd t6, 0(t5);                                     \
1: j 1b;

#define TEST_FAIL_CODE                              \
tuml_fail:                                          \
  fence;                                            \
  slli t6, TESTNUM, 1;                              \
  ori t6, t6, 1;                                    \
  la t5, tohost;                                    \
  sd t6, 0(t5);                                     \
1: j 1b;

/* Ends the test: passes if control falls through here. */
#define TEST_END                                    \
  TEST_PASS                                         \
  TEST_FAIL_CODE                                    \
  .section .tohost, "aw", @progbits;                \
  .align 6;                                         \
  .globl tohost;                                    \
tohost: .dword 0; .size tohost, 8;                  \
  .align 6;                                         \
  .globl fromhost;                                  \
fromhost: .dword 0; .size fromhost, 8;              \
  .data;

/* Check number n: fail unless reg == the 64-bit constant. Clobbers t6 (x31). */
#define CHECK(n, reg, value)                        \
  li TESTNUM, n;                                    \
  li t6, value;                                     \
  bne reg, t6, tuml_fail;

/* Check number n: fail unless a == b. */
#define CHECK_EQ(n, a, b)                           \
  li TESTNUM, n;                                    \
  bne a, b, tuml_fail;

#define FAIL(n)                                     \
  li TESTNUM, n;                                    \
  j tuml_fail;

/* Print a NUL-terminated string through HTIF's SYS_write (64). Clobbers t4-t6, a0-a7. */
#define PRINT(label)                                \
  la a1, label;                                     \
  mv a2, zero;                                      \
2: add t4, a1, a2; lbu t4, 0(t4); beqz t4, 3f;      \
  addi a2, a2, 1; j 2b;                             \
3: la t5, tuml_syscall_block;                       \
  li t4, 64; sd t4, 0(t5);                          \
  li t4, 1; sd t4, 8(t5);                           \
  sd a1, 16(t5); sd a2, 24(t5);                     \
  la t4, tohost; sd t5, 0(t4);                      \
4: la t4, fromhost; ld t6, 0(t4); beqz t6, 4b;      \
  sd zero, 0(t4);

#define SYSCALL_BLOCK                               \
  .data; .align 6;                                  \
tuml_syscall_block: .dword 0, 0, 0, 0, 0, 0, 0, 0;

#endif
