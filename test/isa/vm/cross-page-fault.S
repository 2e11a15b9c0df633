# Misaligned loads and stores that cross into a page that faults: xtval holds the
# virtual address of the part that faults (the privileged spec, "mtval"), which for
# the second page is its first byte, not the address of the access. An OS pages in
# what xtval names: were it the access's own (present) page, the access would fault
# forever. Every width, compressed and FP forms, a missing, a read-only and a
# supervisor-only second page, U-mode, and the first page missing (xtval = the access).
# A faulting store writes nothing, a faulting load leaves rd alone.
#include "tuml_test.h"
#include "tuml_vm.h"

#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* From S-mode, `insn` at label 1 must fault with `cause` and xtval = s1. */
#define S_FAULT(n, cause, insn...)                  \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, cause, 1b);                        \
  CHECK_EQ(n, s10, s1)

#define U_FAULT(n, cause, insn...)                  \
  EXPECT_TRAP(2f);                                  \
  ENTER_U_VM(1f);                                   \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK(n, s9, cause);                             \
  la t0, 1b; li t1, U_ALIAS; add t0, t0, t1;        \
  CHECK_EQ(n, s11, t0);                             \
  CHECK_EQ(n, s10, s1)

#define S_RUN(n, insn...)                           \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_S)

/* The last 8 bytes of physical page 3 (what VA(20) maps) must still be the pattern. */
#define CHECK_UNTOUCHED(n)                          \
  PAGE_PA(t1, 3);                                   \
  li t0, 4088;                                      \
  add t1, t1, t0;                                   \
  ld t0, 0(t1);                                     \
  CHECK_EQ(n, t0, s2)

TEST_BEGIN
  VM_INIT
  # the end of the first page holds a known pattern
  li s2, 0x0123456789abcdef
  PAGE_PA(t1, 3)
  li t0, 4088
  add t1, t1, t0
  sd s2, 0(t1)
  MAP(20, 3, RWAD)
  UNMAP(21)
  li s1, VA(21)
  li a2, 0x777
  fmv.d.x fa2, a2

  # ---- loads onto a missing second page: load page fault at VA(21) ----
  li s0, VA(21) - 4
  S_FAULT(2, CAUSE_LOAD_PAGE_FAULT, ld a2, 0(s0))
  S_FAULT(3, CAUSE_LOAD_PAGE_FAULT, ld t3, 3(s0))
  S_FAULT(4, CAUSE_LOAD_PAGE_FAULT, ld a2, -3(s0))
  S_FAULT(5, CAUSE_LOAD_PAGE_FAULT, lw a2, 1(s0))
  S_FAULT(6, CAUSE_LOAD_PAGE_FAULT, lwu t3, 2(s0))
  S_FAULT(7, CAUSE_LOAD_PAGE_FAULT, lh a2, 3(s0))
  S_FAULT(8, CAUSE_LOAD_PAGE_FAULT, lhu t3, 3(s0))
  S_FAULT(9, CAUSE_LOAD_PAGE_FAULT, fld fa2, -2(s0))
  S_FAULT(10, CAUSE_LOAD_PAGE_FAULT, flw fa2, 2(s0))
  li s0, VA(21) - 6
  S_FAULT(11, CAUSE_LOAD_PAGE_FAULT, c.ld a2, 0(s0))
  S_FAULT(12, CAUSE_LOAD_PAGE_FAULT, c.lw a2, 4(s0))
  CHECK(13, a2, 0x777)
  fmv.x.d t0, fa2
  CHECK(14, t0, 0x777)

  # ---- stores onto a missing second page: store page fault at VA(21), nothing written ----
  li s0, VA(21) - 4
  li a3, 0x1122334455667788
  S_FAULT(20, CAUSE_STORE_PAGE_FAULT, sd a3, 0(s0))
  CHECK_UNTOUCHED(21)
  S_FAULT(22, CAUSE_STORE_PAGE_FAULT, sd a3, -3(s0))
  S_FAULT(23, CAUSE_STORE_PAGE_FAULT, sw t3, 1(s0))
  S_FAULT(24, CAUSE_STORE_PAGE_FAULT, sh a3, 3(s0))
  S_FAULT(25, CAUSE_STORE_PAGE_FAULT, fsd fa2, 2(s0))
  S_FAULT(26, CAUSE_STORE_PAGE_FAULT, fsw fa2, 3(s0))
  li s0, VA(21) - 6
  S_FAULT(27, CAUSE_STORE_PAGE_FAULT, c.sd a3, 0(s0))
  S_FAULT(28, CAUSE_STORE_PAGE_FAULT, c.sw a3, 4(s0))
  CHECK_UNTOUCHED(29)

  # ---- the second page read-only: loads work, stores fault at VA(21) ----
  MAP(21, 5, PTE_V | PTE_R | PTE_A)
  li s0, VA(21) - 4
  S_RUN(30, ld a2, 0(s0))
  li t3, VM_MARK + 5         # PAGE_PA clobbers t0
  slli t3, t3, 32
  PAGE_PA(t1, 3)
  li t2, 4092
  add t1, t1, t2
  lwu t1, 0(t1)
  or t3, t3, t1
  CHECK_EQ(31, a2, t3)
  S_FAULT(32, CAUSE_STORE_PAGE_FAULT, sd a3, 0(s0))
  S_FAULT(33, CAUSE_STORE_PAGE_FAULT, sw a3, 2(s0))
  CHECK_UNTOUCHED(34)

  # ---- the second page execute-only: loads fault at VA(21) ----
  MAP(21, 5, PTE_V | PTE_X | PTE_A)
  li a2, 0x777
  S_FAULT(35, CAUSE_LOAD_PAGE_FAULT, ld a2, 0(s0))
  S_FAULT(36, CAUSE_LOAD_PAGE_FAULT, lh a2, 3(s0))
  CHECK(37, a2, 0x777)

  # ---- U-mode: the first page is a user page, the second a supervisor page ----
  MAP(20, 3, RWAD | PTE_U)
  MAP(21, 5, RWAD)
  mv s1, s0                                          # S without SUM: the first page faults
  S_FAULT(40, CAUSE_LOAD_PAGE_FAULT, ld a2, 0(s0))
  S_FAULT(41, CAUSE_STORE_PAGE_FAULT, sd a3, 0(s0))
  li s1, VA(21)
  U_FAULT(42, CAUSE_LOAD_PAGE_FAULT, ld a2, 0(s0))
  U_FAULT(43, CAUSE_STORE_PAGE_FAULT, sw a3, 2(s0))
  CHECK_UNTOUCHED(44)
  # with SUM, S reaches the user page too and the whole access succeeds
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  S_RUN(45, sd a3, 0(s0))
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  PAGE_PA(t1, 5)
  lwu t0, 0(t1)
  CHECK(46, t0, 0x11223344)

  # ---- the first page missing: xtval = the access's own address ----
  UNMAP(20)
  MAP(21, 5, RWAD)
  li s0, VA(21) - 3
  mv s1, s0
  PAGE_PA(t1, 5)
  ld s3, 0(t1)
  S_FAULT(50, CAUSE_LOAD_PAGE_FAULT, lw a2, 0(s0))
  S_FAULT(51, CAUSE_STORE_PAGE_FAULT, sd a3, 0(s0))
  PAGE_PA(t1, 5)
  ld t0, 0(t1)
  CHECK_EQ(52, t0, s3)

  # ---- both pages present again: the accesses that faulted now complete ----
  MAP(20, 3, RWAD)
  li s0, VA(21) - 4
  S_RUN(60, sd a3, 0(s0); ld a4, 0(s0); sh a3, 3(s0); lhu a5, 3(s0))
  CHECK(61, a4, 0x1122334455667788)
  CHECK(62, a5, 0x7788)

  # ---- fetch: a 32-bit instruction whose second half is on a page that faults ----
  # physical page 7 ends with the low half of "addi a0, a0, 1", page 9 starts with its
  # high half and "ret". xepc = the instruction, xtval = VA(31), the part that faults
  # (QEMU 7.2 reports the instruction's address instead: accepted there only).
  PAGE_PA(t1, 7)
  li t0, 4094
  add t1, t1, t0
  li t0, 0x0513
  sh t0, 0(t1)
  PAGE_PA(t1, 9)
  li t0, 0x0015
  sh t0, 0(t1)
  li t0, 0x00008067
  sw t0, 2(t1)
  fence.i
  MAP(30, 7, PTE_V | PTE_X | PTE_A)
  MAP(31, 9, PTE_V | PTE_R | PTE_A)          # readable, not executable
  li s0, VA(31) - 2
  li s1, VA(31)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: jalr s0
  FAIL(70)
2: CHECK(71, s9, CAUSE_FETCH_PAGE_FAULT)
  CHECK_EQ(72, s11, s0)
  beq s10, s1, 3f
  BRANCH_IF_QEMU(4f)
  FAIL(73)
4: CHECK_EQ(74, s10, s0)
3:
  # the first page not executable: xtval = the instruction's address
  MAP(30, 7, PTE_V | PTE_R | PTE_A)
  MAP(31, 9, PTE_V | PTE_X | PTE_A)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: jalr s0
  FAIL(75)
2: CHECK(76, s9, CAUSE_FETCH_PAGE_FAULT)
  CHECK_EQ(76, s11, s0)
  CHECK_EQ(76, s10, s0)
  # both executable: it runs
  MAP(30, 7, PTE_V | PTE_X | PTE_A)
  li a0, 41
  S_RUN(77, jalr s0)
  CHECK(78, a0, 42)
  csrw satp, zero
TEST_END
VM_DATA
