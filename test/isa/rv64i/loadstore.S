# Loads and stores of every width: sign/zero extension, little-endian byte order, offsets.
#include "tuml_test.h"
TEST_BEGIN
  la s0, data
  lb a0, 0(s0);   CHECK(2, a0, 0xffffffffffffffef)
  lbu a0, 0(s0);  CHECK(3, a0, 0xef)
  lb a0, 7(s0);   CHECK(4, a0, 0x01)
  lbu a0, 7(s0);  CHECK(5, a0, 0x01)
  lh a0, 0(s0);   CHECK(6, a0, 0xffffffffffffcdef)
  lhu a0, 0(s0);  CHECK(7, a0, 0xcdef)
  lh a0, 6(s0);   CHECK(8, a0, 0x0123)
  lw a0, 0(s0);   CHECK(9, a0, 0xffffffff89abcdef)
  lwu a0, 0(s0);  CHECK(10, a0, 0x89abcdef)
  lw a0, 4(s0);   CHECK(11, a0, 0x01234567)
  lwu a0, 4(s0);  CHECK(12, a0, 0x01234567)
  ld a0, 0(s0);   CHECK(13, a0, 0x0123456789abcdef)
  ld a0, 8(s0);   CHECK(14, a0, 0xfedcba9876543210)
  lb a0, 15(s0);  CHECK(15, a0, 0xfffffffffffffffe)
  lh a0, 14(s0);  CHECK(16, a0, 0xfffffffffffffedc)
  lw a0, 12(s0);  CHECK(17, a0, 0xfffffffffedcba98)
  # negative offsets
  addi s1, s0, 16
  ld a0, -16(s1); CHECK(18, a0, 0x0123456789abcdef)
  lbu a0, -1(s1); CHECK(19, a0, 0xfe)
  # largest offsets
  la s1, data
  addi s1, s1, -2047
  lbu a0, 2047(s1); CHECK(20, a0, 0xef)
  la s1, data + 2048
  lbu a0, -2048(s1); CHECK(21, a0, 0xef)

  # stores of each width, read back as a doubleword
  la s1, buf
  sd zero, 0(s1)
  li a1, 0x1122334455667788
  sb a1, 0(s1)
  ld a0, 0(s1); CHECK(22, a0, 0x88)
  sh a1, 2(s1)
  ld a0, 0(s1); CHECK(23, a0, 0x77880088)
  sw a1, 4(s1)
  ld a0, 0(s1); CHECK(24, a0, 0x5566778877880088)
  sd a1, 8(s1)
  ld a0, 8(s1); CHECK(25, a0, 0x1122334455667788)
  lbu a0, 15(s1); CHECK(26, a0, 0x11)
  # sb/sh/sw write only their bytes
  li a2, -1
  sd a2, 16(s1)
  sb zero, 17(s1)
  ld a0, 16(s1); CHECK(27, a0, 0xffffffffffff00ff)
  sh zero, 20(s1)
  ld a0, 16(s1); CHECK(28, a0, 0xffff0000ffff00ff)
  sw zero, 16(s1)
  ld a0, 16(s1); CHECK(29, a0, 0xffff000000000000)
  # negative store offset
  addi s2, s1, 32
  li a1, 0xabcdef
  sd a1, -8(s2)
  ld a0, 24(s1); CHECK(30, a0, 0xabcdef)
  # load into x0 has no effect on x0
  ld x0, 0(s0); CHECK(31, x0, 0)
  # load with rd == rs1
  la a3, data
  ld a3, 0(a3); CHECK(32, a3, 0x0123456789abcdef)
  # store then load back-to-back, different widths
  li a1, 0x8000
  sh a1, 32(s1)
  lh a0, 32(s1); CHECK(33, a0, 0xffffffffffff8000)
  lhu a0, 32(s1); CHECK(34, a0, 0x8000)
  li a1, 0x80000000
  sw a1, 40(s1)
  lw a0, 40(s1); CHECK(35, a0, 0xffffffff80000000)
  lwu a0, 40(s1); CHECK(36, a0, 0x80000000)
  li a1, 0x80
  sb a1, 48(s1)
  lb a0, 48(s1); CHECK(37, a0, 0xffffffffffffff80)
TEST_END

  .data
  .align 3
data:
  .dword 0x0123456789abcdef
  .dword 0xfedcba9876543210
  .skip 4096
  .align 3
buf:
  .skip 64
