# Misaligned loads and stores (not LR/SC/AMO) complete without a trap: tuml implements
# them in hardware, as does QEMU. Every offset within a doubleword, and across a page
# boundary (physical addresses, no translation here; see vm/ for the translated case).
#include "tuml_test.h"

#define LD_AT(n, inst, off, val)  inst a0, off(s0); CHECK(n, a0, val)

TEST_BEGIN
  EXPECT_TRAP(bad)
  la s0, pattern           # bytes 00 01 02 ... 1f
  LD_AT(2, lh, 1, 0x0201)
  LD_AT(3, lh, 3, 0x0403)
  LD_AT(4, lhu, 7, 0x0807)
  LD_AT(5, lw, 1, 0x04030201)
  LD_AT(6, lw, 2, 0x05040302)
  LD_AT(7, lw, 3, 0x06050403)
  LD_AT(8, lw, 5, 0x08070605)
  LD_AT(9, lwu, 7, 0x0a090807)
  LD_AT(10, ld, 1, 0x0807060504030201)
  LD_AT(11, ld, 2, 0x0908070605040302)
  LD_AT(12, ld, 3, 0x0a09080706050403)
  LD_AT(13, ld, 4, 0x0b0a090807060504)
  LD_AT(14, ld, 5, 0x0c0b0a0908070605)
  LD_AT(15, ld, 6, 0x0d0c0b0a09080706)
  LD_AT(16, ld, 7, 0x0e0d0c0b0a090807)
  la s0, negpattern        # sign extension of misaligned loads
  LD_AT(17, lh, 1, 0xffffffffffff8281)
  LD_AT(18, lw, 3, 0xffffffff86858483)

  # stores at every offset, checked with aligned loads
  la s1, buf
  li a1, 0x1122334455667788
  li s2, 1
1: sd zero, 0(s1); sd zero, 8(s1)
  add a2, s1, s2
  sd a1, 0(a2)
  # expected: low dword = a1 << (8*s2), high dword = a1 >> (64 - 8*s2)
  slli a3, s2, 3
  sll a4, a1, a3
  ld a0, 0(s1)
  li TESTNUM, 19
  bne a0, a4, tuml_fail
  li a5, 64
  sub a5, a5, a3
  srl a4, a1, a5
  ld a0, 8(s1)
  li TESTNUM, 20
  bne a0, a4, tuml_fail
  addi s2, s2, 1
  li a5, 8
  blt s2, a5, 1b

  sd zero, 0(s1); sd zero, 8(s1)
  li a1, 0xaabbccdd
  sw a1, 3(s1)
  ld a0, 0(s1); CHECK(21, a0, 0x00aabbccdd000000)
  ld a0, 8(s1); CHECK(22, a0, 0)
  li a1, 0xeeff
  sh a1, 7(s1)
  ld a0, 0(s1); CHECK(23, a0, 0xffaabbccdd000000)
  ld a0, 8(s1); CHECK(24, a0, 0xee)

  # across a 4 KiB page boundary
  la s0, page2
  li a1, 0x0102030405060708
  sd a1, -3(s0)
  ld a0, -3(s0); CHECK(25, a0, 0x0102030405060708)
  ld a0, -8(s0); CHECK(26, a0, 0x0607080000000000)
  ld a0, 0(s0);  CHECK(27, a0, 0x0000000102030405)
  li a1, 0xa1b2c3d4
  sw a1, -1(s0)
  lw a0, -1(s0); CHECK(28, a0, 0xffffffffa1b2c3d4)
  lhu a0, -2(s0); CHECK(29, a0, 0xd407)
  DEFAULT_TRAP
  j done
bad:
  # s9 = mcause of the unexpected trap
  li t6, 1000
  add TESTNUM, TESTNUM, t6
  j tuml_fail
done:
TEST_END

  .data
  .align 4
pattern:
  .byte 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
negpattern:
  .byte 0x80,0x81,0x82,0x83,0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x8b,0x8c,0x8d,0x8e,0x8f
  .align 4
buf:
  .skip 32
  .align 12
  .skip 4096
page2:
  .skip 64
