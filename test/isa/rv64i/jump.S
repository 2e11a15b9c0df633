# JAL and JALR: link values, targets, bit 0 of the JALR target cleared, rd == rs1.
#include "tuml_test.h"
TEST_BEGIN
  # jal links pc + 4
  li TESTNUM, 2
1: jal ra, 2f
  FAIL(3)
2: la a1, 1b
  addi a1, a1, 4
  CHECK_EQ(4, ra, a1)

  # jal x0 does not link
  li a0, 0
  j 3f
  li a0, 1
3: CHECK(5, a0, 0)

  # jalr with offset
  la a1, 4f
  addi a1, a1, -8
5: jalr a2, 8(a1)
  FAIL(6)
4: la a3, 5b
  addi a3, a3, 4
  CHECK_EQ(7, a2, a3)

  # jalr clears bit 0 of the target (no misaligned fetch)
  la a1, 6f
  addi a1, a1, 1
  jalr ra, 0(a1)
  FAIL(8)
  .align 2
6: li TESTNUM, 9
  la a1, 7f
  jalr ra, 1(a1)
  FAIL(10)
  .align 2
7:
  # rd == rs1: the target uses the old value
  la a1, 8f
9: jalr a1, 0(a1)
  FAIL(11)
8: la a2, 9b
  addi a2, a2, 4
  CHECK_EQ(12, a1, a2)

  # negative offset
  la a1, 10f
  addi a1, a1, 16
  jalr x0, -16(a1)
  FAIL(13)
10:
  # jal backwards
  j 12f
11: li a0, 77
  j 13f
12: jal x0, 11b
  FAIL(14)
13: CHECK(15, a0, 77)

  # call/ret idiom with a nested call and a stack
  la sp, stack_top
  call f1
  CHECK(16, a0, 30)
TEST_END

f1:
  addi sp, sp, -16
  sd ra, 8(sp)
  li a0, 10
  call f2
  addi a0, a0, 10
  ld ra, 8(sp)
  addi sp, sp, 16
  ret
f2:
  addi a0, a0, 10
  ret

  .bss
  .align 4
  .skip 256
stack_top:
