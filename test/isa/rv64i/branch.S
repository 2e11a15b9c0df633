# Conditional branches: taken and not taken, signed and unsigned, both directions.
#include "tuml_test.h"

/* Check n: "inst a, b" must be taken (t=1) or not (t=0); counts in a3. */
#define TEST_BR(n, inst, t, a, b)                   \
  li TESTNUM, n;                                    \
  li a1, a; li a2, b;                               \
  inst a1, a2, 8f;                                  \
  li a3, 0; j 9f;                                   \
8: li a3, 1;                                        \
9: li t6, t; bne a3, t6, tuml_fail;

TEST_BEGIN
  TEST_BR(2, beq, 1, 0, 0)
  TEST_BR(3, beq, 1, -1, -1)
  TEST_BR(4, beq, 0, 0, 1)
  TEST_BR(5, beq, 0, 0x100000000, 0)          # differs only in the upper half
  TEST_BR(6, bne, 0, 7, 7)
  TEST_BR(7, bne, 1, 0x100000000, 0)
  TEST_BR(8, bne, 1, 1, -1)
  TEST_BR(9, blt, 1, -1, 0)
  TEST_BR(10, blt, 0, 0, -1)
  TEST_BR(11, blt, 0, 5, 5)
  TEST_BR(12, blt, 1, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_BR(13, blt, 0, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_BR(14, blt, 1, 0x7fffffff, 0x80000000)  # 64-bit compare, not 32-bit
  TEST_BR(15, bge, 1, 0, -1)
  TEST_BR(16, bge, 1, 5, 5)
  TEST_BR(17, bge, 0, -1, 0)
  TEST_BR(18, bge, 1, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_BR(19, bltu, 0, -1, 0)
  TEST_BR(20, bltu, 1, 0, -1)
  TEST_BR(21, bltu, 0, 3, 3)
  TEST_BR(22, bltu, 1, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_BR(23, bltu, 1, 0xffffffff, 0x100000000)
  TEST_BR(24, bgeu, 1, -1, 0)
  TEST_BR(25, bgeu, 0, 0, -1)
  TEST_BR(26, bgeu, 1, 3, 3)
  TEST_BR(27, bgeu, 0, 0x7fffffffffffffff, 0x8000000000000000)

  # backward branch loop: sum 1..10
  li TESTNUM, 28
  li a0, 0
  li a1, 10
1: add a0, a0, a1
  addi a1, a1, -1
  bnez a1, 1b
  CHECK(28, a0, 55)

  # rs1 == rs2 register
  li a1, 5
  beq a1, a1, 2f
  FAIL(29)
2: blt a1, a1, 3f
  bltu a1, a1, 3f
  bne a1, a1, 3f
  bge a1, a1, 4f
3: FAIL(30)
4: bgeu x0, x0, 5f
  FAIL(31)
5:
  # long forward branch (over ~3 KiB) and back
  li a0, 0
  beqz a0, 6f
  FAIL(32)
  .rept 700
  nop
  .endr
6: li a0, 1
  j 8f
7: li a0, 2
  j 9f
  .rept 700
  nop
  .endr
8: bnez a0, 7b
  FAIL(33)
9: CHECK(34, a0, 2)
TEST_END
