# Sv39 permissions: R, W, X for loads, stores and fetches; U pages and S-mode (SUM);
# MXR making execute-only pages readable; U-mode and supervisor pages. Fetch faults
# report epc = tval = the target VA.
#include "tuml_test.h"
#include "tuml_vm.h"

#define AD (PTE_A | PTE_D)

/* In privilege prv (PRV_S or PRV_U via the U alias), `insn` at label 1 must fault
 * with `cause`, mtval = s0. */
#define S_FAULT(n, cause, insn...)                  \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, cause, 1b);                        \
  CHECK_EQ(n, s10, s0)

#define S_OK(n, insn...)                            \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_S)

#define U_FAULT(n, cause, insn...)                  \
  EXPECT_TRAP(2f);                                  \
  ENTER_U_VM(1f);                                   \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK(n, s9, cause);                             \
  la t0, 1b; li t1, U_ALIAS; add t0, t0, t1;        \
  CHECK_EQ(n, s11, t0);                             \
  CHECK_EQ(n, s10, s0)

#define U_OK(n, insn...)                            \
  EXPECT_TRAP(2f);                                  \
  ENTER_U_VM(1f);                                   \
1: insn;                                            \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_U)

/* Jump (from privilege S) to s0 and expect an instruction page fault there. */
#define S_FETCH_FAULT(n)                            \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: jalr s0;                                         \
  FAIL(n);                                          \
2: CHECK(n, s9, CAUSE_FETCH_PAGE_FAULT);            \
  CHECK_EQ(n, s11, s0);                             \
  CHECK_EQ(n, s10, s0)

#define U_FETCH_FAULT(n)                            \
  EXPECT_TRAP(2f);                                  \
  ENTER_U_VM(1f);                                   \
1: jalr s0;                                         \
  FAIL(n);                                          \
2: CHECK(n, s9, CAUSE_FETCH_PAGE_FAULT);            \
  CHECK_EQ(n, s11, s0);                             \
  CHECK_EQ(n, s10, s0)

TEST_BEGIN
  VM_INIT
  li t0, MSTATUS_SUM | MSTATUS_MXR
  csrc mstatus, t0

  # ---- R / W / X for S-mode ----
  MAP(0, 0, PTE_V | PTE_R | AD)                 # read-only
  li s0, VA(0)
  S_OK(2, ld a0, 0(s0))
  CHECK(3, a0, VM_MARK + 0)
  S_FAULT(4, CAUSE_STORE_PAGE_FAULT, sd a0, 0(s0))
  S_FAULT(5, CAUSE_STORE_PAGE_FAULT, amoadd.d a0, a0, (s0))
  S_FETCH_FAULT(7)                               # not executable
  MAP(1, 1, PTE_V | PTE_R | PTE_W | AD)         # read-write
  li s0, VA(1)
  S_OK(8, sd s0, 8(s0); amoadd.d a0, s0, (s0))
  CHECK(9, a0, VM_MARK + 1)
  S_FETCH_FAULT(10)
  # LR on a readable page works; the load of an execute-only page does not
  S_OK(11, lr.d a0, (s0))
  MAP_LABEL(2, xpage, PTE_V | PTE_X | AD)       # execute-only code page
  li s0, VA(2)
  S_OK(12, li a0, 0; jalr s0)                   # runs xpage: a0 = 0x77
  CHECK(13, a0, 0x77)
  S_FAULT(14, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))
  S_FAULT(15, CAUSE_STORE_PAGE_FAULT, sw a0, 0(s0))
  S_FAULT(16, CAUSE_LOAD_PAGE_FAULT, lr.w a0, (s0))

  # ---- MXR: execute-only pages become readable (not writable) ----
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  S_OK(17, lwu a0, 0(s0))
  lwu a1, xpage
  CHECK_EQ(18, a0, a1)
  S_FAULT(19, CAUSE_STORE_PAGE_FAULT, sw a0, 0(s0))
  li t0, MSTATUS_MXR
  csrc mstatus, t0

  # ---- U pages from S-mode: SUM ----
  MAP(3, 3, PTE_V | PTE_R | PTE_W | PTE_U | AD)
  li s0, VA(3)
  S_FAULT(20, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))
  S_FAULT(21, CAUSE_STORE_PAGE_FAULT, sd a0, 0(s0))
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  S_OK(22, ld a0, 0(s0))
  CHECK(23, a0, VM_MARK + 3)
  S_OK(24, sd a0, 16(s0))
  # S never executes U pages, even with SUM
  MAP_LABEL(4, xpage, PTE_V | PTE_R | PTE_X | PTE_U | AD)
  li s0, VA(4)
  S_FETCH_FAULT(25)
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  # SUM also lets S read an execute-only U page only with MXR
  MAP_LABEL(5, xpage, PTE_V | PTE_X | PTE_U | AD)
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  li s0, VA(5)
  S_FAULT(26, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(s0))
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  S_OK(27, lw a0, 0(s0))
  li t0, MSTATUS_SUM | MSTATUS_MXR
  csrc mstatus, t0

  # ---- U-mode ----
  li s0, VA(3)                                   # U page, RW
  U_OK(30, ld a0, 0(s0))
  CHECK(31, a0, VM_MARK + 3)
  U_OK(32, sd s0, 24(s0))
  li s0, VA(1)                                   # S page
  U_FAULT(33, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))
  U_FAULT(34, CAUSE_STORE_PAGE_FAULT, sd a0, 0(s0))
  # SUM does not open S pages to U
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  U_FAULT(35, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  MAP(6, 6, PTE_V | PTE_R | PTE_U | AD)         # U read-only
  li s0, VA(6)
  U_OK(36, ld a0, 0(s0))
  CHECK(37, a0, VM_MARK + 6)
  U_FAULT(38, CAUSE_STORE_PAGE_FAULT, sd a0, 0(s0))
  # U executes U pages, not S pages
  li s0, VA(5)                                   # U, execute-only
  U_OK(39, li a0, 0; jalr s0)
  CHECK(40, a0, 0x77)
  U_FAULT(41, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(s0))
  li s0, VA(2)                                   # S, execute-only
  U_FETCH_FAULT(42)
  li s0, VA(3)                                   # U, not executable
  U_FETCH_FAULT(43)
  # U's own code runs from the U alias; the identity mapping is S-only
  li s0, 0x80002000
  U_FETCH_FAULT(44)
TEST_END

  .text
  .align 12
xpage:                       # a code page: sets a0 = 0x77 and returns
  li a0, 0x77
  ret
  .align 12
VM_DATA
