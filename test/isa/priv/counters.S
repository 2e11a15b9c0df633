# Zicntr: cycle, time, instret (and mcycle/minstret), their gating by mcounteren for S
# and by mcounteren & scounteren for U, and exact instret counting.
#include "tuml_test.h"

/* n: `insn` (at label 4) run in privilege `prv` must trap as illegal to M. */
#define ILLEGAL_IN(n, prv, insn...)                 \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 4f);                              \
4: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, 4b)

/* n: `insn` run in privilege `prv` must not trap; then ecall back to M. */
#define ALLOWED_IN(n, prv, insn...)                 \
  EXPECT_TRAP(2f);                                  \
  ENTER_PRIV(prv, 4f);                              \
4: insn;                                            \
  ecall;                                            \
2: li TESTNUM, n;                                   \
  li t6, 8 + prv;                                   \
  bne s9, t6, tuml_fail

TEST_BEGIN
  # ---- the counters count ----
  rdcycle a0
  rdinstret a1
  li t0, 100
1: addi t0, t0, -1
  bnez t0, 1b
  rdcycle a2
  rdinstret a3
  li TESTNUM, 2
  bgeu a0, a2, tuml_fail
  li TESTNUM, 3
  bgeu a1, a3, tuml_fail
  sub a4, a3, a1
  li TESTNUM, 4
  li t1, 200
  bltu a4, t1, tuml_fail     # at least the 200 loop instructions retired
  csrr a0, mcycle
  csrr a1, minstret
  csrr a0, hpmcounter3       # unimplemented HPM counters read (as zero) without trapping
  csrr a0, mhpmcounter3

  # QEMU's instret is not exact and its spike machine has no time CSR: stop here on QEMU
  BRANCH_IF_QEMU(qemu)

  # ---- instret is exact ----
  csrr a0, minstret
  csrr a1, minstret
  sub a2, a1, a0
  CHECK(5, a2, 1)
  rdinstret a0
  nop
  nop
  nop
  addi x0, x0, 0
  rdinstret a1
  sub a2, a1, a0
  CHECK(6, a2, 5)
  # taken and not-taken branches, loads and stores are one instruction each
  la s0, buf
  rdinstret a0
  sd a0, 0(s0)
  ld a3, 0(s0)
  beqz zero, 1f
1: bnez zero, 1f
1: rdinstret a1
  sub a2, a1, a0
  CHECK(7, a2, 5)

  # ---- an instruction that traps does not retire (ECALL, EBREAK, faults) ----
  la t0, skip_handler
  csrw mtvec, t0
  rdinstret a0
  ecall                      # not retired; the handler retires 4
  rdinstret a1
  sub a2, a1, a0
  CHECK(12, a2, 5)           # the first rdinstret + 4 handler instructions
  rdinstret a0
  .word 0x0000000b           # illegal: not retired
  rdinstret a1
  sub a2, a1, a0
  CHECK(13, a2, 5)
  DEFAULT_TRAP

  # ---- minstret and mcycle are writable: the value written is what the next instruction
  # reads (the writing instruction's own increment of that counter is suppressed), and the
  # other counter still counts the write. One instruction per cycle here.
  li t0, 1000000
  csrw minstret, t0
  csrr a0, minstret
  CHECK_EQ(8, a0, t0)
  csrw minstret, t0
  nop
  nop
  csrr a0, minstret
  addi a1, t0, 2
  CHECK_EQ(14, a0, a1)
  csrrw a0, minstret, zero   # reads the instructions retired before it: t0 + 2 + 4
  csrr a1, minstret
  CHECK(15, a1, 0)
  addi a2, t0, 6
  CHECK_EQ(16, a0, a2)
  csrw minstret, zero
  csrsi minstret, 8          # a set is a write too: reads 0, 0 | 8 is next
  csrr a0, minstret
  CHECK(17, a0, 8)
  csrw mcycle, t0
  csrr a0, mcycle
  CHECK_EQ(9, a0, t0)
  csrw mcycle, t0
  nop
  rdcycle a0                 # cycle is mcycle
  addi a1, t0, 1
  CHECK_EQ(18, a0, a1)
  csrr a0, minstret
  csrw mcycle, zero          # retires: minstret counts it
  csrr a1, minstret
  sub a2, a1, a0
  CHECK(19, a2, 2)
  csrr a0, mcycle
  csrw minstret, t0          # takes a cycle: mcycle counts it
  csrr a1, mcycle
  sub a2, a1, a0
  CHECK(53, a2, 2)
  csrr a0, minstret          # what was written, plus csrr, sub and CHECK's 3
  addi a1, t0, 5
  CHECK_EQ(54, a0, a1)

  # ---- time advances and matches the CLINT's mtime ----
  rdtime a0
  li t0, 1000
1: addi t0, t0, -1
  bnez t0, 1b
  rdtime a1
  li TESTNUM, 10
  bgeu a0, a1, tuml_fail
  li t0, CLINT_MTIME
  ld a2, 0(t0)
  rdtime a3
  li TESTNUM, 11
  bltu a2, a1, tuml_fail     # mtime is not behind an earlier time read
  bltu a3, a2, tuml_fail     # and time is not behind mtime

  # ---- gating by mcounteren (S) and scounteren (U) ----
  csrwi mcounteren, 0
  csrwi scounteren, 0
  ILLEGAL_IN(20, PRV_S, rdcycle a0)
  ILLEGAL_IN(21, PRV_S, rdtime a0)
  ILLEGAL_IN(22, PRV_S, rdinstret a0)
  ILLEGAL_IN(23, PRV_U, rdcycle a0)
  ILLEGAL_IN(24, PRV_U, rdtime a0)
  ILLEGAL_IN(25, PRV_U, rdinstret a0)
  ILLEGAL_IN(26, PRV_S, csrr a0, hpmcounter3)
  # mcounteren.CY only: cycle allowed in S, not time or instret
  csrwi mcounteren, 1
  ALLOWED_IN(30, PRV_S, rdcycle a0)
  ILLEGAL_IN(31, PRV_S, rdtime a0)
  ILLEGAL_IN(32, PRV_S, rdinstret a0)
  ILLEGAL_IN(33, PRV_U, rdcycle a0)     # U also needs scounteren
  csrwi mcounteren, 2
  ALLOWED_IN(34, PRV_S, rdtime a0)
  ILLEGAL_IN(35, PRV_S, rdcycle a0)
  csrwi mcounteren, 4
  ALLOWED_IN(36, PRV_S, rdinstret a0)
  ILLEGAL_IN(37, PRV_S, rdtime a0)
  # U: needs both
  csrwi mcounteren, 7
  csrwi scounteren, 0
  ILLEGAL_IN(40, PRV_U, rdcycle a0)
  ILLEGAL_IN(41, PRV_U, rdtime a0)
  ILLEGAL_IN(42, PRV_U, rdinstret a0)
  csrwi scounteren, 7
  ALLOWED_IN(43, PRV_U, rdcycle a0)
  ALLOWED_IN(44, PRV_U, rdtime a0)
  ALLOWED_IN(45, PRV_U, rdinstret a0)
  csrwi mcounteren, 5
  ILLEGAL_IN(46, PRV_U, rdtime a0)      # scounteren alone is not enough
  ALLOWED_IN(47, PRV_U, rdinstret a0)
  csrwi mcounteren, 7
  csrwi scounteren, 2
  ALLOWED_IN(48, PRV_U, rdtime a0)
  ILLEGAL_IN(49, PRV_U, rdcycle a0)
  ALLOWED_IN(50, PRV_S, rdcycle a0)     # scounteren does not gate S
  # M-mode counters are never accessible from S
  ILLEGAL_IN(51, PRV_S, csrr a0, mcycle)
  ILLEGAL_IN(52, PRV_S, csrr a0, minstret)
  csrwi mcounteren, 0
  csrwi scounteren, 0
  j done

qemu:
  # QEMU: gating of cycle and instret only
  csrwi mcounteren, 0
  csrwi scounteren, 0
  ILLEGAL_IN(60, PRV_S, rdcycle a0)
  ILLEGAL_IN(61, PRV_U, rdinstret a0)
  csrwi mcounteren, 5
  ALLOWED_IN(62, PRV_S, rdcycle a0)
  ILLEGAL_IN(63, PRV_U, rdcycle a0)
  csrwi scounteren, 5
  ALLOWED_IN(64, PRV_U, rdinstret a0)
done:
TEST_END

  .align 2
skip_handler:                # resumes after the trapping (4-byte) instruction
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret

  .data
  .align 3
buf: .dword 0
