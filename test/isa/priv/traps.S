# Synchronous exceptions: cause, epc and tval for illegal instructions (tval = the
# instruction bits), ecall from U/S/M, ebreak, access faults; the trap entry state
# (MPP, MPIE, MIE); exceptions are taken at mtvec's base also in vectored mode.
#include "tuml_test.h"

/* n: `insn` at label 8 must trap to M with cause c; s10 = mtval for the caller. */
#define TRAP_M(n, c, insn...)                       \
  EXPECT_TRAP(9f);                                  \
8: insn;                                            \
  FAIL(n);                                          \
9: CHECK_TRAP(n, c, 8b)

#define ILLEGAL_WORD(n, w)                          \
  TRAP_M(n, CAUSE_ILLEGAL_INSN, .word w);           \
  CHECK(n, s10, w)

TEST_BEGIN
  # ---- illegal instructions: mtval = the instruction ----
  ILLEGAL_WORD(2, 0x0000000b)       # custom-0 opcode
  ILLEGAL_WORD(3, 0xfe000033)       # OP with funct7 = 0x7f
  ILLEGAL_WORD(4, 0x04051513)       # slli with imm[11:6] = 1
  ILLEGAL_WORD(5, 0x00007003)       # LOAD funct3 = 7 (ldu is RV128)
  ILLEGAL_WORD(6, 0x0200103b)       # OP-32 funct7 = 1 funct3 = 1
  ILLEGAL_WORD(7, 0x0205101b)       # slliw with imm[5] = 1
  ILLEGAL_WORD(8, 0x00002073)       # csrrs x0, 0x000, x0: CSR 0 (ustatus) does not exist
  ILLEGAL_WORD(10, 0x30500073)      # SYSTEM funct3 = 0 with an unknown funct12
  ILLEGAL_WORD(11, 0x6805202f)      # AMO funct5 = 01101 (unused)
  ILLEGAL_WORD(12, 0x0000702f)      # AMO funct3 = 7
  ILLEGAL_WORD(15, 0x00001067)      # jalr with funct3 = 1
  ILLEGAL_WORD(16, 0x00002063)      # branch funct3 = 2
  ILLEGAL_WORD(17, 0x00003023 | (4 << 12)) # store funct3 = 4
  ILLEGAL_WORD(18, 0x0000001b | (1 << 12) | (1 << 31)) # slliw with funct7 != 0
  ILLEGAL_WORD(19, 0x4000503b | (1 << 26))  # sraw variant with a wrong funct7
  ILLEGAL_WORD(20, 0x0000000f | (3 << 12))  # MISC-MEM funct3 = 3
  # a trapping instruction writes no register
  li a0, 123
  TRAP_M(21, CAUSE_ILLEGAL_INSN, csrr a0, 0x7c0)
  CHECK(22, a0, 123)

  # ---- ecall from M, S, U ----
  TRAP_M(30, CAUSE_ECALL_M, ecall)
  CHECK(31, s10, 0)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: ecall
2: la t0, 1b
  CHECK_TRAP(32, CAUSE_ECALL_S, 1b)
  CHECK(33, s10, 0)
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: ecall
2: CHECK_TRAP(34, CAUSE_ECALL_U, 1b)
  CHECK(35, s10, 0)

  # ---- ebreak: mtval is the pc or zero ----
  TRAP_M(40, CAUSE_BREAKPOINT, ebreak)
  beqz s10, 1f
  CHECK_EQ(41, s10, s11)
1:
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: ebreak
2: CHECK_TRAP(42, CAUSE_BREAKPOINT, 1b)

  # ---- access faults: nothing lives at 0x40000000 ----
  li s0, 0x40000000
  TRAP_M(50, CAUSE_LOAD_ACCESS, ld a0, 0(s0))
  CHECK_EQ(51, s10, s0)
  TRAP_M(52, CAUSE_LOAD_ACCESS, lw a0, 8(s0))
  addi t0, s0, 8
  CHECK_EQ(53, s10, t0)
  TRAP_M(54, CAUSE_STORE_ACCESS, sd a0, 16(s0))
  addi t0, s0, 16
  CHECK_EQ(55, s10, t0)
  TRAP_M(56, CAUSE_STORE_ACCESS, sb a0, 0(s0))
  BRANCH_IF_QEMU(1f)        # QEMU 7.2 reports a load access fault for AMOs
  TRAP_M(57, CAUSE_STORE_ACCESS, amoadd.w a0, a0, (s0))
1:
  # instruction fetch: mepc = mtval = the target
  EXPECT_TRAP(2f)
  jr s0
  FAIL(58)
2: CHECK(59, s9, CAUSE_FETCH_ACCESS)
  CHECK_EQ(60, s11, s0)
  CHECK_EQ(61, s10, s0)
  # an address above 4 GiB
  li s0, 0x100000000
  TRAP_M(62, CAUSE_LOAD_ACCESS, lbu a0, 0(s0))
  CHECK_EQ(63, s10, s0)

  # ---- trap entry: MPP = previous privilege, MPIE = old MIE, MIE = 0 ----
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  li t0, MSTATUS_MPIE | MSTATUS_MPP
  csrc mstatus, t0
  TRAP_M(70, CAUSE_ECALL_M, ecall)
  csrr a0, mstatus
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t0
  CHECK(71, a0, MSTATUS_MPIE | MSTATUS_MPP)
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  TRAP_M(72, CAUSE_ECALL_M, ecall)       # now MIE was 0
  csrr a0, mstatus
  li t0, MSTATUS_MIE | MSTATUS_MPIE
  and a0, a0, t0
  CHECK(73, a0, 0)
  # from U: MPP = 0
  EXPECT_TRAP(2f)
  ENTER_U(1f)
1: ecall
2: csrr a0, mstatus
  li t0, MSTATUS_MPP
  and a0, a0, t0
  CHECK(74, a0, 0)

  # ---- vectored mtvec: exceptions still go to the base ----
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  la t0, 1f
  csrw mscratch, t0
  li s9, -1
  ecall
  FAIL(80)
1: CHECK(81, s9, CAUSE_ECALL_M)
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  la t0, 1f
  csrw mscratch, t0
  li s9, -1
  .word 0x0000000b
  FAIL(82)
1: CHECK(83, s9, CAUSE_ILLEGAL_INSN)
  DEFAULT_TRAP
TEST_END

  .text
  .align 8
  .option norvc            # 4-byte table entries
vec_table:
  j tuml_trap_catch         # base: exceptions (and cause 0 interrupts)
  .rept 15
  j vec_wrong
  .endr
vec_wrong:
  li TESTNUM, 84
  j tuml_fail
