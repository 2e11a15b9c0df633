# Accesses that cross a page boundary under Sv39, with the two pages at unrelated
# physical addresses: misaligned loads and stores succeed (the core handles them in
# hardware) and fault when the second page is missing; an instruction straddling two
# pages is fetched from both, and faults with mepc = its start when the second page
# is missing.
#include "tuml_test.h"
#include "tuml_vm.h"

#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define S_RUN(n, insn...)                           \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_S)

TEST_BEGIN
  VM_INIT
  MAP(20, 3, RWAD)
  MAP(21, 5, RWAD)
  # ---- data: VA(21) - 4 .. VA(21) + 3 ----
  li s0, VA(21) - 4
  li a1, 0x1122334455667788
  S_RUN(2, sd a1, 0(s0))
  PAGE_PA(t1, 3)
  li t0, 4092
  add t1, t1, t0
  lwu a0, 0(t1)
  CHECK(3, a0, 0x55667788)
  PAGE_PA(t1, 5)
  lwu a0, 0(t1)
  CHECK(4, a0, 0x11223344)
  S_RUN(5, ld a2, 0(s0))
  CHECK(6, a2, 0x1122334455667788)
  li s0, VA(21) - 1
  S_RUN(7, lhu a2, 0(s0))
  CHECK(8, a2, 0x4455)
  S_RUN(9, lw a2, -2(s0))
  CHECK(10, a2, 0x44556677)
  li a1, 0xa5b6
  S_RUN(11, sh a1, 0(s0))
  PAGE_PA(t1, 5)
  lbu a0, 0(t1)
  CHECK(12, a0, 0xa5)
  # ---- the second page missing: a page fault, nothing half-done visible in rd ----
  UNMAP(21)
  li s0, VA(21) - 4
  li a2, 0x999
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: ld a2, 0(s0)
  FAIL(13)
2: CHECK_TRAP(14, CAUSE_LOAD_PAGE_FAULT, 1b)
  CHECK(15, a2, 0x999)
  # mtval: the start of the missing page, the part of the access that faults
  # (vm/cross-page-fault.S has the cases in full)
  li t0, VA(21)
  CHECK_EQ(16, s10, t0)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: sw a2, 2(s0)
  FAIL(17)
2: CHECK_TRAP(18, CAUSE_STORE_PAGE_FAULT, 1b)
  li t0, VA(21)
  CHECK_EQ(19, s10, t0)
  # the first page missing
  MAP(21, 5, RWAD)
  UNMAP(20)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: ld a2, 0(s0)
  FAIL(20)
2: CHECK_TRAP(21, CAUSE_LOAD_PAGE_FAULT, 1b)
  CHECK_EQ(22, s10, s0)

  # ---- an instruction across two pages ----
  # physical page 7 ends with the low half of "addi a0, a0, 1" (0x00150513); page 9
  # starts with its high half, then "ret" (0x00008067).
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
  MAP(31, 9, PTE_V | PTE_X | PTE_A)
  li s0, VA(31) - 2
  li a0, 41
  S_RUN(30, jalr s0)
  CHECK(31, a0, 42)
  # without the second page: fetch page fault, mepc = the instruction, mtval = the
  # address of the missing part (the spec's choice; QEMU also reports the start)
  UNMAP(31)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: jalr s0
  FAIL(32)
2: CHECK(33, s9, CAUSE_FETCH_PAGE_FAULT)
  CHECK_EQ(34, s11, s0)
  li t0, VA(31)
  beq s10, t0, 3f
  BRANCH_IF_QEMU(4f)
  FAIL(35)
4: CHECK_EQ(36, s10, s0)
3:
  # a compressed instruction in the last two bytes needs only the first page
  PAGE_PA(t1, 7)
  li t0, 4094
  add t1, t1, t0
  li t0, 0x8082              # c.ret
  sh t0, 0(t1)
  fence.i
  S_RUN(37, jalr s0)
  csrw satp, zero
TEST_END
VM_DATA
