// Sdtrig: debug triggers with mcontrol6 address matching on execute, load and store,
// raising breakpoint exceptions (no Debug Mode here). Two triggers, chosen by tselect.
//
// While a trigger watches an access kind, no page of that kind enters a TLB (mmu.ts,
// fill), so every such access reaches a slow path, which asks trigFire first. Nothing
// changes for the fast paths while no trigger is armed.

import {
  H, raise, TRIGGERS, PRV_M, PRV_S, MSTATUS_MIE, MSTATUS_SIE, CAUSE_BREAKPOINT,
} from "./state";

export const TRIG_COUNT: u32 = 2;
// mcontrol6 fields (tdata1)
const TYPE_MCONTROL6: u64 = 6;
const TYPE_DISABLED: u64 = 15;
const HIT0: u64 = 1 << 22;
const MATCH_SHIFT: u64 = 7;
const MODE_M: u64 = 1 << 6;
const MODE_S: u64 = 1 << 4;
const MODE_U: u64 = 1 << 3;
const KINDS: u64 = 7; // execute (4), store (2), load (1)
const WRITABLE: u64 = HIT0 | ((<u64>15) << MATCH_SHIFT) | MODE_M | MODE_S | MODE_U | KINDS;
// tinfo: version 1 (Sdtrig 1.0); types mcontrol6 and disabled
export const TINFO: u64 = ((<u64>1) << 24) | ((<u64>1) << TYPE_DISABLED) | ((<u64>1) << TYPE_MCONTROL6);

// Access kinds as mcontrol6 bits (also 1 << ACC_* of mmu.ts).
export const TRIG_LOAD: u32 = 1;
export const TRIG_STORE: u32 = 2;
export const TRIG_EXEC: u32 = 4;

@unmanaged
export class Trig {
  static select: u32 = 0;
  static armed: u32 = 0; // kinds some enabled trigger watches
}

@inline function tdata1At(i: u32): u32 {
  return TRIGGERS + i * 16;
}

export function trigReset(): void {
  for (let i: u32 = 0; i < TRIG_COUNT; i++) {
    store<u64>(tdata1At(i), TYPE_MCONTROL6 << 60);
    store<u64>(tdata1At(i) + 8, 0);
  }
  Trig.select = 0;
  Trig.armed = 0;
}

export function tdata1Read(): u64 {
  return load<u64>(tdata1At(Trig.select));
}

export function tdata2Read(): u64 {
  return load<u64>(tdata1At(Trig.select) + 8);
}

// tselect is WARL: an index with no trigger leaves it unchanged (how software counts them).
export function tselectWrite(v: u64): void {
  if (v < <u64>TRIG_COUNT) Trig.select = <u32>v;
}

// Returns true when the set of watched access kinds changed (the caller flushes the TLBs).
export function tdata1Write(v: u64): bool {
  let n: u64 = TYPE_DISABLED << 60;
  if ((v >>> 60) == TYPE_MCONTROL6) {
    // Supported: address match (select 0), any size, breakpoint action, no chaining;
    // match equal (0), greater or equal (2), less than (3).
    n = (TYPE_MCONTROL6 << 60) | (v & WRITABLE);
    const match = (n >>> MATCH_SHIFT) & 15;
    if (match != 0 && match != 2 && match != 3) n &= ~((<u64>15) << MATCH_SHIFT);
  }
  store<u64>(tdata1At(Trig.select), n);
  return rearm();
}

export function tdata2Write(v: u64): void {
  store<u64>(tdata1At(Trig.select) + 8, v);
}

function rearm(): bool {
  let a: u32 = 0;
  for (let i: u32 = 0; i < TRIG_COUNT; i++) {
    const t = load<u64>(tdata1At(i));
    if ((t >>> 60) == TYPE_MCONTROL6 && (t & (MODE_M | MODE_S | MODE_U)) != 0) a |= <u32>(t & KINDS);
  }
  const changed = a != Trig.armed;
  Trig.armed = a;
  return changed;
}

// The first enabled trigger of `kind` matching an access of `size` bytes at va (or the
// instruction at va) in the current mode fires: breakpoint exception, xtval = va, hit0
// set. Breakpoints would re-fire at once in a handler that runs with interrupts off, so
// (Sdtrig's choice without tcontrol) triggers do not fire in M-mode with mstatus.MIE clear,
// nor in S-mode with sstatus.SIE clear when breakpoints are delegated to S.
export function trigFire(kind: u32, va: u64, size: u32): bool {
  const priv = H.priv;
  if (priv == PRV_M && (H.mstatus & MSTATUS_MIE) == 0) return false;
  if (priv == PRV_S && (H.medeleg & ((<u64>1) << CAUSE_BREAKPOINT)) != 0 && (H.mstatus & MSTATUS_SIE) == 0) {
    return false;
  }
  const mode = priv == PRV_M ? MODE_M : priv == PRV_S ? MODE_S : MODE_U;
  for (let i: u32 = 0; i < TRIG_COUNT; i++) {
    const a = tdata1At(i);
    const t = load<u64>(a);
    if ((t >>> 60) != TYPE_MCONTROL6 || (t & <u64>kind) == 0 || (t & mode) == 0) continue;
    const t2 = load<u64>(a + 8);
    const match = (t >>> MATCH_SHIFT) & 15;
    const last = va + <u64>size - 1;
    // "any compare value": every byte address of the access
    let hit: bool;
    if (match == 0) hit = t2 - va < <u64>size;
    else if (match == 2) hit = last >= t2;
    else hit = va < t2;
    if (hit) {
      store<u64>(a, t | HIT0);
      raise(CAUSE_BREAKPOINT, va);
      return true;
    }
  }
  return false;
}
