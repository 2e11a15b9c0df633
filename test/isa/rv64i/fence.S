# FENCE and FENCE.I (Zifencei): self-modifying code becomes visible after FENCE.I.
#include "tuml_test.h"
TEST_BEGIN
  fence
  fence rw, rw
  fence r, w
  fence.tso
  fence iorw, iorw
  fence.i

  # run the patch site once as it is (li a0, 1)
  call patch_site
  CHECK(2, a0, 1)
  # rewrite "addi a0, x0, 1" as "addi a0, x0, 42" (a 32-bit store into the code)
  la a1, patch_site
  li a2, 0x02a00513        # addi a0, x0, 42
  sw a2, 0(a1)
  fence.i
  call patch_site
  CHECK(3, a0, 42)

  # patch a compressed instruction: c.li a0, 5 → c.li a0, 9
  call patch_c
  CHECK(4, a0, 5)
  la a1, patch_c
  li a2, 0x4525            # c.li a0, 9
  sh a2, 0(a1)
  fence.i
  call patch_c
  CHECK(5, a0, 9)

  # patch the instruction right after the store, in the same loop iteration
  li s1, 0
  li s2, 0
1: la a1, 2f
  li a2, 0x00148493        # addi s1, s1, 1
  sw a2, 0(a1)
  fence.i
2: addi s2, s2, 1          # replaced before it first executes
  CHECK(6, s1, 1)
  CHECK(7, s2, 0)

  # a loop body patched between iterations
  la a1, 3f
  li s3, 0
  li s4, 0
4: 
3: addi s3, s3, 1          # first iteration: +1; then patched to +16
  li a2, 0x010a0a13        # addi s4, s4, 16
  sw a2, 0(a1)
  fence.i
  addi s4, s4, 0
  li a3, 2
  bnez s5, 5f
  li s5, 1
  j 4b
5: CHECK(8, s3, 1)
  CHECK(9, s4, 16)
TEST_END

  .text
  .align 2
patch_site:
  .option push
  .option norvc
  addi a0, x0, 1
  ret
  .option pop
  .align 2
patch_c:
  .option push
  .option rvc
  c.li a0, 5
  .option pop
  ret
