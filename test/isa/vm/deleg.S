# Page faults delegated to S-mode (medeleg 12, 13, 15) land in S with scause, sepc and
# stval = the VA; from U they go to S as well.
#include "tuml_test.h"
#include "tuml_vm.h"

TEST_BEGIN
  VM_INIT
  li t0, (1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT)
  csrw medeleg, t0
  MAP(0, 0, PTE_V | PTE_R | PTE_A)
  li s0, VA(0)

  # load from an unmapped page in S
  li s1, VA(5) + 0x123
  EXPECT_TRAP(m_back)
  EXPECT_STRAP(s1_got)
  ENTER_S(1f)
1: ld a0, 0(s1)
  FAIL(2)
s1_got:
  CHECK_TRAP(3, CAUSE_LOAD_PAGE_FAULT, 1b)
  CHECK_EQ(4, s10, s1)
  csrr a0, stval
  CHECK_EQ(5, a0, s1)
  # store to a read-only page in S
  EXPECT_STRAP(s2_got)
1: sd a0, 8(s0)
  FAIL(6)
s2_got:
  CHECK_TRAP(7, CAUSE_STORE_PAGE_FAULT, 1b)
  addi t0, s0, 8
  CHECK_EQ(8, s10, t0)
  # fetch from a non-executable page in S
  EXPECT_STRAP(s3_got)
  jalr s0
  FAIL(9)
s3_got:
  CHECK(10, s9, CAUSE_FETCH_PAGE_FAULT)
  CHECK_EQ(11, s10, s0)
  CHECK_EQ(12, s11, s0)
  ecall                      # back to M (ecall from S is not delegated)
m_back:
  CHECK(13, s9, CAUSE_ECALL_S)

  # from U: delegated page faults go to S with SPP = U
  EXPECT_TRAP(m_back2)
  EXPECT_STRAP(s4_got)
  ENTER_U_VM(1f)
1: ld a0, 0(s0)              # S page: fault
  FAIL(14)
s4_got:
  CHECK(15, s9, CAUSE_LOAD_PAGE_FAULT)
  CHECK_EQ(16, s10, s0)
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SPP
  CHECK(17, a0, 0)
  ecall
m_back2:
  CHECK(18, s9, CAUSE_ECALL_S)
  csrw medeleg, zero
  csrw satp, zero
TEST_END
VM_DATA
