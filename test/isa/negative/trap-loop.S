# mtvec points at an illegal instruction: every trap traps again at the same place.
# tuml stops with a trap-loop error; QEMU spins until its timeout.
# expect: trap-loop
#include "tuml_test.h"
TEST_BEGIN
  la t0, bad_vector
  csrw mtvec, t0
  .word 0                  # illegal instruction
TEST_END
  .text
  .align 2
bad_vector:
  .word 0
