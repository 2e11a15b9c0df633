// What code translated from guest instructions needs from the core, exported so that a
// generated wasm module imports it from the core's instance (index.ts re-exports all of
// this): the slow paths the interpreter takes (loads and stores through the MMU, AMOs,
// CSRs, FP, traps) and the record of which pages hold translated code (mmu.ts).
//
// Contract for generated code: registers live at XREG/FREG in the shared memory; a slow
// path that traps sets a pending exception (jitStatus bit 0) and changes no register
// the instruction writes; bit 1 means an event (interrupt line, privilege or translation
// change, HTIF) that the run loop must look at before the next instruction.

import {
  H, raise, fsOff, markFsDirty, CAUSE_ILLEGAL_INSN, FFLAG_NX, RAM_HOST, RAM_BASE, CODE_PAGES, JIT_CACHE, JIT_CACHE_N, JIT_QUEUE, JIT_QUEUE_N, JIT_LEFT, JIT_QLEN, JIT_STATS, J,
} from "./state";
import {
  loadSlow, storeSlow, translate, ACC_FETCH, markCodePage, isCodePage, T, TLB_ENTRIES, unmarkRange, codeFence,
} from "./mmu";
import { csrRead, csrWrite, takeTrap } from "./csr";
import { execFp } from "./fpu";
import { amo, mulh, mulhsu, mulhu } from "./cpu";

// Unsigned little-endian value of `size` (1, 2, 4, 8) bytes at va.
// Generated code stores run()'s budget in JIT_LEFT before a slow path (CLINT reads of
// mtime count the instructions run so far).
export function jitLoad(va: u64, size: u32): u64 {
  T.runLeft = load<i32>(JIT_LEFT);
  return loadSlow(va, size);
}

// A store that unmarked a code page ends the block (it may have rewritten the block).
export function jitStore(va: u64, v: u64, size: u32): void {
  T.runLeft = load<i32>(JIT_LEFT);
  const w = T.codeWrites;
  storeSlow(va, v, size);
  if (T.codeWrites != w) H.irqCheck = true;
}

export function jitMulhu(a: u64, b: u64): u64 {
  return mulhu(a, b);
}

export function jitMulh(a: u64, b: u64): u64 {
  return mulh(a, b);
}

export function jitMulhsu(a: u64, b: u64): u64 {
  return mulhsu(a, b);
}

// One AMO, LR or SC instruction (opcode 0x2f) with rs1's and rs2's values.
export function jitAmo(insn: u32, va: u64, src: u64): void {
  const w = T.codeWrites;
  amo(insn, (insn >>> 7) & 31, va, src);
  if (T.codeWrites != w) H.irqCheck = true;
}

// One OP-FP or fused multiply-add instruction; 0 after raising illegal-instruction
// (also while FP is off). Integer operands and results go through XREG.
export function jitFp(insn: u32): i32 {
  if (fsOff() || !execFp(insn)) {
    raise(CAUSE_ILLEGAL_INSN, <u64>insn);
    return 0;
  }
  return 1;
}

// What translated FP code did before leaving (called only when it did something): bit 0,
// it wrote an F register; bit 1, an inexact result (NX accrues).
export function jitFpDone(bits: i32): void {
  markFsDirty(); // accruing a flag changes FP state too
  if ((bits & 2) != 0) H.fflags |= FFLAG_NX;
}

// The dynamic rounding mode, read once by a translation with FP arithmetic (only a CSR
// write changes it, and those leave translated code).
export function jitFrm(): i32 {
  return <i32>H.frm;
}

// CSR access with the privilege checks of CSRRW & co (insn is the tval of a refusal).
export function jitCsrRead(csr: u32, insn: u32): u64 {
  return csrRead(csr, insn);
}

export function jitCsrWrite(csr: u32, v: u64, insn: u32): void {
  csrWrite(csr, v, insn);
}

export function jitRaise(cause: u64, tval: u64): void {
  raise(cause, tval);
}

// Bit 0: an exception is pending; bit 1: an event the run loop must serve.
export function jitStatus(): i32 {
  return (H.excPending ? 1 : 0) | (H.irqCheck ? 2 : 0);
}

// Enters the handler of the pending exception raised by the instruction at pc; returns
// the handler's pc.
export function jitTakeTrap(pc: u64): u64 {
  H.excPending = false;
  return takeTrap(H.excCause, H.excTval, pc, false);
}

// Physical address of the instruction at va as the current privilege fetches it, or
// all ones after raising the fetch fault.
export function jitFetchPa(va: u64): u64 {
  return translate(va, ACC_FETCH);
}

// Pages of translated code. Physical addresses as lo/hi halves, so the host needs no BigInt.
export function jitMarkCode(lo: u32, hi: u32): void {
  markCodePage((<u64>hi << 32) | <u64>lo);
}

export function jitIsCode(lo: u32, hi: u32): i32 {
  return isCodePage((<u64>hi << 32) | <u64>lo) ? 1 : 0;
}

// The host is about to write [off, off + len) of RAM (offsets from RAM's start): those
// pages lose their translations.
export function jitUnmark(off: u32, len: u32): void {
  unmarkRange(off, len);
}

// Every page loses its translations.
export function jitUnmarkAll(): void {
  codeFence();
}

// Stores (and host writes) that unmarked a page, and times every page was unmarked, since init.
export function jitCodeWrites(): u32 {
  return T.codeWrites;
}

export function jitCodeFences(): u32 {
  return T.codeFences;
}

// ---- dispatch: the interpreter hands block entries (targets of taken jumps) here ----
// The cache is direct-mapped on the host address of the entry (guest RAM is one
// contiguous host range, so that is the physical pc). An entry: host address u32,
// table index of the translation (0: none), executions seen, budget the block may use.
// A translation is valid while its page stays marked as code (mmu.ts).


export function jitEnable(on: i32, hot: u32): void {
  J.enabled = on != 0;
  if (hot > 0) J.hot = hot;
}

@inline function cacheEntry(h: u32): u32 {
  return JIT_CACHE + (((h >>> 1) & (JIT_CACHE_N - 1)) << 4);
}

@inline function hostMarked(h: u32): bool {
  const n = (h - RAM_HOST) >>> 12;
  return (load<u8>(CODE_PAGES + (n >>> 3)) & (<u8>1 << <u8>(n & 7))) != 0;
}

// Runs translated blocks from pc while there are any; returns the pc to go on from.
// Reads and writes run()'s budget at JIT_LEFT. Stops at a pending exception (pc is the
// instruction's) or an event (H.irqCheck).
export function jitDispatch(pc: u64): u64 {
  const pc0 = pc;
  for (;;) {
    const fe = T.fetch + ((<u32>(pc >>> 12) & (TLB_ENTRIES - 1)) << 4);
    if (load<u64>(fe) != (pc >>> 12)) break;
    const h = <u32>(pc + load<u64>(fe + 8));
    const c = cacheEntry(h);
    if (load<u32>(c) != h) { // evicts whatever was there
      store<u32>(c, h);
      store<i32>(c + 4, 0);
      store<u32>(c + 8, 0);
    }
    const fn = load<i32>(c + 4);
    if (fn == 0) {
      const cnt = load<u32>(c + 8) + 1;
      store<u32>(c + 8, cnt);
      if (cnt == J.hot) {
        const q = load<u32>(JIT_QLEN);
        if (q < JIT_QUEUE_N) {
          store<u32>(JIT_QUEUE + q * 16, h);
          store<u64>(JIT_QUEUE + q * 16 + 8, pc);
          store<u32>(JIT_QLEN, q + 1);
        } else store<u32>(c + 8, 0);
      }
      break;
    }
    const meta = load<u32>(c + 12); // budget it needs; bit 16: it has FP instructions
    if (load<i32>(JIT_LEFT) < <i32>(meta & 0xffff)) break;
    if ((meta & 0x10000) != 0 && fsOff()) break; // the interpreter raises
    if (!hostMarked(h)) { // its page was written or fenced: translate again when hot
      store<i32>(c + 4, 0);
      store<u32>(c + 8, 0);
      break;
    }
    const left = load<i32>(JIT_LEFT);
    pc = call_indirect<u64>(<u32>fn, pc);
    store<u64>(JIT_STATS, load<u64>(JIT_STATS) + 1);
    store<u64>(JIT_STATS + 16, load<u64>(JIT_STATS + 16) + <u64>(left - load<i32>(JIT_LEFT)));
    if (H.excPending || H.irqCheck) return pc;
  }
  if (pc == pc0) store<u64>(JIT_STATS + 8, load<u64>(JIT_STATS + 8) + 1);
  return pc;
}

// Entries queued for translation (host address, pc): the host reads them from JIT_QUEUE.
export function jitQueueLen(): u32 {
  return load<u32>(JIT_QLEN);
}

export function jitQueueClear(): void {
  store<u32>(JIT_QLEN, 0);
}

// Installs table index fn (0: none; the entry then waits until it is evicted) as the
// translation of the block at host address h using up to len instructions of budget
// (low 16 bits; bit 16 set when the block has FP instructions).
// A page marked afresh first loses translations made before it was unmarked.
// Returns 1 when the page was marked afresh (the host's older translations of it are stale).
export function jitInstall(h: u32, fn: i32, len: i32): i32 {
  const pa = <u64>(h - RAM_HOST) + RAM_BASE;
  let fresh = 0;
  if (fn != 0 && !isCodePage(pa)) {
    fresh = 1;
    const page = h >>> 12;
    for (let c = JIT_CACHE; c < JIT_CACHE + JIT_CACHE_N * 16; c += 16) {
      if (load<u32>(c) >>> 12 == page) store<i32>(c + 4, 0);
    }
    markCodePage(pa);
  }
  const c = cacheEntry(h);
  store<u32>(c, h);
  store<i32>(c + 4, fn);
  store<u32>(c + 8, J.hot + 1);
  store<i32>(c + 12, len);
  return fresh;
}

// Still marked since the host last saw it marked afresh (host address h).
export function jitPageMarked(h: u32): i32 {
  return hostMarked(h) ? 1 : 0;
}

// Drops every translation (the host reuses table slots).
export function jitFlush(): void {
  memory.fill(JIT_CACHE, 0, JIT_CACHE_N * 16);
  store<u32>(JIT_QLEN, 0);
}

// Blocks run by the dispatcher since init (low, high halves).
export function jitBlocksLo(): u32 {
  return <u32>load<u64>(JIT_STATS);
}
export function jitBlocksHi(): u32 {
  return <u32>(load<u64>(JIT_STATS) >>> 32);
}
// Instructions run (or trapped) in translated code.
export function jitInsnsLo(): u32 {
  return <u32>load<u64>(JIT_STATS + 16);
}
export function jitInsnsHi(): u32 {
  return <u32>(load<u64>(JIT_STATS + 16) >>> 32);
}
// Jump targets the dispatcher found no translation for.
export function jitMissesLo(): u32 {
  return <u32>load<u64>(JIT_STATS + 8);
}
export function jitMissesHi(): u32 {
  return <u32>(load<u64>(JIT_STATS + 8) >>> 32);
}
