# Exception delegation through medeleg: delegated exceptions from U and S go to S-mode
# (scause, sepc, stval, SPP, SPIE, SIE); nothing is ever delegated away from M-mode.
#include "tuml_test.h"

#define SSTATUS_BITS(reg) csrr reg, sstatus; andi reg, reg, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP

TEST_BEGIN
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0

  # ---- ecall from U, delegated: lands in S ----
  EXPECT_TRAP(m_back1)       # for the ecall from S that returns to M
  EXPECT_STRAP(s_got1)
  ENTER_U(1f)
1: ecall
  FAIL(2)
s_got1:                      # S-mode now
  CHECK_TRAP(3, CAUSE_ECALL_U, 1b)
  CHECK(4, s10, 0)
  SSTATUS_BITS(a0)
  CHECK(5, a0, 0)            # SPP = U, SPIE = 0 (SIE was 0 in U), SIE = 0
  csrr a0, scause
  CHECK(6, a0, CAUSE_ECALL_U)
  ecall                      # not delegated (medeleg[9] = 0): to M
m_back1:
  CHECK(7, s9, CAUSE_ECALL_S)
  csrr a0, mcause
  CHECK(8, a0, CAUSE_ECALL_S)

  # ---- illegal instruction in U, delegated: stval = the instruction ----
  EXPECT_TRAP(m_back2)
  EXPECT_STRAP(s_got2)
  ENTER_U(1f)
1: .word 0x0000000b
  FAIL(10)
s_got2:
  CHECK_TRAP(11, CAUSE_ILLEGAL_INSN, 1b)
  CHECK(12, s10, 0x0000000b)
  ecall
m_back2:
  CHECK(13, s9, CAUSE_ECALL_S)

  # ---- ebreak in U, delegated ----
  EXPECT_TRAP(m_back3)
  EXPECT_STRAP(s_got3)
  ENTER_U(1f)
1: ebreak
  FAIL(14)
s_got3:
  CHECK_TRAP(15, CAUSE_BREAKPOINT, 1b)
  ecall
m_back3:
  CHECK(16, s9, CAUSE_ECALL_S)

  # ---- delegated exceptions from S stay in S, SPP = S, SPIE = old SIE ----
  EXPECT_TRAP(m_back4)
  EXPECT_STRAP(s_got4)
  ENTER_S(1f)
1: csrsi sstatus, MSTATUS_SIE    # SIE = 1 (no interrupt is enabled in sie)
2: .word 0x0000000b
  FAIL(17)
s_got4:
  CHECK_TRAP(18, CAUSE_ILLEGAL_INSN, 2b)
  SSTATUS_BITS(a0)
  CHECK(19, a0, MSTATUS_SPP | MSTATUS_SPIE)
  # sret back to S, which restores SIE from SPIE
  la t0, 3f
  csrw sepc, t0
  sret
3: SSTATUS_BITS(a0)
  CHECK(20, a0, MSTATUS_SIE | MSTATUS_SPIE)
  csrci sstatus, MSTATUS_SIE
  ecall
m_back4:
  CHECK(21, s9, CAUSE_ECALL_S)
  csrr a0, mstatus
  li t0, MSTATUS_MPP
  and a0, a0, t0
  CHECK(22, a0, MSTATUS_MPP_S)

  # ---- sret to U, then a delegated trap from U again ----
  EXPECT_TRAP(m_back5)
  EXPECT_STRAP(s_got5)
  ENTER_S(1f)
1: li t0, MSTATUS_SPP
  csrc sstatus, t0                 # SPP = U
  la t0, 2f
  csrw sepc, t0
  sret
2: ecall                            # from U, delegated
  FAIL(23)
s_got5:
  CHECK_TRAP(24, CAUSE_ECALL_U, 2b)
  ecall
m_back5:
  CHECK(25, s9, CAUSE_ECALL_S)

  # ---- ecall from S with medeleg[9]: to S ----
  li t0, (1 << CAUSE_ECALL_S)
  csrs medeleg, t0
  EXPECT_TRAP(m_back6)
  EXPECT_STRAP(s_got6)
  ENTER_S(1f)
1: ecall
  FAIL(26)
s_got6:
  CHECK_TRAP(27, CAUSE_ECALL_S, 1b)
  SSTATUS_BITS(a0)
  CHECK(28, a0, MSTATUS_SPP)
  EXPECT_STRAP(s_got7)
4: .word 0x0000000b                 # illegal from S: delegated too
  FAIL(29)
s_got7:
  CHECK_TRAP(31, CAUSE_ILLEGAL_INSN, 4b)
  # back to M: a load access fault is not delegated
  li t0, 0x40000000
  ld a0, 0(t0)
  FAIL(32)
m_back6:
  CHECK(33, s9, CAUSE_LOAD_ACCESS)
  csrr a0, mstatus
  li t0, MSTATUS_MPP
  and a0, a0, t0
  CHECK(34, a0, MSTATUS_MPP_S)

  # ---- M-mode exceptions are never delegated ----
m_tests:
  li t0, -1
  csrw medeleg, t0
  EXPECT_TRAP(1f)
  EXPECT_STRAP(2f)
3: ecall
  FAIL(40)
2: FAIL(41)
1: CHECK_TRAP(42, CAUSE_ECALL_M, 3b)
  EXPECT_TRAP(1f)
  EXPECT_STRAP(2f)
3: .word 0x0000000b
  FAIL(43)
2: FAIL(44)
1: CHECK_TRAP(45, CAUSE_ILLEGAL_INSN, 3b)
  EXPECT_TRAP(1f)
  EXPECT_STRAP(2f)
3: ebreak
  FAIL(46)
2: FAIL(47)
1: CHECK_TRAP(48, CAUSE_BREAKPOINT, 3b)
  csrw medeleg, zero
TEST_END
