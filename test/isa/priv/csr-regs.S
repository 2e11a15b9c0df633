# Machine-level CSRs: identification, misa, WARL fields of mstatus/mtvec/mepc,
# delegation and interrupt-enable masks, sie/sip as views through mideleg,
# the sstatus view of mstatus, and PMP registers (WARL, no effect required).
#include "tuml_test.h"

#define CHECK_MASK(n, reg, mask, value)             \
  li t5, mask; and t5, reg, t5;                     \
  CHECK(n, t5, value)

TEST_BEGIN
  # make sure no timer interrupt is pending (QEMU resets mtimecmp to 0)
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)

  # ---- identification ----
  csrr a0, mhartid
  CHECK(2, a0, 0)
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid

  # ---- misa: RV64 with I, M, A, F, D, C, S, U ----
  csrr a0, misa
  srli a1, a0, 62
  CHECK(3, a1, 2)
  li a2, (1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2) | (1 << 18) | (1 << 20)
  and a1, a0, a2
  CHECK_EQ(4, a1, a2)
  li a2, (1 << 4)          # not E
  and a1, a0, a2
  CHECK(5, a1, 0)

  # ---- mstatus: UXL = SXL = 2 (64-bit), read-only ----
  csrr a0, mstatus
  srli a1, a0, 32
  andi a1, a1, 0xf
  CHECK(6, a1, 0xa)
  li t0, (0xf << 32)
  csrc mstatus, t0
  csrr a0, mstatus
  srli a1, a0, 32
  andi a1, a1, 0xf
  CHECK(7, a1, 0xa)
  # writable bits: MIE, SIE, MPIE, SPIE, SPP, MPP, SUM, MXR, MPRV, TVM, TW, TSR
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr a0, mstatus
  and a1, a0, t0
  CHECK_EQ(8, a1, t0)
  csrc mstatus, t0
  csrr a0, mstatus
  and a1, a0, t0
  CHECK(9, a1, 0)
  # MPP holds M, S and U
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  csrr a0, mstatus
  CHECK_MASK(10, a0, MSTATUS_MPP, MSTATUS_MPP)
  csrc mstatus, t0
  li t1, MSTATUS_MPP_S
  csrs mstatus, t1
  csrr a0, mstatus
  CHECK_MASK(11, a0, MSTATUS_MPP, MSTATUS_MPP_S)
  csrc mstatus, t0
  csrr a0, mstatus
  CHECK_MASK(12, a0, MSTATUS_MPP, 0)
  # MPP = 2 (no H-mode) is not a legal value: it must read back as something else
  # (QEMU 7.2 keeps it)
  BRANCH_IF_QEMU(1f)
  li t1, (2 << 11)
  csrs mstatus, t1
  csrr a0, mstatus
  li t1, MSTATUS_MPP
  and a0, a0, t1
  li t1, (2 << 11)
  li TESTNUM, 13
  beq a0, t1, tuml_fail
1:
  li t0, MSTATUS_MPP
  csrc mstatus, t0

  # ---- sstatus is a restricted view of mstatus ----
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr a0, sstatus
  and a1, a0, t0
  CHECK(14, a1, 0)           # M-only fields are invisible
  li t1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrs sstatus, t1
  csrr a0, mstatus
  and a1, a0, t1
  CHECK_EQ(15, a1, t1)       # S fields written through sstatus reach mstatus
  and a1, a0, t0
  CHECK_EQ(16, a1, t0)       # and M fields are untouched
  csrr a0, sstatus
  and a1, a0, t1
  CHECK_EQ(17, a1, t1)
  li t2, -1
  csrc sstatus, t2           # clearing everything through sstatus...
  csrr a0, mstatus
  and a1, a0, t0
  CHECK_EQ(18, a1, t0)       # ...leaves the M fields alone
  and a1, a0, t1
  CHECK(19, a1, 0)
  csrr a0, sstatus
  srli a1, a0, 32
  andi a1, a1, 3
  CHECK(20, a1, 2)           # UXL visible in sstatus
  csrc mstatus, t0
  li t0, (1 << 13)           # leave FS = Initial as TEST_BEGIN did
  csrs mstatus, t0

  # ---- mtvec / stvec: base and mode ----
  la t0, tuml_trap_catch
  ori t1, t0, 1
  csrw mtvec, t1
  csrr a0, mtvec
  CHECK_EQ(21, a0, t1)
  csrw mtvec, t0
  csrr a0, mtvec
  CHECK_EQ(22, a0, t0)
  csrw stvec, t1
  csrr a0, stvec
  CHECK_EQ(23, a0, t1)
  csrw stvec, t0
  csrr a0, stvec
  CHECK_EQ(24, a0, t0)
  DEFAULT_TRAP

  # ---- mepc / sepc: bit 0 is always zero (IALIGN = 16; QEMU 7.2 keeps it) ----
  BRANCH_IF_QEMU(1f)
  li t0, 0x80001235
  csrw mepc, t0
  csrr a0, mepc
  CHECK(25, a0, 0x80001234)
  csrw sepc, t0
  csrr a0, sepc
  CHECK(26, a0, 0x80001234)
1:
  li t0, 0xfffffffffffffffe
  csrw mepc, t0
  csrr a0, mepc
  CHECK(27, a0, 0xfffffffffffffffe)

  # ---- scratch, cause and tval registers hold 64 bits ----
  li t0, 0x8000000000000005
  csrw mcause, t0
  csrr a0, mcause
  CHECK(28, a0, 0x8000000000000005)
  csrw scause, t0
  csrr a0, scause
  CHECK(29, a0, 0x8000000000000005)
  li t0, 0xfedcba9876543210
  csrw mtval, t0
  csrr a0, mtval
  CHECK(30, a0, 0xfedcba9876543210)
  csrw stval, t0
  csrr a0, stval
  CHECK(31, a0, 0xfedcba9876543210)
  csrw sscratch, t0
  csrr a0, sscratch
  CHECK(32, a0, 0xfedcba9876543210)
  csrw mscratch, t0
  csrr a0, mscratch
  CHECK(33, a0, 0xfedcba9876543210)

  # ---- medeleg: the usual exceptions are delegable ----
  li t0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  csrr a0, medeleg
  and a0, a0, t0
  CHECK_EQ(34, a0, t0)
  csrw medeleg, zero
  csrr a0, medeleg
  CHECK(35, a0, 0)

  # ---- mideleg: S-level interrupts are delegable, M-level ones are not ----
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  CHECK_MASK(36, a0, 0xaaa, 0x222)
  csrw mideleg, zero

  # ---- mie: all six standard interrupt enables ----
  li t0, -1
  csrw mie, t0
  csrr a0, mie
  CHECK_MASK(37, a0, 0xaaa, 0xaaa)
  # sie shows only delegated bits
  csrr a0, sie
  CHECK(38, a0, 0)
  li t1, 0x222
  csrw mideleg, t1
  csrr a0, sie
  CHECK_MASK(39, a0, 0xaaa, 0x222)
  # writing sie changes only delegated bits of mie
  li t1, 0x20
  csrw mideleg, t1
  csrw sie, zero
  csrr a0, mie
  CHECK_MASK(40, a0, 0xaaa, 0xa8a)
  csrw mie, zero
  li t1, 0x222
  csrw mideleg, t1
  csrw sie, t0
  csrr a0, mie
  CHECK_MASK(41, a0, 0xaaa, 0x222)
  csrw mie, zero

  # ---- mip: SSIP, STIP, SEIP are writable by M; MSIP, MTIP, MEIP are not (via mip) ----
  csrw mip, zero
  csrr a0, mip
  CHECK_MASK(42, a0, 0xaaa, 0)
  li t0, 0x222
  csrs mip, t0
  csrr a0, mip
  CHECK_MASK(43, a0, 0xaaa, 0x222)
  li t0, 0x888
  csrs mip, t0
  csrr a0, mip
  CHECK_MASK(44, a0, 0x888, 0)
  # sip: only delegated bits; S may write SSIP only
  li t1, 0x2
  csrw mideleg, t1
  csrr a0, sip
  CHECK_MASK(45, a0, 0xaaa, 0x2)
  csrc sip, t1
  csrr a0, mip
  CHECK_MASK(46, a0, 0xaaa, 0x220)
  csrw mideleg, zero
  csrw mip, zero

  # ---- counter enables hold at least CY, TM, IR ----
  csrwi mcounteren, 7
  csrr a0, mcounteren
  CHECK_MASK(47, a0, 7, 7)
  csrwi scounteren, 7
  csrr a0, scounteren
  CHECK_MASK(48, a0, 7, 7)
  csrwi mcounteren, 0
  csrwi scounteren, 0

  # ---- PMP: pmpcfg0/2 and pmpaddr0..15 exist (entries 1..15 stay OFF here) ----
  li t0, 0x1f
  csrw pmpcfg0, t0
  csrr a0, pmpcfg0
  CHECK(49, a0, 0x1f)
  csrw pmpcfg2, zero
  csrr a0, pmpcfg2
  CHECK(50, a0, 0)
  #define PMPADDR(n, i, v) li t0, v; csrw pmpaddr##i, t0; csrr a0, pmpaddr##i; CHECK(n, a0, v)
  PMPADDR(51, 1, 0x123456)
  PMPADDR(52, 2, 0x20000000)
  PMPADDR(53, 3, 0x3)
  PMPADDR(54, 4, 0x44444)
  PMPADDR(55, 5, 0x55555)
  PMPADDR(56, 6, 0x66666)
  PMPADDR(57, 7, 0x77777)
  PMPADDR(58, 8, 0x88888)
  PMPADDR(59, 9, 0x99999)
  PMPADDR(60, 10, 0xaaaaa)
  PMPADDR(61, 11, 0xbbbbb)
  PMPADDR(62, 12, 0xccccc)
  PMPADDR(63, 13, 0xddddd)
  PMPADDR(64, 14, 0xeeeee)
  PMPADDR(65, 15, 0x3fffffffffffff)
  csrr a0, pmpaddr0                 # readable (its value after writing -1 is WARL)

  # ---- satp: Bare and Sv39 are accepted ----
  li t0, (8 << 60) | 0x80123
  csrw satp, t0
  csrr a0, satp
  srli a1, a0, 60
  CHECK(67, a1, 8)
  li t1, 0xfffffffffff        # PPN field
  and a1, a0, t1
  CHECK(68, a1, 0x80123)
  csrw satp, zero
  csrr a0, satp
  CHECK(69, a0, 0)
  # an unsupported mode leaves satp unchanged (reserved modes 1..7, 11..15)
  li t0, (8 << 60) | 0x80077
  csrw satp, t0
  li t1, (15 << 60) | 0x80099
  csrw satp, t1
  csrr a0, satp
  CHECK_EQ(70, a0, t0)
  li t1, (1 << 60) | 0x80099
  csrw satp, t1
  csrr a0, satp
  CHECK_EQ(71, a0, t0)
  # Sv48 (9) and Sv57 (10): either supported (taken as written) or ignored (unchanged)
  li t1, (9 << 60) | 0x80099
  csrw satp, t1
  csrr a0, satp
  beq a0, t0, 1f
  CHECK_EQ(72, a0, t1)
1: csrw satp, t0
  li t1, (10 << 60) | 0x80099
  csrw satp, t1
  csrr a0, satp
  beq a0, t0, 1f
  CHECK_EQ(73, a0, t1)
1: csrw satp, zero
TEST_END
