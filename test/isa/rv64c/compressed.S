# Every RV64C instruction (with D: c.fld, c.fsd, c.fldsp, c.fsdsp), checked by its effect.
#include "tuml_test.h"
  .option rvc
TEST_BEGIN
  la sp, stack
  la s0, data
  # ---- stack-pointer based ----
  c.addi4spn a0, sp, 16
  addi a1, sp, 16
  CHECK_EQ(2, a0, a1)
  c.addi4spn s1, sp, 1020
  addi a1, sp, 1020
  CHECK_EQ(3, s1, a1)
  mv t0, sp
  c.addi16sp sp, 496
  addi a1, t0, 496
  CHECK_EQ(4, sp, a1)
  c.addi16sp sp, -512
  addi a1, t0, -16
  CHECK_EQ(5, sp, a1)
  c.addi16sp sp, 16
  CHECK_EQ(6, sp, t0)

  # ---- loads and stores, register based ----
  c.lw a0, 0(s0)
  CHECK(7, a0, 0xffffffff89abcdef)
  c.lw a1, 4(s0)
  CHECK(8, a1, 0x01234567)
  c.ld a2, 0(s0)
  CHECK(9, a2, 0x0123456789abcdef)
  c.ld a3, 8(s0)
  CHECK(10, a3, 0xfedcba9876543210)
  la s1, buf
  c.sw a0, 0(s1)
  c.sw a1, 4(s1)
  c.ld a4, 0(s1)
  CHECK(11, a4, 0x0123456789abcdef)
  c.sd a3, 8(s1)
  c.ld a5, 8(s1)
  CHECK(12, a5, 0xfedcba9876543210)
  c.ld a5, 248(s1)
  CHECK(13, a5, 0x1122334455667788)
  c.lw a5, 124(s1)
  CHECK(14, a5, 0x55667788)
  c.fld fa0, 0(s0)
  fmv.x.d a0, fa0
  CHECK(15, a0, 0x0123456789abcdef)
  c.fsd fa0, 16(s1)
  ld a0, 16(s1)
  CHECK(16, a0, 0x0123456789abcdef)
  c.fld fa1, 248(s1)
  fmv.x.d a0, fa1
  CHECK(17, a0, 0x1122334455667788)

  # ---- loads and stores, sp based ----
  mv t1, sp
  la sp, buf
  c.lwsp a0, 0(sp)
  CHECK(18, a0, 0xffffffff89abcdef)
  c.ldsp ra, 8(sp)
  CHECK(19, ra, 0xfedcba9876543210)
  c.ldsp t2, 248(sp)
  CHECK(20, t2, 0x1122334455667788)
  c.lwsp t2, 252(sp)
  CHECK(21, t2, 0x11223344)
  li t3, 0x7766554433221100
  c.sdsp t3, 32(sp)
  ld a0, 32(s1)
  CHECK(22, a0, 0x7766554433221100)
  c.swsp t3, 44(sp)
  ld a0, 40(s1)
  CHECK(23, a0, 0x3322110000000000)
  c.fldsp ft0, 32(sp)
  fmv.x.d a0, ft0
  CHECK(24, a0, 0x7766554433221100)
  c.fsdsp ft0, 48(sp)
  ld a0, 48(s1)
  CHECK(25, a0, 0x7766554433221100)
  c.sdsp t3, 504(sp)
  ld a0, 504(s1)
  CHECK(26, a0, 0x7766554433221100)
  mv sp, t1

  # ---- integer constant and register ops ----
  c.li a0, 31
  CHECK(27, a0, 31)
  c.li a0, -32
  CHECK(28, a0, -32)
  c.lui a1, 1
  CHECK(29, a1, 0x1000)
  c.lui a1, 31
  CHECK(30, a1, 0x1f000)
  c.lui a1, 0xfffe0
  CHECK(31, a1, 0xfffffffffffe0000)
  c.lui a1, 0xfffff
  CHECK(32, a1, 0xfffffffffffff000)
  li a0, 10
  c.addi a0, -11
  CHECK(33, a0, -1)
  c.addi a0, 31
  CHECK(34, a0, 30)
  c.nop
  li a0, 0x7fffffff
  c.addiw a0, 1
  CHECK(35, a0, 0xffffffff80000000)
  li a0, 0x100000005
  c.addiw a0, 0
  CHECK(36, a0, 5)
  li a0, 0x80000000
  c.addiw a0, -1
  CHECK(37, a0, 0x7fffffff)
  li a0, 1
  c.slli a0, 63
  CHECK(38, a0, 0x8000000000000000)
  li a0, 0x0123456789abcdef
  c.slli a0, 4
  CHECK(39, a0, 0x123456789abcdef0)
  li s0, 0x8000000000000000
  c.srli s0, 63
  CHECK(40, s0, 1)
  li s0, 0x8000000000000000
  c.srli s0, 32
  CHECK(41, s0, 0x80000000)
  li s0, 0x8000000000000000
  c.srai s0, 63
  CHECK(42, s0, -1)
  li s0, 0x8000000000000000
  c.srai s0, 4
  CHECK(43, s0, 0xf800000000000000)
  li s0, 0x0123456789abcdef
  c.andi s0, -16
  CHECK(44, s0, 0x0123456789abcde0)
  li s0, 0x0123456789abcdef
  c.andi s0, 15
  CHECK(45, s0, 0xf)
  li a0, 0x0123456789abcdef
  c.mv a1, a0
  CHECK(46, a1, 0x0123456789abcdef)
  li a2, 0x1111111111111111
  c.add a1, a2
  CHECK(47, a1, 0x123456789abcdf00)
  li s0, 10
  li s1, 3
  c.sub s0, s1
  CHECK(48, s0, 7)
  c.sub s1, s0
  CHECK(49, s1, -4)
  li a3, 0xff00ff00ff00ff00
  li a4, 0x0ff00ff00ff00ff0
  mv a5, a3
  c.xor a5, a4
  CHECK(50, a5, 0xf0f0f0f0f0f0f0f0)
  mv a5, a3
  c.or a5, a4
  CHECK(51, a5, 0xfff0fff0fff0fff0)
  mv a5, a3
  c.and a5, a4
  CHECK(52, a5, 0x0f000f000f000f00)
  li a3, 0x7fffffff
  li a4, 1
  mv a5, a3
  c.addw a5, a4
  CHECK(53, a5, 0xffffffff80000000)
  li a3, 0x100000000
  mv a5, a3
  c.subw a5, a4
  CHECK(54, a5, -1)
  li a3, 0x80000000
  c.subw a3, a4
  CHECK(55, a3, 0x7fffffff)

  # ---- control transfer ----
  li a0, 0
  c.j 1f
  li a0, 1
1: CHECK(56, a0, 0)
  li s0, 0
  c.beqz s0, 2f
  FAIL(57)
2: c.bnez s0, 3f
  li s0, 5
  c.bnez s0, 4f
3: FAIL(58)
4: c.beqz s0, 3b
  # backwards c.bnez loop
  li s1, 4
  li a0, 0
5: addi a0, a0, 2
  addi s1, s1, -1
  c.bnez s1, 5b
  CHECK(59, a0, 8)
  la t0, 6f
  c.jr t0
  FAIL(60)
6: la t0, 7f
8: c.jalr t0
  FAIL(61)
7: la a1, 8b
  addi a1, a1, 2           # c.jalr links pc + 2
  CHECK_EQ(62, ra, a1)
  # c.jalr with rs1 == ra: the target is the old ra
  la ra, 9f
  c.jalr ra
  FAIL(63)
9:
  # c.ebreak traps with cause 3 at its own address
  EXPECT_TRAP(11f)
10: c.ebreak
  FAIL(64)
11: CHECK_TRAP(65, CAUSE_BREAKPOINT, 10b)
  DEFAULT_TRAP

  # a 32-bit instruction at a 2-byte aligned address after a compressed one
  c.nop
  .option norvc
  addi a0, x0, 123
  .option rvc
  CHECK(66, a0, 123)
TEST_END

  .data
  .align 4
data:
  .dword 0x0123456789abcdef
  .dword 0xfedcba9876543210
  .align 4
buf:
  .dword 0x0123456789abcdef
  .dword 0xfedcba9876543210
  .skip 104
  .dword 0x5566778800000000
  .skip 120
  .dword 0x1122334455667788
  .skip 256
  .align 4
  .skip 1024
stack:
  .skip 1024
