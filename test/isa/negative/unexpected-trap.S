# An unexpected trap reaches the default handler, which fails with status 1337.
# expect: exit 1337
#include "tuml_test.h"
TEST_BEGIN
  li TESTNUM, 2
  ecall
TEST_END
