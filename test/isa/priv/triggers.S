# Sdtrig: two mcontrol6 triggers (tselect 0 and 1) matching addresses on execute, load
# and store in the modes their m/s/u bits name, each firing a breakpoint exception
# before the instruction has any effect: xepc = the instruction, xtval = the address.
# Match "equal" covers every byte of an access; "ge" and "lt" compare ranges. hit0
# records a fire. In M-mode a trigger fires only while mstatus.MIE is set.
# qemu: skip
# (QEMU 7.2 accepts mcontrol6 but does not fire a trigger armed for S-mode alone.)
#include "tuml_test.h"

#define TYPE6   (6 << 60)
#define HIT0    (1 << 22)
#define M_GE    (2 << 7)
#define M_LT    (3 << 7)
#define T_M     (1 << 6)
#define T_S     (1 << 4)
#define T_U     (1 << 3)
#define T_EXEC  4
#define T_STORE 2
#define T_LOAD  1

/* Arm the selected trigger: tdata2 = addr register, tdata1 = bits. Clobbers t0. */
#define ARM(bits, addr)                             \
  csrw tdata2, addr;                                \
  li t0, TYPE6 | (bits);                            \
  csrw tdata1, t0

#define DISARM                                      \
  csrw tdata1, zero

/* In privilege prv, `insn` at label 1 must raise a breakpoint with xtval = tv. */
#define BP_IN(n, prv, tv, insn...)                  \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 1f);                              \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, CAUSE_BREAKPOINT, 1b);             \
  CHECK_EQ(n, s10, tv)

/* In privilege prv, `insn` must run without a trap. */
#define OK_IN(n, prv, insn...)                      \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 1f);                              \
1: insn;                                            \
  ecall;                                            \
2: li TESTNUM, n;                                   \
  li t6, 8 + prv;                                   \
  bne s9, t6, tuml_fail

TEST_BEGIN
  # ---- two triggers; an index with none leaves tselect unchanged ----
  csrw tselect, zero
  csrr a0, tselect
  CHECK(2, a0, 0)
  li t0, 1
  csrw tselect, t0
  csrr a0, tselect
  CHECK(3, a0, 1)
  li t0, 2
  csrw tselect, t0
  csrr a0, tselect
  CHECK(4, a0, 1)
  csrr a0, tinfo
  andi a0, a0, 1 << 6          # mcontrol6 supported
  CHECK(5, a0, 1 << 6)
  csrw tselect, zero

  la s0, buf
  la s1, buf + 4
  li a1, 0x55

  # ---- load: an access covering the address fires, whatever its width ----
  lw a0, 4(s0)                 # the page is in the TLB now: arming must still see loads
  ARM(T_S | T_LOAD, s1)
  li a2, 7
  BP_IN(10, PRV_S, s1, lw a2, 4(s0))
  CHECK(11, a2, 7)             # rd untouched
  BP_IN(12, PRV_S, s0, ld a2, 0(s0))
  addi s2, s0, 3
  BP_IN(13, PRV_S, s2, lw a2, 3(s0))   # misaligned, bytes 3..6
  OK_IN(14, PRV_S, lw a2, 8(s0); lw a2, 0(s0); sw a1, 4(s0))   # other bytes; a store
  OK_IN(15, PRV_U, lw a2, 4(s0))       # not enabled in U
  csrr a0, tdata1
  li t0, HIT0
  and a0, a0, t0
  CHECK_EQ(16, a0, t0)                 # hit0 records the fire
  addi s2, s0, 2
  BP_IN(17, PRV_S, s2, amoadd.w a2, a1, (s2))   # before the misaligned-AMO exception
  BP_IN(18, PRV_S, s1, lr.w a2, (s1))
  DISARM
  csrr a0, tdata1
  srli a0, a0, 60
  CHECK(19, a0, 15)                    # disabled

  # ---- store: fires before memory changes ----
  sw zero, 4(s0)
  ARM(T_S | T_U | T_STORE, s1)
  BP_IN(20, PRV_S, s1, sw a1, 4(s0))
  BP_IN(21, PRV_U, s0, sd a1, 0(s0))
  BP_IN(22, PRV_S, s1, amoswap.w a2, a1, (s1))
  BP_IN(24, PRV_S, s1, fsw fa0, 4(s0))
  lw a0, 4(s0)
  CHECK(25, a0, 0)
  OK_IN(26, PRV_S, lw a2, 4(s0); sw a1, 8(s0))
  DISARM

  # ---- execute: xepc = xtval = the instruction, which has not run ----
  li t0, 1
  csrw tselect, t0                     # the second trigger this time
  la s2, 3f
  ARM(T_S | T_EXEC, s2)
  li a3, 0
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: addi a3, a3, 1
3: addi a3, a3, 10
  FAIL(30)
2: CHECK(31, s9, CAUSE_BREAKPOINT)
  CHECK_EQ(32, s11, s2)
  CHECK_EQ(33, s10, s2)
  CHECK(34, a3, 1)
  DISARM
  csrw tselect, zero

  # ---- ranges: ge and lt ----
  addi s2, s0, 16
  ARM(T_S | T_LOAD | M_GE, s2)
  OK_IN(40, PRV_S, lw a2, 8(s0); ld a2, 8(s0))
  addi s3, s0, 12
  BP_IN(41, PRV_S, s3, ld a2, 12(s0))  # bytes 12..19 reach 16
  addi s3, s0, 24
  BP_IN(42, PRV_S, s3, lb a2, 24(s0))
  ARM(T_S | T_LOAD | M_LT, s2)
  BP_IN(43, PRV_S, s1, lw a2, 4(s0))
  OK_IN(44, PRV_S, lw a2, 16(s0))
  DISARM

  # ---- M-mode: only with mstatus.MIE set ----
  ARM(T_M | T_LOAD, s1)
  csrci mstatus, MSTATUS_MIE
  lw a2, 4(s0)                         # no fire
  csrw mie, zero
  EXPECT_TRAP(2f)
  csrsi mstatus, MSTATUS_MIE
1: lw a2, 4(s0)
  FAIL(50)
2: CHECK_TRAP(51, CAUSE_BREAKPOINT, 1b)
  CHECK_EQ(52, s10, s1)
  csrci mstatus, MSTATUS_MIE           # the trap cleared it already; stay off
  DISARM
  DEFAULT_TRAP
TEST_END

  .data
  .align 4
buf: .dword 0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444
