// The wasm module's exports: what src/cpu/hart.ts sees of the core.

import {
  H, XREG, FREG, SLOT_PC, SLOT_PRIV, SLOT_MTIME, SLOT_EXIT_VAL, SLOT_INSTRET, SLOT_TOHOST, SLOT_FROMHOST,
  SLOT_MTIMECMP, SLOT_STIMECMP, SLOT_EXIT_ADDR, RAM_HOST, PRV_M, JIT_CACHE, RVC_TABLE,
  JIT_QUEUE, JIT_LEFT, JIT_TLOAD, JIT_TSTORE, JIT_TFETCH, JIT_STATS, JIT_CACHE_N, CODE_PAGES,
  EXIT_BUDGET, EXIT_WFI, EXIT_SBI, EXIT_TOHOST, EXIT_FATAL,
} from "./state";
import { T, mmuInit, tlbFlushAll, updateCtx, TLB_ENTRIES } from "./mmu";
import { csrRead, csrWrite } from "./csr";
import { rvcInit } from "./rvc";
import { trigReset } from "./trigger";
import { jitFlush } from "./jit";

export { run } from "./cpu";
export * from "./jit";
export {
  XREG, FREG, SLOT_PC, SLOT_PRIV, SLOT_MTIME, SLOT_EXIT_VAL, SLOT_INSTRET, SLOT_TOHOST, SLOT_FROMHOST,
  SLOT_MTIMECMP, SLOT_STIMECMP, SLOT_EXIT_ADDR, RAM_HOST, RVC_TABLE,
  JIT_QUEUE, JIT_LEFT, JIT_TLOAD, JIT_TSTORE, JIT_TFETCH, JIT_STATS, JIT_CACHE, JIT_CACHE_N, CODE_PAGES, TLB_ENTRIES,
  EXIT_BUDGET, EXIT_WFI, EXIT_SBI, EXIT_TOHOST, EXIT_FATAL,
};

// Grows memory for `ramBytes` of guest RAM and resets the hart. 0 on success, -1 if memory can't grow.
// -2: the core was built with more static data than its layout leaves room for (state.ts).
// Call once per instance: guest RAM is fresh (zeroed) memory, not cleared here,
// since touching every page up front costs ~10 ms per MiB.
export function init(ramBytes: u32): i32 {
  // AssemblyScript's static data and heap start at --memoryBase (1 MiB) and must end below
  // the translator's dispatch cache: a core that outgrew that space refuses to start.
  if (<u32>__heap_base > JIT_CACHE) return -2;
  // 4 bytes of slack after RAM: instruction fetch reads 4 bytes at the last halfword of a page.
  const need = (<u64>RAM_HOST + <u64>ramBytes + 4 + 0xffff) >>> 16;
  if (need > 65536) return -1;
  const have = <u64>memory.size();
  if (need > have && memory.grow(<i32>(need - have)) < 0) return -1;
  memory.fill(XREG, 0, 0x1000);
  store<u64>(SLOT_MTIMECMP, 0xffffffffffffffff);
  store<u64>(SLOT_STIMECMP, 0xffffffffffffffff);
  H.pc = 0;
  H.priv = PRV_M;
  store<u32>(SLOT_PRIV, PRV_M);
  H.mstatus = 0;
  H.medeleg = 0;
  H.mideleg = 0;
  H.mie = 0;
  H.mip = 0;
  H.mtvec = 0;
  H.mepc = 0;
  H.mcause = 0;
  H.mtval = 0;
  H.satp = 0;
  H.instret = 0;
  H.cycleOff = 0;
  H.mtime = 0;
  H.fflags = 0;
  H.frm = 0;
  H.resValid = false;
  H.sbiMode = false;
  T.lines = 0;
  T.msip = 0;
  rvcInit();
  trigReset();
  mmuInit(<u64>ramBytes);
  jitFlush();
  memory.fill(JIT_STATS, 0, 24);
  return 0;
}

// SBI mode: the host plays M-mode firmware. Like firmware, delegate every trap and
// interrupt S-mode can take, and let S and U read the counters.
export function setSbiMode(on: i32): void {
  H.sbiMode = on != 0;
  if (H.sbiMode) {
    csrSet(0x302, 0xffffffff, 0xffffffff); // medeleg: all delegable
    csrSet(0x303, 0xffffffff, 0xffffffff); // mideleg: SSI, STI, SEI
    H.mcounteren = 7;
  }
}

// Device interrupt lines (e.g. SEIP from the PLIC).
export function setIrq(bits: u32, level: i32): void {
  if (level != 0) T.lines |= <u64>bits;
  else T.lines &= ~(<u64>bits);
  H.irqCheck = true;
}

// Called by the host (e.g. from an MMIO callback): run() returns after the current instruction.
export function requestExit(): void {
  T.stopReason = 0; // EXIT_BUDGET
  H.irqCheck = true;
}

// Called by the host from inside an MMIO callback: the access faults.
export function mmioFault(): void {
  T.mmioFault = true;
}

function hostCsrRead(csr: u32): u64 {
  const priv = H.priv;
  H.priv = PRV_M;
  const v = csrRead(csr, 0);
  H.priv = priv;
  H.excPending = false;
  return v;
}

export function csrGetLo(csr: u32): u32 {
  return <u32>hostCsrRead(csr);
}

export function csrGetHi(csr: u32): u32 {
  return <u32>(hostCsrRead(csr) >>> 32);
}

export function csrSet(csr: u32, lo: u32, hi: u32): void {
  const priv = H.priv;
  H.priv = PRV_M;
  csrWrite(csr, (<u64>hi << 32) | <u64>lo, 0);
  H.priv = priv;
  H.excPending = false;
  updateCtx();
}

export function tlbFlush(): void {
  tlbFlushAll();
}
