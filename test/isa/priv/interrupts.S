# Interrupts: the CLINT (msip at +0, mtimecmp at +0x4000, mtime at +0xbff8), the timer
# and software interrupts, their priority, enables (mie, mstatus.MIE/SIE), vectored
# mtvec, interrupts taken below M regardless of MIE, delegation of S-level interrupts
# through mideleg, and WFI waking up on a pending interrupt even when MIE = 0.
#include "tuml_test.h"

#define SPIN_LIMIT 20000000

/* Waits for the catch handler: spins at most SPIN_LIMIT iterations, then fails n. */
#define SPIN_UNTIL_TRAP(n)                          \
  li t0, SPIN_LIMIT;                                \
1: addi t0, t0, -1;                                 \
  bnez t0, 1b;                                      \
  FAIL(n)

#define MTIMECMP_IN(ticks)                          \
  li t0, CLINT_MTIME; ld t1, 0(t0);                 \
  li t2, ticks; add t1, t1, t2;                     \
  li t0, CLINT_MTIMECMP; sd t1, 0(t0)

#define MTIMECMP_NEVER                              \
  li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0)

#define MTIMECMP_NOW                                \
  li t0, CLINT_MTIMECMP; sd zero, 0(t0)

#define MSIP(v) li t0, CLINT_MSIP; li t1, v; sw t1, 0(t0)

#define MIP_BIT(reg, irq) csrr reg, mip; srli reg, reg, irq; andi reg, reg, 1

TEST_BEGIN
  MTIMECMP_NEVER
  csrw mie, zero
  csrci mstatus, MSTATUS_MIE

  # ---- CLINT registers ----
  li s0, CLINT_MTIME
  ld a0, 0(s0)
  li t0, 3000
1: addi t0, t0, -1
  bnez t0, 1b
  ld a1, 0(s0)
  li TESTNUM, 2
  bgeu a0, a1, tuml_fail      # mtime advanced during 6000 instructions
  li s1, CLINT_MTIMECMP
  li t0, 0x123456789abc
  sd t0, 0(s1)
  ld a0, 0(s1)
  CHECK(3, a0, 0x123456789abc)
  li t0, 0x11112222
  sw t0, 4(s1)                # the upper half alone
  ld a0, 0(s1)
  CHECK(4, a0, 0x111122225678 << 16 | 0x9abc)
  lw a0, 0(s1)
  CHECK(5, a0, 0x56789abc)
  MTIMECMP_NEVER
  MIP_BIT(a0, IRQ_MTI)
  CHECK(6, a0, 0)
  MTIMECMP_NOW
  MIP_BIT(a0, IRQ_MTI)
  CHECK(7, a0, 1)             # pending as soon as mtime >= mtimecmp
  MTIMECMP_NEVER
  MIP_BIT(a0, IRQ_MTI)
  CHECK(8, a0, 0)             # and cleared by writing mtimecmp
  MSIP(1)
  li t0, CLINT_MSIP
  lw a0, 0(t0)
  CHECK(9, a0, 1)
  MIP_BIT(a0, IRQ_MSI)
  CHECK(10, a0, 1)
  MSIP(0)
  MIP_BIT(a0, IRQ_MSI)
  CHECK(11, a0, 0)

  # ---- machine timer interrupt ----
  li t0, 1 << IRQ_MTI
  csrw mie, t0
  EXPECT_TRAP(2f)
  MTIMECMP_IN(300)
5: csrsi mstatus, MSTATUS_MIE
  SPIN_UNTIL_TRAP(12)
2: CHECK(13, s9, CAUSE_INTR | IRQ_MTI)
  csrr a0, mstatus
  andi a0, a0, MSTATUS_MIE | MSTATUS_MPIE
  CHECK(14, a0, MSTATUS_MPIE)           # MIE saved in MPIE and cleared
  la t0, 5b                              # mepc: an instruction after MIE was set
  la t1, 2b
  li TESTNUM, 15
  bleu s11, t0, tuml_fail
  bgeu s11, t1, tuml_fail
  CHECK(16, s10, 0)                      # mtval = 0 for interrupts
  MTIMECMP_NEVER
  MIP_BIT(a0, IRQ_MTI)
  CHECK(17, a0, 0)

  # pending but masked by MIE = 0: no trap; taken as soon as MIE is set
  csrci mstatus, MSTATUS_MIE
  EXPECT_TRAP(2f)
  MTIMECMP_NOW
  li t0, 1000
1: addi t0, t0, -1
  bnez t0, 1b
  MIP_BIT(a0, IRQ_MTI)
  CHECK(18, a0, 1)
  csrsi mstatus, MSTATUS_MIE
  SPIN_UNTIL_TRAP(19)
2: CHECK(20, s9, CAUSE_INTR | IRQ_MTI)
  # masked by mie.MTIE = 0 with MIE = 1: no trap
  csrw mie, zero
  csrsi mstatus, MSTATUS_MIE
  li t0, 1000
1: addi t0, t0, -1
  bnez t0, 1b
  CHECK(21, s9, CAUSE_INTR | IRQ_MTI)    # unchanged: no new trap
  csrci mstatus, MSTATUS_MIE
  MTIMECMP_NEVER

  # ---- WFI wakes up on a pending interrupt even with MIE = 0 ----
  li t0, 1 << IRQ_MTI
  csrw mie, t0
  csrci mstatus, MSTATUS_MIE
  MTIMECMP_IN(2000)
  li s2, 100
3: wfi
  MIP_BIT(a0, IRQ_MTI)
  bnez a0, 4f
  addi s2, s2, -1
  bnez s2, 3b
  FAIL(22)
4: MTIMECMP_NEVER
  csrw mie, zero

  # ---- interrupts below M are taken regardless of MIE ----
  li t0, 1 << IRQ_MTI
  csrw mie, t0
  csrci mstatus, MSTATUS_MIE
  EXPECT_TRAP(2f)
  MTIMECMP_NOW
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  ENTER_U(1f)
1: SPIN_UNTIL_TRAP(23)
2: CHECK(24, s9, CAUSE_INTR | IRQ_MTI)
  csrr a0, mstatus
  li t0, MSTATUS_MPP
  and a0, a0, t0
  CHECK(25, a0, 0)                       # from U
  MTIMECMP_NEVER
  # same from S
  EXPECT_TRAP(2f)
  MTIMECMP_NOW
  ENTER_S(1f)
1: SPIN_UNTIL_TRAP(26)
2: CHECK(27, s9, CAUSE_INTR | IRQ_MTI)
  MTIMECMP_NEVER
  csrw mie, zero

  # ---- machine software interrupt ----
  li t0, 1 << IRQ_MSI
  csrw mie, t0
  EXPECT_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
  MSIP(1)
  SPIN_UNTIL_TRAP(30)
2: CHECK(31, s9, CAUSE_INTR | IRQ_MSI)
  MSIP(0)
  MIP_BIT(a0, IRQ_MSI)
  CHECK(32, a0, 0)

  # ---- priority: MSI before MTI ----
  li t0, (1 << IRQ_MSI) | (1 << IRQ_MTI)
  csrw mie, t0
  csrci mstatus, MSTATUS_MIE
  MSIP(1)
  MTIMECMP_NOW
  EXPECT_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
  SPIN_UNTIL_TRAP(33)
2: CHECK(34, s9, CAUSE_INTR | IRQ_MSI)
  MSIP(0)
  EXPECT_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
  SPIN_UNTIL_TRAP(35)
2: CHECK(36, s9, CAUSE_INTR | IRQ_MTI)
  MTIMECMP_NEVER
  csrw mie, zero

  # ---- vectored mtvec: interrupt n goes to base + 4n ----
  la t0, vectors
  ori t0, t0, 1
  csrw mtvec, t0
  li s8, 0
  li t0, 1 << IRQ_MTI
  csrw mie, t0
  MTIMECMP_NOW
  csrsi mstatus, MSTATUS_MIE
  li t0, SPIN_LIMIT
1: addi t0, t0, -1
  beqz t0, 5f
  beqz s8, 1b
5: CHECK(40, s8, 7)
  li t0, 1 << IRQ_MSI
  csrw mie, t0
  li s8, 0
  MSIP(1)
  csrsi mstatus, MSTATUS_MIE
  li t0, SPIN_LIMIT
1: addi t0, t0, -1
  beqz t0, 5f
  beqz s8, 1b
5: CHECK(41, s8, 3)
  csrw mie, zero
  DEFAULT_TRAP

  # ---- supervisor interrupts ----
  # SSIP set by M, not delegated, taken in S: goes to M
  li t0, 1 << IRQ_SSI
  csrw mie, t0
  csrci mstatus, MSTATUS_MIE
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: li t0, 1 << IRQ_SSI
  csrs mip, t0                           # illegal in S: mip is an M CSR...
  FAIL(50)
2: CHECK(51, s9, CAUSE_ILLEGAL_INSN)     # ...so back in M with an illegal instruction
  li t0, 1 << IRQ_SSI
  csrs mip, t0
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: SPIN_UNTIL_TRAP(52)
2: CHECK(53, s9, CAUSE_INTR | IRQ_SSI)   # M takes the undelegated S interrupt
  csrw mip, zero

  # delegated SSI: S sets sip.SSIP itself and takes it in S with SIE = 1
  li t0, 1 << IRQ_SSI
  csrw mideleg, t0
  csrw mie, t0
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  EXPECT_TRAP(m_done1)
  EXPECT_STRAP(s_got1)
  ENTER_S(1f)
1: csrsi sip, 1 << IRQ_SSI              # pending, but SIE = 0: not taken
  li t0, 1000
3: addi t0, t0, -1
  bnez t0, 3b
  csrsi sstatus, MSTATUS_SIE
  SPIN_UNTIL_TRAP(54)
s_got1:
  CHECK(55, s9, CAUSE_INTR | IRQ_SSI)
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK(56, a0, MSTATUS_SPIE | MSTATUS_SPP)
  csrci sip, 1 << IRQ_SSI
  csrr a0, sip
  CHECK(57, a0, 0)
  ecall
m_done1:
  CHECK(58, s9, CAUSE_ECALL_S)

  # a delegated interrupt is never taken in M, even with SIE = 1 and MIE = 1
  li t0, 1 << IRQ_SSI
  csrs mip, t0
  li t0, MSTATUS_SIE | MSTATUS_MIE
  csrs mstatus, t0
  li t0, 1000
1: addi t0, t0, -1
  bnez t0, 1b
  csrci mstatus, MSTATUS_MIE
  # ...but it is taken in U regardless of SIE
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  EXPECT_TRAP(m_done2)
  EXPECT_STRAP(s_got2)
  ENTER_U(1f)
1: SPIN_UNTIL_TRAP(59)
s_got2:
  CHECK(60, s9, CAUSE_INTR | IRQ_SSI)
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SPP
  CHECK(61, a0, 0)                       # from U
  csrci sip, 1 << IRQ_SSI
  ecall
m_done2:
  CHECK(62, s9, CAUSE_ECALL_S)

  # delegated STI (set by M in mip.STIP) and priority SSI before STI
  li t0, (1 << IRQ_SSI) | (1 << IRQ_STI)
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  EXPECT_TRAP(m_done3)
  EXPECT_STRAP(s_got3)
  ENTER_S(1f)
1: csrsi sstatus, MSTATUS_SIE
  SPIN_UNTIL_TRAP(63)
s_got3:
  CHECK(64, s9, CAUSE_INTR | IRQ_SSI)
  csrci sip, 1 << IRQ_SSI
  EXPECT_STRAP(s_got4)
  csrsi sstatus, MSTATUS_SIE
  SPIN_UNTIL_TRAP(65)
s_got4:
  CHECK(66, s9, CAUSE_INTR | IRQ_STI)
  csrr a0, sip
  CHECK(67, a0, 1 << IRQ_STI)            # S cannot clear STIP...
  ecall
m_done3:
  csrw mip, zero                         # ...M can
  csrr a0, mip
  andi a0, a0, 0x222
  CHECK(68, a0, 0)
  csrw mideleg, zero
  csrw mie, zero
TEST_END

  .text
  .align 8
  .option norvc            # 4-byte table entries
vectors:
  j tuml_default_trap       # 0: exceptions
  j vec_bad                 # 1
  j vec_bad                 # 2
  j vec_msi                 # 3
  j vec_bad                 # 4
  j vec_bad                 # 5
  j vec_bad                 # 6
  j vec_mti                 # 7
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_bad
vec_bad:
  li TESTNUM, 42
  j tuml_fail
vec_mti:
  li s8, 7
  li t1, CLINT_MTIMECMP
  li t2, -1
  sd t2, 0(t1)
  mret
vec_msi:
  li s8, 3
  li t1, CLINT_MSIP
  sw zero, 0(t1)
  mret
