# LUI and AUIPC: 20-bit upper immediates, sign-extended to 64 bits.
#include "tuml_test.h"
TEST_BEGIN
  lui a0, 0
  CHECK(2, a0, 0)
  lui a0, 0x12345
  CHECK(3, a0, 0x12345000)
  lui a0, 0x7ffff
  CHECK(4, a0, 0x7ffff000)
  lui a0, 0x80000
  CHECK(5, a0, 0xffffffff80000000)
  lui a0, 0xfffff
  CHECK(6, a0, 0xfffffffffffff000)
  lui x0, 0x12345
  CHECK(7, x0, 0)
  lui a0, 0x80000
  addi a0, a0, -1
  CHECK(8, a0, 0xffffffff7fffffff)

  # auipc: pc-relative; compare with the address of its own label
1: auipc a0, 0
  la a1, 1b
  CHECK_EQ(9, a0, a1)
2: auipc a0, 1
  la a1, 2b
  li a2, 0x1000
  add a1, a1, a2
  CHECK_EQ(10, a0, a1)
3: auipc a0, 0xfffff     # -4096
  la a1, 3b
  li a2, -0x1000
  add a1, a1, a2
  CHECK_EQ(11, a0, a1)
4: auipc a0, 0x80000     # -2 GiB: the sum wraps below the low 4 GiB in 64 bits
  la a1, 4b
  li a2, 0xffffffff80000000
  add a1, a1, a2
  CHECK_EQ(12, a0, a1)
TEST_END
