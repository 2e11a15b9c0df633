# Reserved and illegal RVC encodings trap as illegal instructions with mtval = the
# 16-bit encoding; HINT encodings execute as no-ops.
#include "tuml_test.h"

/* n: the halfword `enc` must raise an illegal-instruction trap with mtval = enc. */
#define ILLEGAL16(n, enc)                           \
  EXPECT_TRAP(9f);                                  \
8: .hword enc;                                      \
  .hword 0x0001;          /* c.nop after it */      \
  FAIL(n);                                          \
9: CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, 8b);           \
  CHECK(n, s10, enc)

/* n: the halfword `enc` is a HINT: no trap, no register change checked by the caller. */
#define HINT16(n, enc)                              \
  li TESTNUM, n;                                    \
  .hword enc;

TEST_BEGIN
  ILLEGAL16(2, 0x0000)     # all zeros: defined illegal
  ILLEGAL16(3, 0x0010)     # c.addi4spn s0, sp, 0: nzuimm = 0 reserved
  ILLEGAL16(4, 0x0004)     # c.addi4spn s1, sp, 0
  ILLEGAL16(5, 0x6101)     # c.addi16sp sp, 0: reserved
  ILLEGAL16(6, 0x6501)     # c.lui a0, 0: reserved
  ILLEGAL16(8, 0x8002)     # c.jr x0: reserved
  ILLEGAL16(9, 0x4002)     # c.lwsp x0: reserved
  ILLEGAL16(10, 0x6002)    # c.ldsp x0: reserved
  ILLEGAL16(11, 0x2001)    # c.addiw x0, 0: reserved
  ILLEGAL16(12, 0x2005)    # c.addiw x0, 1: reserved
  ILLEGAL16(13, 0x9c41)    # quadrant 1, funct6 100111, funct2 10: reserved
  ILLEGAL16(14, 0x9c61)    # quadrant 1, funct6 100111, funct2 11: reserved
  ILLEGAL16(15, 0x8000)    # quadrant 0, funct3 100: reserved
  ILLEGAL16(16, 0x9ffc)    # quadrant 0, funct3 100: reserved
  DEFAULT_TRAP

  # HINTs: must not trap and must not change any register
  li a0, 0x1234
  li sp, 0x5678
  HINT16(30, 0x0005)       # c.addi x0, 1
  HINT16(31, 0x4005)       # c.li x0, 1
  HINT16(32, 0x802a)       # c.mv x0, a0
  HINT16(33, 0x902a)       # c.add x0, a0
  HINT16(34, 0x0006)       # c.slli x0, 1
  HINT16(35, 0x6005)       # c.lui x0, 1
  HINT16(36, 0x0502)       # c.slli a0, 0
  HINT16(37, 0x0001)       # c.nop
  HINT16(38, 0x1001)       # c.addi x0, -32
  HINT16(42, 0x8101)       # c.srli a0, 0
  HINT16(43, 0x8501)       # c.srai a0, 0
  CHECK(39, a0, 0x1234)
  CHECK(40, sp, 0x5678)
  CHECK(41, x0, 0)
TEST_END
