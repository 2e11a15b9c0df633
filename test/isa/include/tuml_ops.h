/* Operand/result check helpers for instruction tests. All use a0..a2 and clobber t6. */
#ifndef TUML_OPS_H
#define TUML_OPS_H

/* rd = inst(rs1 = a, rs2 = b) */
#define TEST_RR(n, inst, res, a, b)                 \
  li a1, a; li a2, b; inst a0, a1, a2;              \
  CHECK(n, a0, res)

/* rd = inst(rs1 = a, imm) */
#define TEST_RI(n, inst, res, a, imm)               \
  li a1, a; inst a0, a1, imm;                       \
  CHECK(n, a0, res)

/* rd is also rs1 */
#define TEST_RR_SRC1_DEST(n, inst, res, a, b)       \
  li a1, a; li a2, b; inst a1, a1, a2;              \
  CHECK(n, a1, res)

/* rd is also rs2 */
#define TEST_RR_SRC2_DEST(n, inst, res, a, b)       \
  li a1, a; li a2, b; inst a2, a1, a2;              \
  CHECK(n, a2, res)

/* rs1 = rs2 = rd */
#define TEST_RR_ALL_SAME(n, inst, res, a)           \
  li a1, a; inst a1, a1, a1;                        \
  CHECK(n, a1, res)

/* rs1 = x0 */
#define TEST_RR_ZERO1(n, inst, res, b)              \
  li a2, b; inst a0, x0, a2;                        \
  CHECK(n, a0, res)

/* rs2 = x0 */
#define TEST_RR_ZERO2(n, inst, res, a)              \
  li a1, a; inst a0, a1, x0;                        \
  CHECK(n, a0, res)

/* rd = x0: the result is discarded */
#define TEST_RR_ZERODEST(n, inst, a, b)             \
  li a1, a; li a2, b; inst x0, a1, a2;              \
  CHECK(n, x0, 0)

#define TEST_RI_ZERODEST(n, inst, a, imm)           \
  li a1, a; inst x0, a1, imm;                       \
  CHECK(n, x0, 0)

#endif
