// Hart state: the one source of truth for where everything lives.
//
// Linear memory below --memoryBase (1 MiB) belongs to the emulator, not to
// AssemblyScript: register files and host-visible slots at fixed offsets, then the
// PMP registers, the TLBs and the compressed-instruction table. Guest RAM starts at
// RAM_HOST. Every offset is defined here and nowhere else; the host (src/cpu/hart.ts)
// reads the ones it needs from the module's exports (index.ts), never by copying numbers.

// ---- register files (always current, also during run()) ----
export const XREG: u32 = 0x1000; // x0..x31, u64 each; x0 stays 0
export const FREG: u32 = 0x1100; // f0..f31, u64 each, NaN-boxed singles

// ---- host slots: valid between run() calls ----
export const SLOT_PC: u32 = 0x1200; // u64
export const SLOT_PRIV: u32 = 0x1208; // u32: 0 U, 1 S, 3 M
export const SLOT_MTIME: u32 = 0x1210; // u64, host writes the current time before run()
export const SLOT_EXIT_VAL: u32 = 0x1218; // u64, value attached to an exit reason (e.g. tohost)
export const SLOT_INSTRET: u32 = 0x1220; // u64, retired instruction count
export const SLOT_TOHOST: u32 = 0x1228; // u64 guest physical address of HTIF tohost (0 = none)
export const SLOT_FROMHOST: u32 = 0x1230; // u64 guest physical address of HTIF fromhost
export const SLOT_MTIMECMP: u32 = 0x1238; // u64 CLINT mtimecmp (M-mode timer)
export const SLOT_STIMECMP: u32 = 0x1240; // u64 SBI/Sstc supervisor timer compare
export const SLOT_RAM_SIZE: u32 = 0x1248; // u64 bytes of guest RAM
export const SLOT_EXIT_ADDR: u32 = 0x1250; // u64 faulting address for EXIT_FATAL

// Guest time advances within a slice at one tick per 2^TIME_SHIFT instructions, so
// busy-wait loops on `time` make progress; between slices it follows the host clock
// (never backwards). The in-slice rate must stay below the real one (256 instructions
// per 100 ns tick = 2.56 G instructions/s): were it faster, guest time would run ahead of
// the host and never be pulled back, and the guest's own clock would measure
// instructions instead of time. (At 64 per tick, translated code already ran faster than
// that: a guest's CPU-bound loop measured itself 3-9% slower than it was.)
export const TIME_SHIFT: u64 = 8;

// ---- PMP registers (csr.ts): kept, not enforced ----
export const PMP_ADDR: u32 = 0x2000; // pmpaddr0..63, u64 each
export const PMP_CFG: u32 = 0x2200; // pmpcfg0, 2, ... 14, u64 each

// ---- debug triggers (trigger.ts): tdata1, tdata2 per trigger, u64 each ----
export const TRIGGERS: u32 = 0x2400;

// ---- TLBs: see mmu.ts (ends at TLB_END = 0x40000) ----
export const TLB_BASE: u32 = 0x10000;

// ---- compressed forms expanded: see rvc.ts ----
export const RVC_TABLE: u32 = 0x40000; // 65536 x u32, ends at 0x80000

// ---- pages holding translated code: one bit per 4 KiB page of guest RAM (see mmu.ts) ----
export const CODE_PAGES: u32 = 0x80000; // up to 4 GiB of RAM: 128 KiB, ends at 0xa0000

// ---- translated code (jit.ts): dispatch cache, compile queue, slots generated code reads ----
export const JIT_CACHE: u32 = 0xe00000; // JIT_CACHE_N entries of 16 bytes, ends at 0xf00000 (below RAM)
export const JIT_CACHE_N: u32 = 65536;
export const JIT_QUEUE: u32 = 0xc0000; // JIT_QUEUE_N x (host address u32, pad, pc u64), ends at 0xc1000
export const JIT_QUEUE_N: u32 = 256;
export const JIT_LEFT: u32 = 0xc1000; // i32: run()'s remaining budget while translated code runs
export const JIT_TLOAD: u32 = 0xc1004; // u32: T.load, mirrored for generated code
export const JIT_TSTORE: u32 = 0xc1008; // u32: T.store
export const JIT_QLEN: u32 = 0xc100c; // u32: entries in JIT_QUEUE
export const JIT_STATS: u32 = 0xc1010; // u64 counters: regions run, lookups that missed, instructions run
export const JIT_TFETCH: u32 = 0xc1028; // u32: T.fetch

// Translator switch (jit.ts); off while a trigger is armed.
@unmanaged
export class J {
  static enabled: bool = false;
  static hot: u32 = 4000; // executions before an entry is queued for translation (the host sets it)
}

// ---- guest RAM ----
export const RAM_HOST: u32 = 0x01000000; // host offset of guest physical RAM_BASE
export const RAM_BASE: u64 = 0x80000000;

// ---- run() exit reasons ----
export const EXIT_BUDGET: i32 = 0; // instruction budget used up
export const EXIT_WFI: i32 = 1; // hart waits for an interrupt: host may sleep
export const EXIT_SBI: i32 = 2; // S-mode ecall in SBI mode: host serves it (pc already advanced)
export const EXIT_TOHOST: i32 = 3; // guest stored to HTIF tohost: value in SLOT_EXIT_VAL
export const EXIT_FATAL: i32 = 4; // unrecoverable (e.g. trap loop in M-mode with no handler)

// Privilege levels
export const PRV_U: u32 = 0;
export const PRV_S: u32 = 1;
export const PRV_M: u32 = 3;

// CSR-held state. Static fields of an unmanaged class compile to wasm globals,
// which every core module can read and assign.
@unmanaged
export class H {
  static pc: u64 = 0;
  static priv: u32 = PRV_M;
  static mstatus: u64 = 0; // SD is computed on read
  static misa: u64 = 0;
  static medeleg: u64 = 0;
  static mideleg: u64 = 0;
  static mie: u64 = 0;
  static mip: u64 = 0;
  static mtvec: u64 = 0;
  static mscratch: u64 = 0;
  static mepc: u64 = 0;
  static mcause: u64 = 0;
  static mtval: u64 = 0;
  static mcounteren: u32 = 0;
  static mcountinhibit: u32 = 0;
  static stvec: u64 = 0;
  static sscratch: u64 = 0;
  static sepc: u64 = 0;
  static scause: u64 = 0;
  static stval: u64 = 0;
  static satp: u64 = 0;
  static scounteren: u32 = 0;
  static menvcfg: u64 = 0;
  static senvcfg: u64 = 0;
  static fflags: u32 = 0; // accrued exception flags, 5 bits
  static frm: u32 = 0; // dynamic rounding mode, 3 bits
  static instret: u64 = 0; // during a CSR instruction: the instructions retired before it
  static cycleOff: u64 = 0; // mcycle = minstret + cycleOff (one instruction per cycle)
  static instretWritten: bool = false; // the current CSR instruction wrote minstret
  static mtime: u64 = 0; // guest time at the start of this run() slice
  static mtimecmp: u64 = 0;
  static stimecmp: u64 = 0;
  static resValid: bool = false; // LR/SC reservation
  static resAddr: u64 = 0;
  static sbiMode: bool = false; // S-mode ecall exits to the host's SBI
  static irqCheck: bool = true; // something changed that may make an interrupt takeable
  // Trap raised by the current instruction (set by memory helpers and exec).
  static excPending: bool = false;
  static excCause: u64 = 0;
  static excTval: u64 = 0;
}

// mstatus bits
export const MSTATUS_SIE: u64 = 1 << 1;
export const MSTATUS_MIE: u64 = 1 << 3;
export const MSTATUS_SPIE: u64 = 1 << 5;
export const MSTATUS_UBE: u64 = 1 << 6;
export const MSTATUS_MPIE: u64 = 1 << 7;
export const MSTATUS_SPP: u64 = 1 << 8;
export const MSTATUS_MPP_SHIFT: u64 = 11;
export const MSTATUS_MPP: u64 = 3 << 11;
export const MSTATUS_FS_SHIFT: u64 = 13;
export const MSTATUS_FS: u64 = 3 << 13;
export const MSTATUS_MPRV: u64 = 1 << 17;
export const MSTATUS_SUM: u64 = 1 << 18;
export const MSTATUS_MXR: u64 = 1 << 19;
export const MSTATUS_TVM: u64 = 1 << 20;
export const MSTATUS_TW: u64 = 1 << 21;
export const MSTATUS_TSR: u64 = 1 << 22;
export const MSTATUS_UXL: u64 = (<u64>3) << 32;
export const MSTATUS_SXL: u64 = (<u64>3) << 34;
export const MSTATUS_SD: u64 = (<u64>1) << 63;

// Exception causes
export const CAUSE_MISALIGNED_FETCH: u64 = 0;
export const CAUSE_FETCH_ACCESS: u64 = 1;
export const CAUSE_ILLEGAL_INSN: u64 = 2;
export const CAUSE_BREAKPOINT: u64 = 3;
export const CAUSE_MISALIGNED_LOAD: u64 = 4;
export const CAUSE_LOAD_ACCESS: u64 = 5;
export const CAUSE_MISALIGNED_STORE: u64 = 6;
export const CAUSE_STORE_ACCESS: u64 = 7;
export const CAUSE_ECALL_U: u64 = 8;
export const CAUSE_ECALL_S: u64 = 9;
export const CAUSE_ECALL_M: u64 = 11;
export const CAUSE_FETCH_PAGE_FAULT: u64 = 12;
export const CAUSE_LOAD_PAGE_FAULT: u64 = 13;
export const CAUSE_STORE_PAGE_FAULT: u64 = 15;

// Interrupt bits (mip/mie)
export const IRQ_SSI: u64 = 1 << 1;
export const IRQ_MSI: u64 = 1 << 3;
export const IRQ_STI: u64 = 1 << 5;
export const IRQ_MTI: u64 = 1 << 7;
export const IRQ_SEI: u64 = 1 << 9;
export const IRQ_MEI: u64 = 1 << 11;

// fflags bits
export const FFLAG_NX: u32 = 1;
export const FFLAG_UF: u32 = 2;
export const FFLAG_OF: u32 = 4;
export const FFLAG_DZ: u32 = 8;
export const FFLAG_NV: u32 = 16;

@inline export function getX(r: u32): u64 {
  return load<u64>(XREG + (r << 3));
}

// x0 is never written, so reads need no special case.
@inline export function setX(r: u32, v: u64): void {
  if (r != 0) store<u64>(XREG + (r << 3), v);
}

@inline export function getF(r: u32): u64 {
  return load<u64>(FREG + (r << 3));
}

@inline export function setF(r: u32, v: u64): void {
  store<u64>(FREG + (r << 3), v);
}

// Any write to an F register or fcsr makes the FP state dirty.
@inline export function markFsDirty(): void {
  H.mstatus |= MSTATUS_FS;
}

@inline export function fsOff(): bool {
  return (H.mstatus & MSTATUS_FS) == 0;
}

@inline export function raise(cause: u64, tval: u64): void {
  H.excPending = true;
  H.excCause = cause;
  H.excTval = tval;
}
