# mstatus.TVM (satp and SFENCE.VMA in S), TSR (SRET in S) and TW (WFI in S and U) trap
# as illegal instructions when set, and work when clear.
#include "tuml_test.h"

/* n: `insn` run in privilege `prv` traps as illegal to M with mtval = its bits. */
#define ILLEGAL_IN(n, prv, insn...)                 \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 4f);                              \
4: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, 4b);           \
  lwu t5, 0(s11); CHECK_EQ(n, s10, t5)

/* n: `insn` run in privilege `prv` does not trap. */
#define ALLOWED_IN(n, prv, insn...)                 \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 4f);                              \
4: insn;                                            \
  ecall;                                            \
2: li TESTNUM, n;                                   \
  li t6, 8 + prv;                                   \
  bne s9, t6, tuml_fail

TEST_BEGIN
  # ---- TVM ----
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  ILLEGAL_IN(2, PRV_S, csrr a0, satp)
  ILLEGAL_IN(3, PRV_S, csrw satp, zero)
  ILLEGAL_IN(4, PRV_S, sfence.vma)
  ILLEGAL_IN(5, PRV_S, sfence.vma a0, zero)
  ILLEGAL_IN(6, PRV_U, sfence.vma)     # never allowed in U
  # M is not affected
  csrr a0, satp
  sfence.vma
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  ALLOWED_IN(7, PRV_S, csrr a0, satp)
  ALLOWED_IN(8, PRV_S, sfence.vma)
  ALLOWED_IN(9, PRV_S, csrw satp, zero)
  ILLEGAL_IN(10, PRV_U, sfence.vma)

  # ---- TSR ----
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  ILLEGAL_IN(20, PRV_S, sret)
  # M may still sret
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  EXPECT_TRAP(2f)
  la t0, 1f
  csrw sepc, t0
  sret
1: ecall
2: CHECK(21, s9, CAUSE_ECALL_S)
  li t0, MSTATUS_TSR
  csrc mstatus, t0
  # TSR clear: sret in S works (to S, SPP = S)
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: la t0, 3f
  csrw sepc, t0
  sret
3: ecall
2: CHECK(22, s9, CAUSE_ECALL_S)

  # ---- TW ----
  li t0, MSTATUS_TW
  csrs mstatus, t0
  ILLEGAL_IN(30, PRV_S, wfi)
  ILLEGAL_IN(31, PRV_U, wfi)
  # TW clear: wfi in S completes. Make an interrupt pending and enabled in sie (but
  # not taken: SIE = 0 in S) so that no machine has to wait for it.
  li t0, MSTATUS_TW
  csrc mstatus, t0
  li t0, 1 << IRQ_SSI
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  ALLOWED_IN(32, PRV_S, wfi)
  csrw mie, zero
  csrw mip, zero
  csrw mideleg, zero
  # wfi in M never traps (same pending-interrupt trick, MIE = 0)
  li t0, 1 << IRQ_SSI
  csrw mie, t0
  csrs mip, t0
  wfi
  csrw mie, zero
  csrw mip, zero
TEST_END
