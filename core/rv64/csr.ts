// Control and status registers, trap entry and return, interrupt selection.

import {
  H, raise, PRV_M, PRV_S, PRV_U,
  MSTATUS_SIE, MSTATUS_MIE, MSTATUS_SPIE, MSTATUS_MPIE, MSTATUS_SPP, MSTATUS_MPP, MSTATUS_MPP_SHIFT,
  MSTATUS_FS, MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_TSR,
  MSTATUS_UXL, MSTATUS_SD, CAUSE_ILLEGAL_INSN,
  IRQ_SSI, IRQ_MSI, IRQ_STI, IRQ_MTI, IRQ_SEI, IRQ_MEI, PMP_ADDR, PMP_CFG,
} from "./state";
import { T, updateCtx, tlbFlushAll, timeNow } from "./mmu";
import { Trig, TINFO, tdata1Read, tdata2Read, tselectWrite, tdata1Write, tdata2Write } from "./trigger";

const MSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
  MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_MASK: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR |
  MSTATUS_UXL | MSTATUS_SD;
const SSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
const MIP_WRITABLE: u64 = IRQ_SSI | IRQ_STI | IRQ_SEI;
const MIE_WRITABLE: u64 = IRQ_SSI | IRQ_MSI | IRQ_STI | IRQ_MTI | IRQ_SEI | IRQ_MEI;
const MIDELEG_WRITABLE: u64 = IRQ_SSI | IRQ_STI | IRQ_SEI;
// Every exception except ecall from M (11) and the reserved 10 and 14.
const MEDELEG_WRITABLE: u64 = 0xb3ff;
const COUNTEREN_MASK: u32 = 0xffffffff;

// RV64IMAFDC + S + U: rv64 (MXL=2), letters A C D F I M S U.
export const MISA: u64 = ((<u64>2) << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) |
  (1 << 18) | (1 << 20);

export function mstatusRead(): u64 {
  // UXL = SXL = 2: both 64-bit, read-only.
  let v = H.mstatus | ((<u64>2) << 32) | ((<u64>2) << 34);
  if ((v & MSTATUS_FS) == MSTATUS_FS) v |= MSTATUS_SD;
  return v;
}

function mstatusWrite(v: u64): void {
  const old = H.mstatus;
  let n = (old & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
  // MPP is WARL: the reserved value 2 reads back as U.
  if (((n & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) == 2) n &= ~MSTATUS_MPP;
  H.mstatus = n;
  const changed = old ^ n;
  if ((changed & MSTATUS_MXR) != 0) tlbFlushAll();
  if ((changed & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM)) != 0) updateCtx();
  H.irqCheck = true;
}

// Pending interrupts: software-writable bits plus the lines devices and timers drive.
@inline export function mipRead(): u64 {
  return H.mip | T.lines;
}

// Counter access from S or U: mcounteren (and scounteren for U) must allow it.
function counterAllowed(bit: u32): bool {
  if (H.priv == PRV_M) return true;
  if ((H.mcounteren & (1 << bit)) == 0) return false;
  if (H.priv == PRV_U && (H.scounteren & (1 << bit)) == 0) return false;
  return true;
}

// Reads a CSR for the current privilege; raises illegal instruction (tval = insn) when not allowed.
export function csrRead(csr: u32, insn: u32): u64 {
  if (((csr >>> 8) & 3) > H.priv) {
    raise(CAUSE_ILLEGAL_INSN, <u64>insn);
    return 0;
  }
  switch (csr) {
    case 0x001: if ((H.mstatus & MSTATUS_FS) == 0) break; return <u64>H.fflags;
    case 0x002: if ((H.mstatus & MSTATUS_FS) == 0) break; return <u64>H.frm;
    case 0x003: if ((H.mstatus & MSTATUS_FS) == 0) break; return <u64>(H.fflags | (H.frm << 5));
    case 0xc00: if (!counterAllowed(0)) break; return H.instret + H.cycleOff;
    case 0xc02: if (!counterAllowed(2)) break; return H.instret;
    case 0xc01: if (!counterAllowed(1)) break; return timeNow();
    case 0x100: return mstatusRead() & SSTATUS_MASK;
    case 0x104: return H.mie & H.mideleg;
    case 0x105: return H.stvec;
    case 0x106: return <u64>H.scounteren;
    case 0x10a: return H.senvcfg;
    case 0x140: return H.sscratch;
    case 0x141: return H.sepc;
    case 0x142: return H.scause;
    case 0x143: return H.stval;
    case 0x144: return mipRead() & H.mideleg;
    case 0x180:
      if (H.priv == PRV_S && (H.mstatus & MSTATUS_TVM) != 0) break;
      return H.satp;
    case 0xf11: case 0xf12: case 0xf13: case 0xf14: case 0xf15: return 0;
    case 0x300: return mstatusRead();
    case 0x301: return MISA;
    case 0x302: return H.medeleg;
    case 0x303: return H.mideleg;
    case 0x304: return H.mie;
    case 0x305: return H.mtvec;
    case 0x306: return <u64>H.mcounteren;
    case 0x30a: return H.menvcfg;
    case 0x320: return <u64>H.mcountinhibit;
    case 0x340: return H.mscratch;
    case 0x341: return H.mepc;
    case 0x342: return H.mcause;
    case 0x343: return H.mtval;
    case 0x344: return mipRead();
    case 0x34a: return 0; // mtinst
    case 0x7a0: return <u64>Trig.select;
    case 0x7a1: return tdata1Read();
    case 0x7a2: return tdata2Read();
    case 0x7a3: return 0; // tdata3: no textra matching
    case 0x7a4: return TINFO;
    case 0xb00: return H.instret + H.cycleOff;
    case 0xb02: return H.instret;
    default: {
      if (csr >= 0xc03 && csr <= 0xc1f) {
        if (!counterAllowed(csr & 31)) break;
        return 0;
      }
      if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) return 0;
      if (csr >= 0x3a0 && csr <= 0x3af) {
        if ((csr & 1) != 0) break; // odd pmpcfg do not exist on RV64
        return load<u64>(PMP_CFG + ((csr - 0x3a0) >>> 1 << 3));
      }
      if (csr >= 0x3b0 && csr <= 0x3ef) return load<u64>(PMP_ADDR + ((csr - 0x3b0) << 3));
    }
  }
  raise(CAUSE_ILLEGAL_INSN, <u64>insn);
  return 0;
}

// Writes a CSR (the caller has checked read permission via csrRead or the number's bits).
export function csrWrite(csr: u32, v: u64, insn: u32): void {
  if ((csr >>> 10) == 3 || ((csr >>> 8) & 3) > H.priv) {
    raise(CAUSE_ILLEGAL_INSN, <u64>insn);
    return;
  }
  switch (csr) {
    case 0x001: if ((H.mstatus & MSTATUS_FS) == 0) break; H.fflags = <u32>v & 31; H.mstatus |= MSTATUS_FS; return;
    case 0x002: if ((H.mstatus & MSTATUS_FS) == 0) break; H.frm = <u32>v & 7; H.mstatus |= MSTATUS_FS; return;
    case 0x003:
      if ((H.mstatus & MSTATUS_FS) == 0) break;
      H.fflags = <u32>v & 31;
      H.frm = (<u32>v >>> 5) & 7;
      H.mstatus |= MSTATUS_FS;
      return;
    case 0x100: mstatusWrite((H.mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE)); return;
    case 0x104: H.mie = (H.mie & ~H.mideleg) | (v & H.mideleg & MIE_WRITABLE); H.irqCheck = true; return;
    case 0x105: H.stvec = v & ~(<u64>2); return;
    case 0x106: H.scounteren = <u32>v & COUNTEREN_MASK; return;
    case 0x10a: H.senvcfg = v & 1; return;
    case 0x140: H.sscratch = v; return;
    case 0x141: H.sepc = v & ~(<u64>1); return;
    case 0x142: H.scause = v; return;
    case 0x143: H.stval = v; return;
    case 0x144: {
      const m = H.mideleg & IRQ_SSI;
      H.mip = (H.mip & ~m) | (v & m);
      H.irqCheck = true;
      return;
    }
    case 0x180: {
      if (H.priv == PRV_S && (H.mstatus & MSTATUS_TVM) != 0) break;
      const mode = v >>> 60;
      // Only Bare and Sv39: other modes leave satp unchanged (WARL), so kernels fall back.
      if (mode != 0 && mode != 8) return;
      const n = v & (((<u64>0xf) << 60) | ((<u64>0xffff) << 44) | 0xfffffffffff);
      if (n != H.satp) {
        H.satp = n;
        tlbFlushAll();
        updateCtx();
      }
      return;
    }
    case 0x300: mstatusWrite(v); return;
    case 0x301: return; // misa: fixed
    case 0x302: H.medeleg = v & MEDELEG_WRITABLE; return;
    case 0x303: H.mideleg = v & MIDELEG_WRITABLE; H.irqCheck = true; return;
    case 0x304: H.mie = v & MIE_WRITABLE; H.irqCheck = true; return;
    case 0x305: H.mtvec = v & ~(<u64>2); return;
    case 0x306: H.mcounteren = <u32>v & COUNTEREN_MASK; return;
    case 0x30a: H.menvcfg = v & 1; return;
    case 0x320: H.mcountinhibit = <u32>v & 0xfffffffd; return;
    case 0x340: H.mscratch = v; return;
    case 0x341: H.mepc = v & ~(<u64>1); return;
    case 0x342: H.mcause = v; return;
    case 0x343: H.mtval = v; return;
    case 0x344: H.mip = (H.mip & ~MIP_WRITABLE) | (v & MIP_WRITABLE); H.irqCheck = true; return;
    case 0x34a: return;
    case 0x7a0: tselectWrite(v); return;
    case 0x7a1: if (tdata1Write(v)) tlbFlushAll(); return;
    case 0x7a2: tdata2Write(v); return;
    case 0x7a3: case 0x7a4: return; // tdata3 and tinfo: writes are ignored
    // A counter write is what the next instruction reads: the writing instruction's own
    // increment of that counter is suppressed, the other counter still counts it. A CSR
    // instruction (insn != 0) retires; a write by the host (insn 0) is between instructions.
    case 0xb00: H.cycleOff = v - H.instret - (insn != 0 ? 1 : 0); return;
    case 0xb02: {
      const next = H.instret + (insn != 0 ? 1 : 0);
      H.cycleOff += next - v; // mcycle goes on counting
      H.instret = v;
      H.instretWritten = insn != 0;
      return;
    }
    default: {
      if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) return;
      if (csr >= 0x3a0 && csr <= 0x3af) {
        if ((csr & 1) != 0) break;
        // Locked-free WARL: keep the bits, drop the reserved ones (bits 5-6 of each byte).
        store<u64>(PMP_CFG + ((csr - 0x3a0) >>> 1 << 3), v & 0x9f9f9f9f9f9f9f9f);
        return;
      }
      if (csr >= 0x3b0 && csr <= 0x3ef) {
        store<u64>(PMP_ADDR + ((csr - 0x3b0) << 3), v & 0x3fffffffffffff);
        return;
      }
    }
  }
  raise(CAUSE_ILLEGAL_INSN, <u64>insn);
}

// Enters the trap handler for an exception (interrupt = false) or interrupt; pc is the faulting pc.
// Returns the new pc.
export function takeTrap(cause: u64, tval: u64, pc: u64, interrupt: bool): u64 {
  const priv = H.priv;
  const deleg = interrupt ? H.mideleg : H.medeleg;
  const bit = (<u64>1) << (cause & 63);
  let npc: u64;
  if (priv <= PRV_S && (deleg & bit) != 0) {
    H.scause = interrupt ? (cause | ((<u64>1) << 63)) : cause;
    H.sepc = pc;
    H.stval = tval;
    let s = H.mstatus;
    s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) != 0 ? MSTATUS_SPIE : 0);
    s = (s & ~MSTATUS_SPP) | (priv == PRV_S ? MSTATUS_SPP : 0);
    s &= ~MSTATUS_SIE;
    H.mstatus = s;
    H.priv = PRV_S;
    const base = H.stvec & ~(<u64>3);
    npc = (interrupt && (H.stvec & 1) != 0) ? base + 4 * cause : base;
  } else {
    H.mcause = interrupt ? (cause | ((<u64>1) << 63)) : cause;
    H.mepc = pc;
    H.mtval = tval;
    let s = H.mstatus;
    s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) != 0 ? MSTATUS_MPIE : 0);
    s = (s & ~MSTATUS_MPP) | (<u64>priv << MSTATUS_MPP_SHIFT);
    s &= ~MSTATUS_MIE;
    H.mstatus = s;
    H.priv = PRV_M;
    const base = H.mtvec & ~(<u64>3);
    npc = (interrupt && (H.mtvec & 1) != 0) ? base + 4 * cause : base;
  }
  H.resValid = false;
  updateCtx();
  H.irqCheck = true;
  return npc;
}

// MRET: returns the new pc.
export function mret(): u64 {
  let s = H.mstatus;
  const mpp = <u32>((s & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT);
  s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) != 0 ? MSTATUS_MIE : 0);
  s |= MSTATUS_MPIE;
  s &= ~MSTATUS_MPP; // MPP = U (least privileged)
  if (mpp != PRV_M) s &= ~MSTATUS_MPRV;
  H.mstatus = s;
  H.priv = mpp;
  H.resValid = false;
  updateCtx();
  H.irqCheck = true;
  return H.mepc;
}

export function sret(): u64 {
  let s = H.mstatus;
  const spp = (s & MSTATUS_SPP) != 0 ? PRV_S : PRV_U;
  s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) != 0 ? MSTATUS_SIE : 0);
  s |= MSTATUS_SPIE;
  s &= ~MSTATUS_SPP;
  s &= ~MSTATUS_MPRV; // returning below M clears MPRV
  H.mstatus = s;
  H.priv = spp;
  H.resValid = false;
  updateCtx();
  H.irqCheck = true;
  return H.sepc;
}

// The highest-priority interrupt that can be taken now, or -1.
export function pendingInterrupt(): i32 {
  const pending = mipRead() & H.mie;
  if (pending == 0) return -1;
  const priv = H.priv;
  const mEnabled = priv < PRV_M || (H.mstatus & MSTATUS_MIE) != 0;
  const sEnabled = priv < PRV_S || (priv == PRV_S && (H.mstatus & MSTATUS_SIE) != 0);
  let take: u64 = 0;
  if (mEnabled) take = pending & ~H.mideleg;
  if (take == 0 && sEnabled) take = pending & H.mideleg;
  if (take == 0) return -1;
  // Priority: MEI, MSI, MTI, SEI, SSI, STI.
  if ((take & IRQ_MEI) != 0) return 11;
  if ((take & IRQ_MSI) != 0) return 3;
  if ((take & IRQ_MTI) != 0) return 7;
  if ((take & IRQ_SEI) != 0) return 9;
  if ((take & IRQ_SSI) != 0) return 1;
  if ((take & IRQ_STI) != 0) return 5;
  return -1;
}

export { PRV_M };
