/*
 * Bare-metal test environment: M-mode, HTIF through tohost/fromhost.
 *   pass: tohost = 1          fail: tohost = (TESTNUM << 1) | 1
 * TESTNUM (gp) holds the number of the check under way, so a failure names it.
 * A test may install its own trap handler by writing mtvec; the default one fails
 * with TESTNUM = 1337 so that an unexpected trap is never mistaken for a pass.
 *
 * TEST_BEGIN also opens PMP entry 0 to the whole address space (RWX, NAPOT) when PMP
 * exists, so that S- and U-mode code may run (QEMU enforces PMP; tuml ignores it).
 *
 * Catching expected traps (see EXPECT_TRAP / EXPECT_STRAP below): the catch handlers put
 * xcause in s9, xtval in s10 and xepc in s11, then jump to the resume label in the
 * trap's mode (M for EXPECT_TRAP, S for EXPECT_STRAP). They arm for one trap only: a
 * second trap before the next EXPECT_* fails with TESTNUM + 10000.
 */
#ifndef TUML_TEST_H
#define TUML_TEST_H

#define TESTNUM gp

/* ---- constants ---- */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_XS    (3 << 15)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTR             0x8000000000000000

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define CLINT_MSIP     0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200bff8

#define TEST_BEGIN                                  \
  .option nopic;                                    \
  .section .text.init;                              \
  .align 6;                                         \
  .globl _start;                                    \
_start:                                             \
  la t0, tuml_pmp_done;                             \
  csrw mtvec, t0;                                   \
  li t0, -1;                                        \
  csrw pmpaddr0, t0;                                \
  li t0, 0x1f;            /* NAPOT, RWX */          \
  csrw pmpcfg0, t0;                                 \
  .align 2;                                         \
tuml_pmp_done:                                      \
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
  .align 2;                                         \
tuml_trap_catch:                                    \
  csrr s9, mcause;                                  \
  csrr s10, mtval;                                  \
  csrr s11, mepc;                                   \
  la t6, tuml_trap_unexpected;                      \
  csrrw t6, mscratch, t6;                           \
  jr t6;                                            \
tuml_trap_unexpected:                               \
  li t6, 10000;                                     \
  add TESTNUM, TESTNUM, t6;                         \
  j tuml_fail;                                      \
  .align 2;                                         \
tuml_strap_catch:                                   \
  csrr s9, scause;                                  \
  csrr s10, stval;                                  \
  csrr s11, sepc;                                   \
  la t6, tuml_strap_unexpected;                     \
  csrrw t6, sscratch, t6;                           \
  jr t6;                                            \
tuml_strap_unexpected:                              \
  li t6, 10000;                                     \
  add TESTNUM, TESTNUM, t6;                         \
  j tuml_fail_from_s;                               \
tuml_fail_from_s:       /* fail from S or U mode */ \
  fence;                                            \
  slli t6, TESTNUM, 1;                              \
  ori t6, t6, 1;                                    \
  la t5, tohost;                                    \
  sd t6, 0(t5);                                     \
1: j 1b;                                            \
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

/* ---- traps ---- */

/* M-mode: the next trap (into M) lands at `resume` in M-mode with s9 = mcause,
 * s10 = mtval, s11 = mepc (s9..s11 preset to -1). Installs the catch handler in mtvec.
 * Clobbers t6. */
#define EXPECT_TRAP(resume)                         \
  la t6, tuml_trap_catch;                           \
  csrw mtvec, t6;                                   \
  la t6, resume;                                    \
  csrw mscratch, t6;                                \
  li s9, -1; li s10, -1; li s11, -1;

/* S-mode: the next trap delegated to S lands at `resume` in S-mode with s9 = scause,
 * s10 = stval, s11 = sepc. Installs the catch handler in stvec. Clobbers t6. */
#define EXPECT_STRAP(resume)                        \
  la t6, tuml_strap_catch;                          \
  csrw stvec, t6;                                   \
  la t6, resume;                                    \
  csrw sscratch, t6;                                \
  li s9, -1; li s10, -1; li s11, -1;

/* Back to the default handler (any trap fails the test). Clobbers t6. */
#define DEFAULT_TRAP                                \
  la t6, tuml_default_trap;                         \
  csrw mtvec, t6;

/* From M-mode, continue at `target` in privilege `prv` (mret; MPIE is copied into
 * MIE as usual). Clobbers t6. */
#define ENTER_PRIV(prv, target)                     \
  li t6, MSTATUS_MPP;                               \
  csrc mstatus, t6;                                 \
  li t6, ((prv) << 11);                             \
  csrs mstatus, t6;                                 \
  la t6, target;                                    \
  csrw mepc, t6;                                    \
  mret;

#define ENTER_S(target) ENTER_PRIV(PRV_S, target)
#define ENTER_U(target) ENTER_PRIV(PRV_U, target)

/* Check number n (M-mode): the last caught trap had cause `cause` at epc `label`. */
#define CHECK_TRAP(n, cause, label)                 \
  CHECK(n, s9, cause);                              \
  la t6, label;                                     \
  CHECK_EQ(n, s11, t6);

/* Branch to `label` when running on QEMU (M-mode only): QEMU reports its version as
 * both marchid and mimpid. Used only to skip checks of behaviour QEMU does not
 * implement as the spec allows tuml to. Clobbers t5, t6. */
#define BRANCH_IF_QEMU(label)                       \
  csrr t6, marchid;                                 \
  csrr t5, mimpid;                                  \
  bne t5, t6, 91f;                                  \
  bnez t6, label;                                   \
91:

#endif
