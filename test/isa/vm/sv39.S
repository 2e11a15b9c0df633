# Sv39 translation from S-mode: 4 KiB pages, 2 MiB and 1 GiB superpages, and the page
# faults of a walk: invalid PTEs, W without R, misaligned superpages, a leaf missing at
# level 0, reserved PTE bits, non-canonical addresses. Faults report tval = the VA.
#include "tuml_test.h"
#include "tuml_vm.h"

#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* S-mode: the load at `va` (in s0) page-faults to M with mtval = va. */
#define LOAD_FAULT(n)                               \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: ld a0, 0(s0);                                    \
  FAIL(n);                                          \
2: CHECK_TRAP(n, CAUSE_LOAD_PAGE_FAULT, 1b);        \
  CHECK_EQ(n, s10, s0)

#define STORE_FAULT(n)                              \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: sd a0, 0(s0);                                    \
  FAIL(n);                                          \
2: CHECK_TRAP(n, CAUSE_STORE_PAGE_FAULT, 1b);       \
  CHECK_EQ(n, s10, s0)

/* S-mode: ld a0, 0(s0) succeeds; a0 comes back to M. */
#define S_LOAD(n)                                   \
  EXPECT_TRAP(2f);                                  \
  ENTER_S(1f);                                      \
1: ld a0, 0(s0);                                    \
  ecall;                                            \
2: CHECK(n, s9, CAUSE_ECALL_S)

TEST_BEGIN
  VM_INIT

  # ---- 4 KiB pages ----
  MAP(0, 0, RWAD)
  MAP(1, 3, RWAD)
  li s0, VA(0)
  S_LOAD(2)
  CHECK(3, a0, VM_MARK + 0)
  li s0, VA(1)
  S_LOAD(4)
  CHECK(5, a0, VM_MARK + 3)
  # a store through the mapping lands in the physical page
  li s0, VA(1) + 8
  li a1, 0x1234567890
  EXPECT_TRAP(2f)
  ENTER_S(1f)
1: sd a1, 0(s0)
  ecall
2: CHECK(6, s9, CAUSE_ECALL_S)
  PAGE_PA(t1, 3)
  ld a0, 8(t1)
  CHECK(7, a0, 0x1234567890)
  # offsets within the page
  li s0, VA(1) + 8
  S_LOAD(8)
  CHECK(9, a0, 0x1234567890)

  # ---- 2 MiB megapage: level-1 entry 1 → PA 0x80000000 ----
  la t2, pt_l1
  li t1, 0x80000000
  MAKE_PTE(t0, t1, RWAD)
  sd t0, 1 * 8(t2)
  sfence.vma
  la t0, vm_pages
  li t1, 0x80000000
  sub t0, t0, t1              # offset of vm_pages in the image (< 2 MiB)
  li s0, MEGA_VA(1)
  add s0, s0, t0
  S_LOAD(10)
  CHECK(11, a0, VM_MARK + 0)
  li t1, 4096 * 2
  add s0, s0, t1
  S_LOAD(12)
  CHECK(13, a0, VM_MARK + 2)

  # ---- 1 GiB gigapage at level 2 (root entry 5 → PA 0x80000000) ----
  la t2, pt_root
  li t1, 0x80000000
  MAKE_PTE(t0, t1, RWAD)
  sd t0, 5 * 8(t2)
  sfence.vma
  la t0, vm_pages
  li t1, 0x80000000
  sub t0, t0, t1
  li s0, 0x140000000
  add s0, s0, t0
  S_LOAD(14)
  CHECK(15, a0, VM_MARK + 0)

  # ---- misaligned superpages fault ----
  la t2, pt_l1
  li t1, 0x80001000           # not 2 MiB aligned
  MAKE_PTE(t0, t1, RWAD)
  sd t0, 2 * 8(t2)
  sfence.vma
  li s0, MEGA_VA(2) + 0x10
  LOAD_FAULT(16)
  la t2, pt_root
  li t1, 0x80200000           # not 1 GiB aligned
  MAKE_PTE(t0, t1, RWAD)
  sd t0, 6 * 8(t2)
  sfence.vma
  li s0, 0x180000000 + 0x3000
  LOAD_FAULT(17)
  STORE_FAULT(18)

  # ---- invalid PTEs ----
  li s0, VA(2)                # entry 2 is zero
  LOAD_FAULT(19)
  STORE_FAULT(20)
  MAP(3, 0, PTE_R | PTE_W | PTE_A | PTE_D)     # V = 0, other bits set
  li s0, VA(3) + 0x18
  LOAD_FAULT(21)
  # W without R is reserved
  MAP(4, 0, PTE_V | PTE_W | PTE_A | PTE_D)
  li s0, VA(4)
  LOAD_FAULT(22)
  STORE_FAULT(23)
  MAP(5, 0, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D)
  li s0, VA(5)
  LOAD_FAULT(24)
  # a pointer (V only) at level 0: no leaf found
  MAP(6, 0, PTE_V)
  li s0, VA(6)
  LOAD_FAULT(25)
  # unmapped level-1 and level-2 entries
  li s0, MEGA_VA(7)
  LOAD_FAULT(26)
  li s0, 0x200000000          # root entry 8: zero
  LOAD_FAULT(27)

  # ---- reserved PTE bits 63:54 (no Svpbmt, Svnapot): page fault ----
  la t1, vm_pages
  MAKE_PTE(t0, t1, RWAD)
  li t1, 1 << 54
  or t0, t0, t1
  SET_PTE(7, t0)
  li s0, VA(7)
  LOAD_FAULT(28)
  la t1, vm_pages
  MAKE_PTE(t0, t1, RWAD)
  li t1, 1 << 63              # N without Svnapot
  or t0, t0, t1
  SET_PTE(8, t0)
  li s0, VA(8)
  LOAD_FAULT(29)
  la t1, vm_pages
  MAKE_PTE(t0, t1, RWAD)
  li t1, 1 << 61              # PBMT without Svpbmt
  or t0, t0, t1
  SET_PTE(9, t0)
  li s0, VA(9)
  LOAD_FAULT(30)

  # ---- non-canonical addresses (bits 63:39 differ from bit 38) fault ----
  li s0, 0x0000008000000000
  LOAD_FAULT(31)
  li s0, 0xffffff0000000000 + 0x80000000   # bit 38 = 0 but upper bits set
  LOAD_FAULT(32)
  # canonical high half is fine as long as it is mapped: root entry 511 → PA 0x80000000
  la t2, pt_root
  li t1, 0x80000000
  MAKE_PTE(t0, t1, RWAD)
  li t1, 511 * 8
  add t2, t2, t1
  sd t0, 0(t2)
  sfence.vma
  la t0, vm_pages
  li t1, 0x80000000
  sub t0, t0, t1
  li s0, 0xffffffffc0000000
  add s0, s0, t0
  S_LOAD(33)
  CHECK(34, a0, VM_MARK + 0)

  # ---- M-mode ignores satp ----
  la t0, vm_pages
  ld a0, 0(t0)
  CHECK(35, a0, VM_MARK + 0)
  csrw satp, zero
TEST_END
VM_DATA
