# HTIF SYS_write through a syscall block (magic_mem): prints two lines and passes.
# QEMU's spike HTIF does not serve syscalls, so this runs on tuml only.
# expect-output: hello from bare metal\nsecond line\n
# qemu: skip
#include "tuml_test.h"
TEST_BEGIN
  PRINT(msg1)
  PRINT(msg2)
  # the runner wrote the syscall's return value (the length) into block[0]
  la t0, tuml_syscall_block
  ld a0, 0(t0)
  CHECK(2, a0, 12)
TEST_END
SYSCALL_BLOCK
  .data
msg1: .asciz "hello from bare metal\n"
msg2: .asciz "second line\n"
