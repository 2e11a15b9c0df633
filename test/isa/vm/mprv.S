# mstatus.MPRV: M-mode loads and stores are translated and checked as if in MPP's
# privilege (fetches are not); MXR and SUM apply to them too.
#include "tuml_test.h"
#include "tuml_vm.h"

#define AD (PTE_A | PTE_D)
#define MPRV_AS(prv)                                \
  li t0, MSTATUS_MPP; csrc mstatus, t0;             \
  li t0, ((prv) << 11) | MSTATUS_MPRV; csrs mstatus, t0
#define MPRV_OFF li t0, MSTATUS_MPRV; csrc mstatus, t0

#define M_FAULT(n, cause, insn...)                  \
  EXPECT_TRAP(2f);                                  \
1: insn;                                            \
  FAIL(n);                                          \
2: CHECK_TRAP(n, cause, 1b);                        \
  CHECK_EQ(n, s10, s0);                             \
  MPRV_OFF

TEST_BEGIN
  VM_INIT
  MAP(0, 0, PTE_V | PTE_R | PTE_W | AD)            # S page
  MAP(1, 1, PTE_V | PTE_R | PTE_W | PTE_U | AD)    # U page
  MAP_LABEL(2, xpage, PTE_V | PTE_X | AD)          # S execute-only

  # ---- MPP = S ----
  MPRV_AS(PRV_S)
  li s0, VA(0)
  ld a0, 0(s0)                 # translated: VA(0) is not RAM otherwise
  CHECK(2, a0, VM_MARK + 0)
  li a1, 0xabcdef
  sd a1, 8(s0)
  MPRV_OFF
  PAGE_PA(t1, 0)
  ld a0, 8(t1)
  CHECK(3, a0, 0xabcdef)
  # code keeps running untranslated: we are executing at PAs in M-mode all along
  MPRV_AS(PRV_S)
  li s0, VA(1)
  M_FAULT(4, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))    # U page, SUM = 0
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  MPRV_AS(PRV_S)
  ld a0, 0(s0)
  CHECK(5, a0, VM_MARK + 1)
  MPRV_OFF
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  # execute-only page: readable only with MXR
  MPRV_AS(PRV_S)
  li s0, VA(2)
  M_FAULT(6, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(s0))
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  MPRV_AS(PRV_S)
  lw a0, 0(s0)
  MPRV_OFF
  lw a1, xpage
  CHECK_EQ(7, a0, a1)
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  # an unmapped VA faults with the VA
  MPRV_AS(PRV_S)
  li s0, VA(3)
  M_FAULT(8, CAUSE_STORE_PAGE_FAULT, sd a0, 0(s0))

  # ---- MPP = U ----
  MPRV_AS(PRV_U)
  li s0, VA(1)
  ld a0, 0(s0)
  CHECK(9, a0, VM_MARK + 1)
  MPRV_AS(PRV_U)
  li s0, VA(0)
  M_FAULT(10, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s0))   # S page
  BRANCH_IF_QEMU(3f)         # QEMU 7.2 reports AMO faults as load faults
  MPRV_AS(PRV_U)
  M_FAULT(11, CAUSE_STORE_PAGE_FAULT, amoswap.d a0, a0, (s0))
3:

  # ---- MPP = M: no translation ----
  MPRV_AS(PRV_M)
  la t0, vm_pages
  ld a0, 0(t0)
  CHECK(12, a0, VM_MARK + 0)
  MPRV_OFF

  # ---- a trap from M keeps MPRV but sets MPP = M, so the handler's own accesses
  # are not translated ----
  MPRV_AS(PRV_S)
  li s0, VA(3)
  EXPECT_TRAP(2f)
1: ld a0, 0(s0)
  FAIL(13)
2: csrr a0, mstatus
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  and a0, a0, t0
  CHECK(14, a0, MSTATUS_MPRV | MSTATUS_MPP)     # MPRV kept, MPP = M (from M)
  la t0, vm_pages
  ld a0, 0(t0)                                  # untranslated again
  CHECK(15, a0, VM_MARK + 0)
  MPRV_OFF
  csrw satp, zero
TEST_END

  .text
  .align 12
xpage:
  li a0, 0x55
  ret
  .align 12
VM_DATA
