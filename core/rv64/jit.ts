// What code translated from guest instructions needs from the core, exported so that a
// generated wasm module imports it from the core's instance (index.ts re-exports all of
// this): the slow paths the interpreter takes (loads and stores through the MMU, AMOs,
// CSRs, FP, traps) and the record of which pages hold translated code (mmu.ts).
//
// Contract for generated code: registers live at XREG/FREG in the shared memory; a slow
// path that traps sets a pending exception (jitStatus bit 0) and changes no register
// the instruction writes; bit 1 means an event (interrupt line, privilege or translation
// change, HTIF) that the run loop must look at before the next instruction.

import { H, raise } from "./state";
import { loadSlow, storeSlow, translate, ACC_FETCH, markCodePage, isCodePage, T } from "./mmu";
import { csrRead, csrWrite, takeTrap } from "./csr";
import { execFp } from "./fpu";
import { amo } from "./cpu";

// Unsigned little-endian value of `size` (1, 2, 4, 8) bytes at va.
export function jitLoad(va: u64, size: u32): u64 {
  return loadSlow(va, size);
}

export function jitStore(va: u64, v: u64, size: u32): void {
  storeSlow(va, v, size);
}

// One AMO, LR or SC instruction (opcode 0x2f) with rs1's and rs2's values.
export function jitAmo(insn: u32, va: u64, src: u64): void {
  amo(insn, (insn >>> 7) & 31, va, src);
}

// One OP-FP or fused multiply-add instruction; 0 when the encoding is illegal.
export function jitFp(insn: u32): i32 {
  return execFp(insn) ? 1 : 0;
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

// Stores that unmarked a page, and fences that unmarked every page, since init.
export function jitCodeWrites(): u32 {
  return T.codeWrites;
}

export function jitCodeFences(): u32 {
  return T.codeFences;
}
