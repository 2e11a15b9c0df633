# Sv39 A and D bits are set by hardware (loads and fetches set A, stores set A and D,
# also in the page walk of superpages), and SFENCE.VMA makes page-table changes visible:
# by address, for all addresses, and for a page that was removed.
#include "tuml_test.h"
#include "tuml_vm.h"

#define S_RUN(n, insn...)                           \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: insn;                                            \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_S)

#define PTE_AD(reg, i) GET_PTE(reg, i); andi reg, reg, PTE_A | PTE_D

TEST_BEGIN
  VM_INIT

  # ---- A and D ----
  MAP(0, 0, PTE_V | PTE_R | PTE_W)
  PTE_AD(a0, 0)
  CHECK(2, a0, 0)
  li s0, VA(0)
  S_RUN(3, ld a1, 0(s0))
  CHECK(4, a1, VM_MARK + 0)
  PTE_AD(a0, 0)
  CHECK(5, a0, PTE_A)                  # a load sets A only
  S_RUN(6, sd a1, 8(s0))
  PTE_AD(a0, 0)
  CHECK(7, a0, PTE_A | PTE_D)          # a store sets D
  MAP(1, 1, PTE_V | PTE_R | PTE_W)
  li s0, VA(1)
  S_RUN(8, sd zero, 8(s0))
  PTE_AD(a0, 1)
  CHECK(9, a0, PTE_A | PTE_D)          # a store sets both at once
  MAP(2, 2, PTE_V | PTE_R | PTE_W | PTE_A)
  li s0, VA(2)
  S_RUN(10, amoadd.d a1, zero, (s0))
  PTE_AD(a0, 2)
  CHECK(11, a0, PTE_A | PTE_D)         # AMOs are stores
  MAP_LABEL(3, xpage, PTE_V | PTE_X)
  li s0, VA(3)
  S_RUN(12, jalr s0)
  CHECK(13, a0, 0x66)
  PTE_AD(a0, 3)
  CHECK(14, a0, PTE_A)                 # a fetch sets A
  # a faulting access sets nothing
  MAP(4, 4, PTE_V | PTE_R)
  li s0, VA(4)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: sd zero, 0(s0)
2: CHECK(15, s9, CAUSE_STORE_PAGE_FAULT)
  PTE_AD(a0, 4)
  CHECK(16, a0, 0)
  # megapage leaf: A and D set in the level-1 PTE
  la t2, pt_l1
  li t1, 0x80000000
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W)
  sd t0, 1 * 8(t2)
  sfence.vma
  la t0, vm_pages
  li t1, 0x80000000
  sub t0, t0, t1
  li s0, MEGA_VA(1)
  add s0, s0, t0
  S_RUN(17, sd zero, 16(s0))
  la t2, pt_l1
  ld a0, 8(t2)
  andi a0, a0, PTE_A | PTE_D
  CHECK(18, a0, PTE_A | PTE_D)

  # ---- SFENCE.VMA ----
  MAP(10, 10, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  li s0, VA(10)
  S_RUN(20, ld a1, 0(s0))
  CHECK(21, a1, VM_MARK + 10)
  # remap to another page, flush that address only (from S-mode)
  la t1, vm_pages
  li t0, 11 * 4096
  add t1, t1, t0
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  la t2, pt_l0
  sd t0, 10 * 8(t2)
  S_RUN(22, sfence.vma s0, zero; ld a1, 0(s0))
  CHECK(23, a1, VM_MARK + 11)
  # remap again, flush everything (rs1 = x0) from S-mode
  la t1, vm_pages
  li t0, 12 * 4096
  add t1, t1, t0
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  la t2, pt_l0
  sd t0, 10 * 8(t2)
  S_RUN(24, sfence.vma; ld a1, 0(s0))
  CHECK(25, a1, VM_MARK + 12)
  # flush by ASID (rs2 != x0) also works for non-global pages
  la t1, vm_pages
  li t0, 13 * 4096
  add t1, t1, t0
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  la t2, pt_l0
  sd t0, 10 * 8(t2)
  S_RUN(26, sfence.vma zero, zero; ld a1, 0(s0))
  CHECK(27, a1, VM_MARK + 13)
  # a removed page faults after the flush
  la t2, pt_l0
  sd zero, 10 * 8(t2)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: sfence.vma s0
3: ld a1, 0(s0)
  FAIL(28)
2: CHECK_TRAP(29, CAUSE_LOAD_PAGE_FAULT, 3b)
  # and comes back after mapping it again and flushing
  MAP(10, 14, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
  S_RUN(30, ld a1, 0(s0))
  CHECK(31, a1, VM_MARK + 14)
  # a changed permission: read-only after the flush
  MAP(10, 14, PTE_V | PTE_R | PTE_A | PTE_D)
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: sd zero, 0(s0)
  FAIL(32)
2: CHECK_TRAP(33, CAUSE_STORE_PAGE_FAULT, 1b)
  # a new root table: writing satp changes the address space
  la t0, pt_root
  la t1, pt_root2
  li t2, 4096
4: ld t3, 0(t0)
  sd t3, 0(t1)
  addi t0, t0, 8
  addi t1, t1, 8
  addi t2, t2, -8
  bnez t2, 4b
  la t2, pt_root2
  sd zero, 1 * 8(t2)         # no VM_BASE window in the second address space
  la t0, pt_root2
  srli t0, t0, 12
  li t1, SATP_SV39
  or t0, t0, t1
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: csrw satp, t0
  sfence.vma
3: ld a1, 0(s0)
  FAIL(34)
2: CHECK_TRAP(35, CAUSE_LOAD_PAGE_FAULT, 3b)
  csrw satp, zero
TEST_END

  .text
  .align 12
xpage:
  li a0, 0x66
  ret
  .align 12
VM_DATA
  .align 12
pt_root2: .skip 4096
