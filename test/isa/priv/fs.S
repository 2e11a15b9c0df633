# mstatus.FS: Off makes every FP instruction and FP CSR access illegal; instructions that
# change FP state (registers or fcsr) set FS to Dirty; SD reads 1 exactly when FS (or XS)
# is Dirty; sstatus shows FS and SD too.
#include "tuml_test.h"

#define FS_OFF      li t0, MSTATUS_FS; csrc mstatus, t0
#define FS_SET(v)   li t0, MSTATUS_FS; csrc mstatus, t0; li t0, (v) << 13; csrs mstatus, t0
#define GET_FS(reg) csrr reg, mstatus; srli reg, reg, 13; andi reg, reg, 3
#define GET_SD(reg) csrr reg, mstatus; srli reg, reg, 63
#define GET_SSD(reg) csrr reg, sstatus; srli reg, reg, 63

#define ILLEGAL(n, insn...)                         \
  EXPECT_TRAP(9f);                                  \
8: insn;                                            \
  FAIL(n);                                          \
9: CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, 8b)

TEST_BEGIN
  la s0, fdata
  # ---- FS = Off ----
  FS_OFF
  GET_FS(a0)
  CHECK(2, a0, 0)
  GET_SD(a0)
  CHECK(3, a0, 0)
  ILLEGAL(4, fadd.d fa0, fa1, fa2)
  ILLEGAL(5, fld fa0, 0(s0))
  ILLEGAL(6, fsd fa0, 0(s0))
  ILLEGAL(7, flw fa0, 0(s0))
  ILLEGAL(8, fmv.x.d a0, fa0)
  ILLEGAL(9, fmv.d.x fa0, a0)
  ILLEGAL(10, fcvt.d.l fa0, a0)
  ILLEGAL(11, fmadd.d fa0, fa1, fa2, fa3)
  ILLEGAL(12, csrr a0, fcsr)
  ILLEGAL(13, csrr a0, fflags)
  ILLEGAL(14, csrwi frm, 1)
  ILLEGAL(15, fsgnj.s fa0, fa1, fa1)
  .option push
  .option rvc
  ILLEGAL(16, c.fld fa0, 0(s0))
  ILLEGAL(17, c.fsdsp fa0, 0(sp))
  .option pop
  DEFAULT_TRAP
  GET_FS(a0)
  CHECK(18, a0, 0)

  # ---- Initial → Dirty on a register write ----
  FS_SET(1)
  GET_SD(a0)
  CHECK(19, a0, 0)
  fmv.d.x fa0, zero
  GET_FS(a0)
  CHECK(20, a0, 3)
  GET_SD(a0)
  CHECK(21, a0, 1)
  GET_SSD(a0)
  CHECK(22, a0, 1)
  csrr a0, sstatus
  srli a0, a0, 13
  andi a0, a0, 3
  CHECK(23, a0, 3)

  # ---- Clean → Dirty: loads, arithmetic, fcsr writes ----
  FS_SET(2)
  GET_SD(a0)
  CHECK(24, a0, 0)
  fld fa1, 0(s0)
  GET_FS(a0)
  CHECK(25, a0, 3)
  FS_SET(2)
  fadd.d fa2, fa1, fa1
  GET_FS(a0)
  CHECK(26, a0, 3)
  FS_SET(2)
  csrwi fflags, 0
  GET_FS(a0)
  CHECK(27, a0, 3)
  FS_SET(2)
  csrwi frm, 0
  GET_FS(a0)
  CHECK(28, a0, 3)
  FS_SET(2)
  fcvt.d.l fa3, a0
  GET_FS(a0)
  CHECK(29, a0, 3)
  FS_SET(1)
  .option push
  .option rvc
  c.fld fa0, 0(s0)
  .option pop
  GET_FS(a0)
  CHECK(30, a0, 3)
  # setting a flag through an operation dirties the state too
  FS_SET(2)
  fdiv.d fa4, fa1, fa3       # something / 0 or a normal division: either way fa4 changes
  GET_FS(a0)
  CHECK(31, a0, 3)

  # ---- FS written through sstatus; SD follows ----
  li t0, MSTATUS_FS
  csrc sstatus, t0
  GET_FS(a0)
  CHECK(32, a0, 0)
  GET_SSD(a0)
  CHECK(33, a0, 0)
  li t0, 3 << 13
  csrs sstatus, t0
  GET_SD(a0)
  CHECK(34, a0, 1)

  # ---- S-mode with FS = Off: illegal too; FS = Initial: works and dirties ----
  FS_OFF
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: fmv.d.x fa0, zero
  FAIL(35)
2: CHECK_TRAP(36, CAUSE_ILLEGAL_INSN, 1b)
  FS_SET(1)
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: fmv.d.x fa0, zero
  ecall
2: CHECK(37, s9, CAUSE_ECALL_U)
  GET_FS(a0)
  CHECK(38, a0, 3)
TEST_END

  .data
  .align 3
fdata: .double 2.5
