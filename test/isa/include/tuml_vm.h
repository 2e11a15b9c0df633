/*
 * Sv39 helpers for the virtual-memory tests (include after tuml_test.h).
 *
 * VM_INIT builds (at run time, in M-mode) a three-level page table and turns on Sv39:
 *   VA 0x80000000..0xbfffffff  → PA 0x80000000 (identity gigapage, RWX, not U): the
 *                                 test's own code and data, for S-mode;
 *   VA 0xc0000000..0xffffffff  → PA 0x80000000 (gigapage, RWX, U): the same image as
 *                                 seen from U-mode (U_ALIAS = +0x40000000);
 *   VA 0x40000000 + i * 4096   → whatever MAP(i, ...) puts in level-0 entry i (0..511);
 *   VA 0x40200000 + j * 2 MiB  → level-1 entry j (1..511) for megapage tests.
 * vm_pages holds VM_PAGES physical 4 KiB pages; page k starts with the dword
 * VM_MARK + k (VM_INIT writes them).
 * All macros run in M-mode (they write page tables and satp) and clobber t0..t2, t6.
 */
#ifndef TUML_VM_H
#define TUML_VM_H

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

#define VM_BASE   0x40000000
#define VA(i)     (VM_BASE + (i) * 4096)
#define MEGA_VA(j) (VM_BASE + (j) * 0x200000)
#define U_ALIAS   0x40000000
#define VM_PAGES  16
#define VM_MARK   0x5a5a000000000000
#define SATP_SV39 (8 << 60)

/* reg = PTE for the physical address in pa_reg with flags (clobbers nothing else). */
#define MAKE_PTE(reg, pa_reg, flags)                \
  srli reg, pa_reg, 12;                             \
  slli reg, reg, 10;                                \
  ori reg, reg, flags

/* Level-0 entry i = pte_reg, then flush. */
#define SET_PTE(i, pte_reg)                         \
  la t2, pt_l0;                                     \
  li t6, (i) * 8;                                   \
  add t2, t2, t6;                                   \
  sd pte_reg, 0(t2);                                \
  sfence.vma

/* Maps VA(i) to physical page k of vm_pages with flags. */
#define MAP(i, k, flags)                            \
  la t1, vm_pages;                                  \
  li t0, (k) * 4096;                                \
  add t1, t1, t0;                                   \
  MAKE_PTE(t0, t1, flags);                          \
  SET_PTE(i, t0)

/* Maps VA(i) to the physical page holding `label` with flags. */
#define MAP_LABEL(i, label, flags)                  \
  la t1, label;                                     \
  MAKE_PTE(t0, t1, flags);                          \
  SET_PTE(i, t0)

#define UNMAP(i)                                    \
  li t0, 0;                                         \
  SET_PTE(i, t0)

/* reg = the level-0 PTE i (e.g. to look at A and D). */
#define GET_PTE(reg, i)                             \
  la reg, pt_l0;                                    \
  li t6, (i) * 8;                                   \
  add reg, reg, t6;                                 \
  ld reg, 0(reg)

/* reg = physical address of vm_pages page k. */
#define PAGE_PA(reg, k)                             \
  la reg, vm_pages;                                 \
  li t0, (k) * 4096;                                \
  add reg, reg, t0

#define VM_INIT                                     \
  la t0, pt_root;                                   \
  li t1, 3 * 4096 / 8;                              \
1: sd zero, 0(t0);                                  \
  addi t0, t0, 8;                                   \
  addi t1, t1, -1;                                  \
  bnez t1, 1b;                                      \
  la t2, pt_root;                                   \
  li t1, 0x80000000;                                \
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D); \
  sd t0, 2 * 8(t2);                                 \
  MAKE_PTE(t0, t1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D); \
  sd t0, 3 * 8(t2);                                 \
  la t1, pt_l1;                                     \
  MAKE_PTE(t0, t1, PTE_V);                          \
  sd t0, 1 * 8(t2);                                 \
  la t2, pt_l1;                                     \
  la t1, pt_l0;                                     \
  MAKE_PTE(t0, t1, PTE_V);                          \
  sd t0, 0(t2);                                     \
  la t0, vm_pages;                                  \
  li t1, VM_MARK;                                   \
  li t2, VM_PAGES;                                  \
1: sd t1, 0(t0);                                    \
  addi t1, t1, 1;                                   \
  li t6, 4096;                                      \
  add t0, t0, t6;                                   \
  addi t2, t2, -1;                                  \
  bnez t2, 1b;                                      \
  la t0, pt_root;                                   \
  srli t0, t0, 12;                                  \
  li t1, SATP_SV39;                                 \
  or t0, t0, t1;                                    \
  csrw satp, t0;                                    \
  sfence.vma

/* From M-mode, continue in U-mode at `label` seen through the U alias. Clobbers t6. */
#define ENTER_U_VM(label)                           \
  li t6, MSTATUS_MPP;                               \
  csrc mstatus, t6;                                 \
  la t6, label;                                     \
  li t5, U_ALIAS;                                   \
  add t6, t6, t5;                                   \
  csrw mepc, t6;                                    \
  mret;

/* The page tables and data pages; put at the end of the test. */
#define VM_DATA                                     \
  .bss;                                             \
  .align 12;                                        \
pt_root: .skip 4096;                                \
pt_l1: .skip 4096;                                  \
pt_l0: .skip 4096;                                  \
vm_pages: .skip VM_PAGES * 4096;

#endif
