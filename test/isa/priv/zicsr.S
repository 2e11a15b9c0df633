# Zicsr: the six CSR instructions, their read/write suppression rules, and the access
# rules: unknown CSRs, writes to read-only CSRs and accesses above the current privilege
# raise illegal-instruction exceptions with mtval = the instruction bits.
#include "tuml_test.h"

/* n: `insn` (at label 8) must raise an illegal-instruction trap in M-mode. */
#define ILLEGAL(n, insn...)                         \
  EXPECT_TRAP(9f);                                  \
8: insn;                                            \
  FAIL(n);                                          \
9: CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, 8b);           \
  lwu t5, 0(s11); CHECK_EQ(n, s10, t5)

TEST_BEGIN
  # ---- register forms ----
  li a1, 0x0123456789abcdef
  csrw mscratch, a1
  csrr a0, mscratch
  CHECK(2, a0, 0x0123456789abcdef)
  li a1, 0xff
  csrrw a0, mscratch, a1
  CHECK(3, a0, 0x0123456789abcdef)
  csrr a0, mscratch
  CHECK(4, a0, 0xff)
  li a1, 0xf00
  csrrs a0, mscratch, a1
  CHECK(5, a0, 0xff)
  csrr a0, mscratch
  CHECK(6, a0, 0xfff)
  li a1, 0x0f0
  csrrc a0, mscratch, a1
  CHECK(7, a0, 0xfff)
  csrr a0, mscratch
  CHECK(8, a0, 0xf0f)
  # rd == rs1
  li a0, 0x55
  csrrw a0, mscratch, a0
  CHECK(9, a0, 0xf0f)
  csrr a0, mscratch
  CHECK(10, a0, 0x55)
  # csrrs / csrrc with rs1 = x0 do not write
  csrrs a0, mscratch, x0
  CHECK(11, a0, 0x55)
  csrrc a0, mscratch, x0
  CHECK(12, a0, 0x55)
  # csrrw with rd = x0 writes
  li a1, -1
  csrrw x0, mscratch, a1
  csrr a0, mscratch
  CHECK(13, a0, -1)
  csrc mscratch, a1
  csrr a0, mscratch
  CHECK(14, a0, 0)

  # ---- immediate forms (5-bit zero-extended uimm) ----
  csrrwi a0, mscratch, 31
  CHECK(15, a0, 0)
  csrr a0, mscratch
  CHECK(16, a0, 31)
  csrrci a0, mscratch, 0x11
  CHECK(17, a0, 31)
  csrr a0, mscratch
  CHECK(18, a0, 0xe)
  csrrsi a0, mscratch, 0x10
  CHECK(19, a0, 0xe)
  csrr a0, mscratch
  CHECK(20, a0, 0x1e)
  csrrsi a0, mscratch, 0
  CHECK(21, a0, 0x1e)
  csrrci a0, mscratch, 0
  CHECK(22, a0, 0x1e)
  csrwi mscratch, 0
  csrr a0, mscratch
  CHECK(23, a0, 0)

  # ---- read-only CSRs: reads (no write attempted) are fine ----
  csrr a0, mhartid
  CHECK(24, a0, 0)
  csrrs a0, mhartid, x0
  CHECK(25, a0, 0)
  csrrc a0, mvendorid, x0
  csrrsi a0, mimpid, 0
  csrrci a0, marchid, 0
  csrr a0, cycle
  csrr a0, instret
  BRANCH_IF_QEMU(1f)       # QEMU's spike machine has no time CSR (it traps)
  csrr a0, time
1:

  # ---- writes to read-only CSRs trap ----
  li a1, 1
  ILLEGAL(30, csrw mhartid, a1)
  ILLEGAL(31, csrrw x0, mvendorid, zero)
  ILLEGAL(32, csrrs a0, marchid, a1)
  ILLEGAL(33, csrrc a0, mimpid, a1)
  ILLEGAL(34, csrrwi a0, mhartid, 0)
  ILLEGAL(35, csrrsi a0, mhartid, 1)
  ILLEGAL(36, csrrci a0, mhartid, 1)
  ILLEGAL(37, csrw cycle, a1)
  ILLEGAL(38, csrw time, a1)  # traps on QEMU too, because time does not exist there
  ILLEGAL(39, csrw instret, a1)
  ILLEGAL(40, csrrs a0, cycle, a1)
  # a register holding zero (not x0) still attempts the write
  # (QEMU 7.2 does not trap here: it skips the write when the mask is zero)
  BRANCH_IF_QEMU(1f)
  li a2, 0
  ILLEGAL(41, csrrs a0, mhartid, a2)
  ILLEGAL(42, csrrc a0, mhartid, a2)
1:
  # a trapping CSR instruction does not write rd
  li a0, 0x777
  ILLEGAL(43, csrrw a0, mhartid, a1)
  CHECK(44, a0, 0x777)

  # ---- CSRs that do not exist trap ----
  ILLEGAL(50, csrr a0, 0x7c0)     # custom, not implemented
  ILLEGAL(51, csrr a0, 0x3a1)     # pmpcfg1 does not exist in RV64
  ILLEGAL(52, csrr a0, 0x3a3)     # pmpcfg3
  ILLEGAL(53, csrr a0, 0x800)     # custom user read/write
  ILLEGAL(54, csrw 0x5c0, a1)     # custom supervisor
  ILLEGAL(55, csrr a0, 0xc80)     # cycleh: RV32 only
  ILLEGAL(56, csrr a0, 0xb80)     # mcycleh: RV32 only
  ILLEGAL(57, csrr a0, 0x310)     # mstatush: RV32 only

  # ---- privilege: csr[9:8] is the lowest privilege that may access it ----
  # from S-mode: M-level CSRs trap, S-level CSRs work
  EXPECT_TRAP(2f)
  ENTER_S(3f)
3: csrr a0, sscratch
  csrr a0, sstatus
  li TESTNUM, 60
4: csrr a0, mstatus          # traps
  FAIL(61)
2: CHECK_TRAP(62, CAUSE_ILLEGAL_INSN, 4b)
  CHECK(63, s10, 0x30002573)  # csrr a0, mstatus
  li t0, MSTATUS_MPP
  csrr t1, mstatus
  and t1, t1, t0
  CHECK(64, t1, MSTATUS_MPP_S)  # the trap came from S

  EXPECT_TRAP(2f)
  ENTER_S(3f)
3: li a1, 5
4: csrw mscratch, a1
  FAIL(65)
2: CHECK_TRAP(66, CAUSE_ILLEGAL_INSN, 4b)

  EXPECT_TRAP(2f)
  ENTER_S(3f)
3:
4: csrr a0, mhartid
  FAIL(67)
2: CHECK_TRAP(68, CAUSE_ILLEGAL_INSN, 4b)

  # from U-mode: S-level and M-level CSRs trap
  EXPECT_TRAP(2f)
  ENTER_U(3f)
3:
4: csrr a0, sstatus
  FAIL(69)
2: CHECK_TRAP(70, CAUSE_ILLEGAL_INSN, 4b)
  CHECK(71, s10, 0x10002573)    # csrr a0, sstatus

  EXPECT_TRAP(2f)
  ENTER_U(3f)
3:
4: csrw sscratch, zero
  FAIL(72)
2: CHECK_TRAP(73, CAUSE_ILLEGAL_INSN, 4b)

  EXPECT_TRAP(2f)
  ENTER_U(3f)
3:
4: csrr a0, satp
  FAIL(74)
2: CHECK_TRAP(75, CAUSE_ILLEGAL_INSN, 4b)

  EXPECT_TRAP(2f)
  ENTER_U(3f)
3:
4: csrr a0, mepc
  FAIL(76)
2: CHECK_TRAP(77, CAUSE_ILLEGAL_INSN, 4b)
TEST_END
