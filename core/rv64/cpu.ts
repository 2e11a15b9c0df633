// The interpreter: fetch through the TLB, expand compressed forms by table, execute.
//
// run() keeps pc and the budget in locals; everything an instruction can change
// that matters outside (privilege, interrupt enables, device lines, HTIF) sets
// H.irqCheck, which the loop tests only where it can have been set (see run()).

import {
  H, XREG, getX, setX, getF, setF, raise, markFsDirty, fsOff,
  SLOT_PC, SLOT_PRIV, SLOT_INSTRET, SLOT_MTIME, SLOT_STIMECMP, TIME_SHIFT,
  EXIT_BUDGET, EXIT_WFI, EXIT_SBI, PRV_M, PRV_S, PRV_U,
  MSTATUS_TSR, MSTATUS_TW, MSTATUS_TVM,
  CAUSE_ILLEGAL_INSN, CAUSE_BREAKPOINT, CAUSE_ECALL_U, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE,
  IRQ_STI,
} from "./state";
import {
  T, TLB_ENTRIES, loadSlow, storeSlow, amoHost, lrHost, fetchHost,
  updateCtx, refreshTohost, updateTimerLines, tlbFlushAll, tlbFlushPage, timeNow,
} from "./mmu";
import { csrRead, csrWrite, takeTrap, mret, sret, pendingInterrupt, mipRead } from "./csr";
import { Trig, TRIG_LOAD, TRIG_STORE, TRIG_EXEC, trigFire } from "./trigger";
import { RVC_TABLE } from "./state";
import { execFp } from "./fpu";
import { jitDispatch } from "./jit";
import { J, JIT_LEFT } from "./state";
import {
  OP_LOAD, OP_LOAD_FP, OP_MISC_MEM, OP_IMM, OP_AUIPC, OP_IMM_32, OP_STORE, OP_STORE_FP, OP_AMO, OP_OP, OP_LUI,
  OP_OP_32, OP_MADD, OP_MSUB, OP_NMSUB, OP_NMADD, OP_FP, OP_BRANCH, OP_JALR, OP_JAL, OP_SYSTEM,
  opcode, rdOf, rs1Of, rs2Of, funct3, funct5, funct6, funct7, csrOf, immI, immS, immB, immU, immJ, immI32, shamt5,
} from "./decode";

// High halves of 64x64 products; shared with the translator's imports (jit.ts).
@inline export function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >>> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >>> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >>> 32) + (p10 >>> 32) + (mid >>> 32);
}

@inline export function mulh(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  if (<i64>b < 0) r -= a;
  return r;
}

@inline export function mulhsu(a: u64, b: u64): u64 {
  let r = mulhu(a, b);
  if (<i64>a < 0) r -= b;
  return r;
}

@inline function sx32(v: u64): u64 {
  return <u64><i64><i32>v;
}

// Second half of fetch: page-crossing or TLB miss. Returns the raw instruction
// (16 or 32 bits) or raises.
function fetchSlow(pc: u64): u32 {
  // an execute trigger comes before any fault of the fetch
  if ((Trig.armed & TRIG_EXEC) != 0 && trigFire(TRIG_EXEC, pc, 1)) return 0;
  const h = fetchHost(pc);
  if (h == 0) return 0;
  const lo = <u32>load<u16>(h);
  if ((lo & 3) != 3) return lo;
  if ((<u32>pc & 0xfff) == 0xffe) {
    const h2 = fetchHost(pc + 2);
    if (h2 == 0) return 0;
    return lo | (<u32>load<u16>(h2) << 16);
  }
  return lo | (<u32>load<u16>(h + 2) << 16);
}

// An AMO, LR or SC (the whole instruction; rd written unless it traps).
export function amo(insn: u32, rd: u32, va: u64, src: u64): void {
  const f3 = funct3(insn);
  const f5 = funct5(insn);
  const isD = f3 == 3;
  if (f3 != 2 && f3 != 3) {
    raise(CAUSE_ILLEGAL_INSN, <u64>insn);
    return;
  }
  const size: u32 = isD ? 8 : 4;
  if (f5 == 2) { // LR
    if (rs2Of(insn) != 0) {
      raise(CAUSE_ILLEGAL_INSN, <u64>insn);
      return;
    }
    // triggers: after illegal encodings, before misalignment and faults
    if (Trig.armed != 0 && trigFire(TRIG_LOAD, va, size)) return;
    if ((va & (size - 1)) != 0) {
      raise(CAUSE_MISALIGNED_LOAD, va);
      return;
    }
    const h = lrHost(va);
    if (h == 0) return;
    setX(rd, isD ? load<u64>(h) : sx32(<u64>load<u32>(h)));
    H.resValid = true;
    H.resAddr = va;
    return;
  }
  if (f5 == 3) { // SC
    if (Trig.armed != 0 && trigFire(TRIG_STORE, va, size)) return;
    if ((va & (size - 1)) != 0) {
      raise(CAUSE_MISALIGNED_STORE, va);
      return;
    }
    if (!H.resValid || H.resAddr != va) {
      H.resValid = false;
      setX(rd, 1);
      return;
    }
    H.resValid = false;
    const h = amoHost(va, size);
    if (h == 0) return;
    if (isD) store<u64>(h, src);
    else store<u32>(h, <u32>src);
    setX(rd, 0);
    return;
  }
  switch (f5) {
    case 0x00: case 0x01: case 0x04: case 0x08: case 0x0c:
    case 0x10: case 0x14: case 0x18: case 0x1c: break;
    default:
      raise(CAUSE_ILLEGAL_INSN, <u64>insn);
      return;
  }
  if (Trig.armed != 0 && trigFire(TRIG_LOAD | TRIG_STORE, va, size)) return; // an AMO loads and stores
  if ((va & (size - 1)) != 0) {
    raise(CAUSE_MISALIGNED_STORE, va);
    return;
  }
  const h = amoHost(va, size);
  if (h == 0) return;
  if (isD) {
    const old = load<u64>(h);
    let n: u64;
    switch (f5) {
      case 0x00: n = old + src; break;
      case 0x01: n = src; break;
      case 0x04: n = old ^ src; break;
      case 0x0c: n = old & src; break;
      case 0x08: n = old | src; break;
      case 0x10: n = <i64>old < <i64>src ? old : src; break;
      case 0x14: n = <i64>old > <i64>src ? old : src; break;
      case 0x18: n = old < src ? old : src; break;
      default: n = old > src ? old : src; break;
    }
    store<u64>(h, n);
    setX(rd, old);
  } else {
    const old = load<u32>(h);
    const s = <u32>src;
    let n: u32;
    switch (f5) {
      case 0x00: n = old + s; break;
      case 0x01: n = s; break;
      case 0x04: n = old ^ s; break;
      case 0x0c: n = old & s; break;
      case 0x08: n = old | s; break;
      case 0x10: n = <i32>old < <i32>s ? old : s; break;
      case 0x14: n = <i32>old > <i32>s ? old : s; break;
      case 0x18: n = old < s ? old : s; break;
      default: n = old > s ? old : s; break;
    }
    store<u32>(h, n);
    setX(rd, sx32(<u64>old));
  }
}

// Stores the supervisor-timer line from the host's time (SBI set_timer writes stimecmp).
function updateSupervisorTimer(): void {
  if (H.sbiMode) {
    if (H.mtime >= load<u64>(SLOT_STIMECMP)) T.lines |= IRQ_STI;
    else T.lines &= ~IRQ_STI;
  }
}

// Register write without the x0 test: run() zeroes x0 before each instruction.
@inline function wX(r: u32, v: u64): void {
  store<u64>(XREG + (r << 3), v);
}

const NO_PAGE: u64 = 0xffffffffffffffff;

// run(): the hot loop keeps pc, the remaining budget n and the fetch page in locals
// and tests nothing global per instruction. Whatever needs attention (a trap, an
// event that may make an interrupt takeable or must end run(), an exit to the host)
// is noticed where it can arise (slow memory paths, SYSTEM, AMO, FP, illegal
// encodings), which leave the hot loop by storing ~n (negative) in n; the outer
// loop restores n and deals with it.
export function run(budget: i32): i32 {
  let pc = load<u64>(SLOT_PC);
  const slotPriv = load<u32>(SLOT_PRIV);
  if (slotPriv != H.priv) {
    H.priv = slotPriv;
    updateCtx();
  }
  refreshTohost();
  const hostTime = load<u64>(SLOT_MTIME);
  if (hostTime > H.mtime) H.mtime = hostTime;
  updateTimerLines();
  updateSupervisorTimer();
  T.stopReason = -1;
  H.irqCheck = true;
  H.excPending = false;
  let instretBase = H.instret;
  let n = budget;
  T.runBudget = budget;
  T.runLeft = budget;
  let reason = EXIT_BUDGET;
  let exitReason: i32 = -1;
  let trapped: i32 = 0;
  let fVpn: u64 = NO_PAGE;
  let fAdd: u64 = 0;

  for (;;) {
    // ---- events (outside the hot loop) ----
    store<u64>(XREG, 0);
    if (n < 0) n = ~n;
    if (H.excPending) {
      H.excPending = false;
      trapped++; // instructions that trap do not retire (but still use budget)
      pc = takeTrap(H.excCause, H.excTval, pc, false);
      fVpn = NO_PAGE;
    }
    if (exitReason >= 0) {
      reason = exitReason;
      break;
    }
    if (H.irqCheck) {
      H.irqCheck = false;
      fVpn = NO_PAGE;
      if (T.stopReason >= 0) {
        reason = T.stopReason;
        break;
      }
      if (n <= 0) break;
      const irq = pendingInterrupt();
      if (irq >= 0) pc = takeTrap(<u64>irq, 0, pc, true);
    }
    if (n <= 0) break;

    // ---- the hot loop ----
    while (n > 0) {
      n--;
      store<u64>(XREG, 0); // the loop writes rd unconditionally

      // ---- fetch ----
      // The page of the last fetch is cached in locals; anything that can change
      // translation (SYSTEM instructions, traps, events) drops it.
      let insn: u32;
      if ((pc >>> 12) == fVpn) {
        insn = load<u32>(<u32>(pc + fAdd));
      } else {
        const fe = T.fetch + ((<u32>(pc >>> 12) & (TLB_ENTRIES - 1)) << 4);
        if (load<u64>(fe) == (pc >>> 12)) {
          fVpn = pc >>> 12;
          fAdd = load<u64>(fe + 8);
          insn = load<u32>(<u32>(pc + fAdd));
        } else {
          T.runLeft = n;
          insn = fetchSlow(pc);
          if (H.excPending) { // a fetch that faults retires nothing
            n = ~n;
            continue;
          }
        }
      }
      // Up to here 4 bytes were read from the fetch page (RAM is followed by slack);
      // a 32-bit instruction in its last 2 bytes takes its upper half from the next page.
      let ilen: u64 = 4;
      if ((insn & 3) != 3) {
        const x = load<u32>(RVC_TABLE + ((insn & 0xffff) << 2));
        if (x == 0) {
          raise(CAUSE_ILLEGAL_INSN, <u64>(insn & 0xffff));
          n = ~n;
          continue;
        }
        insn = x;
        ilen = 2;
      } else if ((<u32>pc & 0xfff) == 0xffe) {
        T.runLeft = n;
        insn = fetchSlow(pc);
        if (H.excPending) {
          n = ~n;
          continue;
        }
      }

      // ---- execute ----
      const rd = rdOf(insn);
      const rs1 = rs1Of(insn);
      const rs2 = rs2Of(insn);
      const f3 = funct3(insn);
      let npc = pc + ilen;
      let jump = false;
      switch (opcode(insn)) {
        case OP_IMM: {
          const a = getX(rs1);
          const imm = immI(insn);
          let r: u64;
          switch (f3) {
            case 0: r = a + imm; break;
            case 1:
              if (funct6(insn) != 0) {
                raise(CAUSE_ILLEGAL_INSN, <u64>insn);
                n = ~n;
                continue;
              }
              r = a << (imm & 63);
              break;
            case 2: r = <i64>a < <i64>imm ? 1 : 0; break;
            case 3: r = a < imm ? 1 : 0; break;
            case 4: r = a ^ imm; break;
            case 5: {
              const top = funct6(insn);
              if (top == 0) r = a >>> (imm & 63);
              else if (top == 0x10) r = <u64>(<i64>a >> <i64>(imm & 63));
              else {
                raise(CAUSE_ILLEGAL_INSN, <u64>insn);
                n = ~n;
                continue;
              }
              break;
            }
            case 6: r = a | imm; break;
            default: r = a & imm; break;
          }
          wX(rd, r);
          break;
        }
        case OP_OP: {
          const a = getX(rs1);
          const b = getX(rs2);
          const f7 = funct7(insn);
          let r: u64 = 0;
          if (f7 == 0) {
            switch (f3) {
              case 0: r = a + b; break;
              case 1: r = a << (b & 63); break;
              case 2: r = <i64>a < <i64>b ? 1 : 0; break;
              case 3: r = a < b ? 1 : 0; break;
              case 4: r = a ^ b; break;
              case 5: r = a >>> (b & 63); break;
              case 6: r = a | b; break;
              default: r = a & b; break;
            }
          } else if (f7 == 0x20 && f3 == 0) r = a - b;
          else if (f7 == 0x20 && f3 == 5) r = <u64>(<i64>a >> <i64>(b & 63));
          else if (f7 == 1) {
            switch (f3) {
              case 0: r = a * b; break;
              case 1: r = mulh(a, b); break;
              case 2: r = mulhsu(a, b); break;
              case 3: r = mulhu(a, b); break;
              case 4:
                if (b == 0) r = 0xffffffffffffffff;
                else if (a == 0x8000000000000000 && b == 0xffffffffffffffff) r = a;
                else r = <u64>(<i64>a / <i64>b);
                break;
              case 5: r = b == 0 ? 0xffffffffffffffff : a / b; break;
              case 6:
                if (b == 0) r = a;
                else if (a == 0x8000000000000000 && b == 0xffffffffffffffff) r = 0;
                else r = <u64>(<i64>a % <i64>b);
                break;
              default: r = b == 0 ? a : a % b; break;
            }
          } else {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          wX(rd, r);
          break;
        }
        case OP_LOAD: {
          const va = getX(rs1) + immI(insn);
          const e = T.load + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
          let r: u64;
          if (load<u64>(e) == (va >>> 12) && (<u32>va & 0xfff) <= 0xff8) {
            const h = <u32>(va + load<u64>(e + 8));
            switch (f3) {
              case 0: r = <u64><i64>load<i8>(h); break;
              case 1: r = <u64><i64>load<i16>(h); break;
              case 2: r = <u64><i64>load<i32>(h); break;
              case 3: r = load<u64>(h); break;
              case 4: r = <u64>load<u8>(h); break;
              case 5: r = <u64>load<u16>(h); break;
              case 6: r = <u64>load<u32>(h); break;
              default:
                raise(CAUSE_ILLEGAL_INSN, <u64>insn);
                n = ~n;
                continue;
            }
          } else {
            if (f3 == 7) {
              raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              n = ~n;
              continue;
            }
            T.runLeft = n;
            r = loadSlow(va, (<u32>1) << (f3 & 3));
            if (f3 < 3) {
              const sh = <u64>(64 - (8 << f3));
              r = <u64>((<i64>(r << sh)) >> <i64>sh);
            }
            if (H.excPending) {
              n = ~n;
              continue;
            }
            if (H.irqCheck) n = ~n; // e.g. a device read changed interrupt lines
          }
          wX(rd, r);
          break;
        }
        case OP_STORE: {
          const va = getX(rs1) + immS(insn);
          const v = getX(rs2);
          const e = T.store + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
          if (load<u64>(e) == (va >>> 12) && (<u32>va & 0xfff) <= 0xff8) {
            const h = <u32>(va + load<u64>(e + 8));
            switch (f3) {
              case 0: store<u8>(h, <u8>v); break;
              case 1: store<u16>(h, <u16>v); break;
              case 2: store<u32>(h, <u32>v); break;
              case 3: store<u64>(h, v); break;
              default:
                raise(CAUSE_ILLEGAL_INSN, <u64>insn);
                n = ~n;
                continue;
            }
          } else {
            if (f3 > 3) {
              raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              n = ~n;
              continue;
            }
            T.runLeft = n;
            storeSlow(va, v, (<u32>1) << f3);
            if (H.excPending) {
              n = ~n;
              continue;
            }
            if (H.irqCheck) n = ~n; // device write, HTIF tohost
          }
          break;
        }
        case OP_BRANCH: {
          const a = getX(rs1);
          const b = getX(rs2);
          let taken: bool;
          switch (f3) {
            case 0: taken = a == b; break;
            case 1: taken = a != b; break;
            case 4: taken = <i64>a < <i64>b; break;
            case 5: taken = <i64>a >= <i64>b; break;
            case 6: taken = a < b; break;
            case 7: taken = a >= b; break;
            default:
              raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              n = ~n;
              continue;
          }
          if (taken) {
            npc = pc + immB(insn);
            jump = true;
          }
          break;
        }
        case OP_LUI: wX(rd, immU(insn)); break;
        case OP_AUIPC: wX(rd, pc + immU(insn)); break;
        case OP_JAL: {
          wX(rd, npc);
          npc = pc + immJ(insn);
          jump = true;
          break;
        }
        case OP_JALR: {
          if (f3 != 0) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          const t = (getX(rs1) + immI(insn)) & ~(<u64>1);
          wX(rd, npc);
          npc = t;
          jump = true;
          break;
        }
        case OP_IMM_32: {
          const a = <u32>getX(rs1);
          const sh = shamt5(insn);
          const f7 = funct7(insn);
          if (f3 == 0) wX(rd, sx32(<u64>(a + immI32(insn))));
          else if (f3 == 1 && f7 == 0) wX(rd, sx32(<u64>(a << sh)));
          else if (f3 == 5 && f7 == 0) wX(rd, sx32(<u64>(a >>> sh)));
          else if (f3 == 5 && f7 == 0x20) wX(rd, <u64><i64>(<i32>a >> sh));
          else {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          break;
        }
        case OP_OP_32: {
          const a = <u32>getX(rs1);
          const b = <u32>getX(rs2);
          const f7 = funct7(insn);
          let r: u32 = 0;
          let ok = true;
          if (f7 == 0) {
            if (f3 == 0) r = a + b;
            else if (f3 == 1) r = a << (b & 31);
            else if (f3 == 5) r = a >>> (b & 31);
            else ok = false;
          } else if (f7 == 0x20) {
            if (f3 == 0) r = a - b;
            else if (f3 == 5) r = <u32>(<i32>a >> (b & 31));
            else ok = false;
          } else if (f7 == 1) {
            switch (f3) {
              case 0: r = a * b; break;
              case 4:
                if (b == 0) r = 0xffffffff;
                else if (a == 0x80000000 && b == 0xffffffff) r = a;
                else r = <u32>(<i32>a / <i32>b);
                break;
              case 5: r = b == 0 ? 0xffffffff : a / b; break;
              case 6:
                if (b == 0) r = a;
                else if (a == 0x80000000 && b == 0xffffffff) r = 0;
                else r = <u32>(<i32>a % <i32>b);
                break;
              case 7: r = b == 0 ? a : a % b; break;
              default: ok = false; break;
            }
          } else ok = false;
          if (!ok) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          wX(rd, sx32(<u64>r));
          break;
        }
        case OP_AMO:
          amo(insn, rd, getX(rs1), getX(rs2));
          if (H.excPending) {
            n = ~n;
            continue;
          }
          break;
        case OP_MISC_MEM: // FENCE orders nothing for one hart; nor FENCE.I: translations follow every store (mmu.ts)
          if (f3 > 1) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          break;
        case OP_SYSTEM: {
          fVpn = NO_PAGE;
          if (f3 == 0) {
            if (insn == 0x00000073) { // ecall
              if (H.sbiMode && H.priv == PRV_S) {
                exitReason = EXIT_SBI;
                n = ~n;
                break;
              }
              raise(CAUSE_ECALL_U + <u64>H.priv, 0);
            } else if (insn == 0x00100073) {
              raise(CAUSE_BREAKPOINT, pc);
            } else if (insn == 0x30200073) {
              if (H.priv < PRV_M) raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              else npc = mret();
            } else if (insn == 0x10200073) {
              if (H.priv == PRV_U || (H.priv == PRV_S && (H.mstatus & MSTATUS_TSR) != 0)) raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              else npc = sret();
            } else if (insn == 0x10500073) {
              if (H.priv == PRV_U || (H.priv == PRV_S && (H.mstatus & MSTATUS_TW) != 0)) raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              else if ((mipRead() & H.mie) == 0) {
                exitReason = EXIT_WFI;
                n = ~n;
                break;
              }
            } else if ((insn & 0xfe007fff) == 0x12000073) { // sfence.vma
              if (H.priv == PRV_U || (H.priv == PRV_S && (H.mstatus & MSTATUS_TVM) != 0)) raise(CAUSE_ILLEGAL_INSN, <u64>insn);
              else {
                // translations are of physical pages: a new mapping needs no new translation
                if (rs1 == 0) tlbFlushAll();
                else tlbFlushPage(getX(rs1));
              }
            } else raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            if (H.excPending) {
              n = ~n;
              continue;
            }
            if (H.irqCheck) n = ~n;
            break;
          }
          if (f3 == 4) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          const csr = csrOf(insn);
          const src: u64 = f3 >= 5 ? <u64>rs1 : getX(rs1);
          const op = f3 & 3; // 1 write, 2 set, 3 clear
          // budget - n - trapped counts this instruction too: counters read the ones before it
          H.instret = instretBase + <u64>(budget - n - trapped) - 1;
          H.instretWritten = false;
          T.runLeft = n;
          let old: u64 = 0;
          if (op != 1 || rd != 0) {
            old = csrRead(csr, insn);
            if (H.excPending) {
              n = ~n;
              continue;
            }
          }
          if (op == 1) csrWrite(csr, src, insn);
          else if (rs1 != 0) csrWrite(csr, op == 2 ? old | src : old & ~src, insn);
          // this instruction retires, unless it wrote minstret: then the value written is next
          instretBase = H.instret + (H.instretWritten ? 0 : 1) - <u64>(budget - n - trapped);
          if (H.excPending) {
            n = ~n;
            continue;
          }
          wX(rd, old);
          if (H.irqCheck) n = ~n;
          break;
        }
        case OP_LOAD_FP: {
          if (fsOff() || (f3 != 2 && f3 != 3)) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          const va = getX(rs1) + immI(insn);
          const e = T.load + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
          let v: u64;
          if (load<u64>(e) == (va >>> 12) && (<u32>va & 0xfff) <= 0xff8) {
            const h = <u32>(va + load<u64>(e + 8));
            v = f3 == 3 ? load<u64>(h) : (<u64>load<u32>(h) | 0xffffffff00000000);
          } else {
            T.runLeft = n;
            v = f3 == 3 ? loadSlow(va, 8) : (loadSlow(va, 4) | 0xffffffff00000000);
            if (H.excPending) {
              n = ~n;
              continue;
            }
            if (H.irqCheck) n = ~n;
          }
          setF(rd, v);
          markFsDirty();
          break;
        }
        case OP_STORE_FP: {
          if (fsOff() || (f3 != 2 && f3 != 3)) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          const va = getX(rs1) + immS(insn);
          const v = getF(rs2);
          const e = T.store + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
          if (load<u64>(e) == (va >>> 12) && (<u32>va & 0xfff) <= 0xff8) {
            const h = <u32>(va + load<u64>(e + 8));
            if (f3 == 3) store<u64>(h, v);
            else store<u32>(h, <u32>v);
          } else {
            T.runLeft = n;
            storeSlow(va, v, f3 == 3 ? 8 : 4);
            if (H.excPending) {
              n = ~n;
              continue;
            }
            if (H.irqCheck) n = ~n;
          }
          break;
        }
        case OP_MADD: case OP_MSUB: case OP_NMSUB: case OP_NMADD: case OP_FP:
          if (fsOff() || !execFp(insn)) {
            raise(CAUSE_ILLEGAL_INSN, <u64>insn);
            n = ~n;
            continue;
          }
          break;
        default:
          raise(CAUSE_ILLEGAL_INSN, <u64>insn);
          n = ~n;
          continue;
      }
      pc = npc;
      // A jump's target is where translated blocks start (none while a trigger is armed).
      if (jump && J.enabled && Trig.armed == 0) {
        store<i32>(JIT_LEFT, n);
        pc = jitDispatch(pc);
        n = load<i32>(JIT_LEFT);
        fVpn = NO_PAGE;
        if (H.excPending || H.irqCheck) n = ~n;
      }
    }
  }

  H.instret = instretBase + <u64>(budget - n - trapped);
  T.runLeft = n;
  H.mtime = timeNow();
  store<u64>(SLOT_PC, pc);
  store<u32>(SLOT_PRIV, H.priv);
  store<u64>(SLOT_INSTRET, H.instret);
  return reason;
}

export { PRV_U, PRV_S, PRV_M, SLOT_INSTRET };
