# Deliberately fails check 7, so runners must report status 7.
# expect: exit 7
#include "tuml_test.h"
TEST_BEGIN
  li a0, 1
  CHECK(6, a0, 1)
  CHECK(7, a0, 2)
TEST_END
