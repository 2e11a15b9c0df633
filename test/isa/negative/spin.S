# Never finishes: runners must stop it by their instruction limit or timeout.
# expect: limit
#include "tuml_test.h"
TEST_BEGIN
  li a0, 0
1: addi a0, a0, 1
  j 1b
TEST_END
