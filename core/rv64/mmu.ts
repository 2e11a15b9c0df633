// Virtual memory: Sv39 page walks, software TLBs, and every guest memory access.
//
// The TLBs are QEMU-softmmu style: direct-mapped, one table per (context, access),
// each entry a tag (virtual page number) and an addend such that
// host address = va + addend. A hit costs one compare and one add; everything
// else (walks, MMIO, page-crossing accesses, HTIF) takes the slow path.
//
// Contexts separate what changes with privilege, so a trap or SUM toggle switches
// tables instead of flushing: 0 bare (no translation), 1 S with SUM=0, 2 S with
// SUM=1, 3 U. MXR, satp and SFENCE.VMA flush.

import {
  H, RAM_HOST, RAM_BASE, TLB_BASE, CODE_PAGES, SLOT_TOHOST, SLOT_RAM_SIZE, SLOT_MTIME, SLOT_MTIMECMP, raise,
  PRV_M, PRV_S, PRV_U, MSTATUS_MPRV, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_SUM, MSTATUS_MXR,
  CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_FETCH_ACCESS,
  CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT, CAUSE_FETCH_PAGE_FAULT,
  IRQ_MSI, IRQ_MTI, EXIT_TOHOST, TIME_SHIFT, JIT_TLOAD, JIT_TSTORE, JIT_TFETCH,
} from "./state";
import { Trig, TRIG_LOAD, TRIG_STORE, trigFire } from "./trigger";

@external("env", "mmioRead")
declare function mmioRead(addr: u32, size: u32): u32;
@external("env", "mmioWrite")
declare function mmioWrite(addr: u32, value: u32, size: u32): void;

export const TLB_ENTRIES: u32 = 1024;
const TLB_TABLE_BYTES: u32 = TLB_ENTRIES * 16;
const TLB_CTX_BYTES: u32 = TLB_TABLE_BYTES * 3;
export const TLB_END: u32 = TLB_BASE + TLB_CTX_BYTES * 4;
const TAG_INVALID: u64 = 0xffffffffffffffff;

// Access kinds, also the table index within a context.
export const ACC_LOAD: u32 = 0;
export const ACC_STORE: u32 = 1;
export const ACC_FETCH: u32 = 2;

// Table base addresses for the current context of each access kind.
@unmanaged
export class T {
  static load: u32 = TLB_BASE;
  static store: u32 = TLB_BASE + TLB_TABLE_BYTES;
  static fetch: u32 = TLB_BASE + 2 * TLB_TABLE_BYTES;
  static ramSize: u64 = 0;
  static tohostPage: u64 = TAG_INVALID;
  static mmioFault: bool = false;
  static stopReason: i32 = -1; // set by a store that must end run() (HTIF)
  static lines: u64 = 0; // interrupt lines driven by devices and timers (MTIP, STIP, SEIP, MEIP)
  static msip: u32 = 0;
  static pa: u64 = 0; // physical address of the last slow access that missed RAM
  // The run loop's budget and what was left at the last load, so a device read
  // (CLINT mtime) sees time advance within a slice.
  static runBudget: i32 = 0;
  static runLeft: i32 = 0;
  // Translated code (see "pages holding translated code" below).
  static codeMarked: u32 = 0; // pages marked since the bitmap was last cleared
  static codeWrites: u32 = 0; // stores that hit a marked page
  static codeFences: u32 = 0; // times every page was unmarked at once (codeFence)
}

// CLINT, inside the core because M-mode timers are touched constantly.
const CLINT_BASE: u64 = 0x02000000;
const CLINT_SIZE: u64 = 0x10000;

export function tlbFlushAll(): void {
  memory.fill(TLB_BASE, 0xff, TLB_END - TLB_BASE);
}

// Flushes the entries of one virtual page in every context (SFENCE.VMA with rs1).
export function tlbFlushPage(va: u64): void {
  const vpn = va >>> 12;
  const idx = (<u32>vpn & (TLB_ENTRIES - 1)) << 4;
  for (let t: u32 = 0; t < 12; t++) {
    const e = TLB_BASE + t * TLB_TABLE_BYTES + idx;
    if (load<u64>(e) == vpn) store<u64>(e, TAG_INVALID);
  }
}

@inline function satpMode(): u32 {
  return <u32>(H.satp >>> 60);
}

function ctxOf(priv: u32): u32 {
  if (priv == PRV_M || satpMode() == 0) return 0;
  if (priv == PRV_S) return (H.mstatus & MSTATUS_SUM) != 0 ? 2 : 1;
  return 3;
}

// Recomputes the current tables; call after any change to priv, mstatus or satp.
export function updateCtx(): void {
  let dataPriv = H.priv;
  if (dataPriv == PRV_M && (H.mstatus & MSTATUS_MPRV) != 0) {
    dataPriv = <u32>((H.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT);
  }
  const d = TLB_BASE + ctxOf(dataPriv) * TLB_CTX_BYTES;
  T.load = d;
  T.store = d + TLB_TABLE_BYTES;
  store<u32>(JIT_TLOAD, T.load);
  store<u32>(JIT_TSTORE, T.store);
  T.fetch = TLB_BASE + ctxOf(H.priv) * TLB_CTX_BYTES + 2 * TLB_TABLE_BYTES;
  store<u32>(JIT_TFETCH, T.fetch);
}

@inline function effPriv(acc: u32): u32 {
  if (acc != ACC_FETCH && H.priv == PRV_M && (H.mstatus & MSTATUS_MPRV) != 0) {
    return <u32>((H.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT);
  }
  return H.priv;
}

@inline function pageFault(acc: u32): u64 {
  return acc == ACC_LOAD ? CAUSE_LOAD_PAGE_FAULT : acc == ACC_STORE ? CAUSE_STORE_PAGE_FAULT : CAUSE_FETCH_PAGE_FAULT;
}

@inline function accessFault(acc: u32): u64 {
  return acc == ACC_LOAD ? CAUSE_LOAD_ACCESS : acc == ACC_STORE ? CAUSE_STORE_ACCESS : CAUSE_FETCH_ACCESS;
}

// Host address of physical RAM, or 0 when pa (with len bytes) is not RAM.
@inline export function ramHost(pa: u64, len: u64): u32 {
  const off = pa - RAM_BASE;
  if (off < T.ramSize && off + len <= T.ramSize) return RAM_HOST + <u32>off;
  return 0;
}

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;

// Walk result for the page containing va: physical page address.
// Returns TAG_INVALID after raising the fault.
function walk(va: u64, acc: u32, priv: u32): u64 {
  // Sv39: bits 63..39 must all equal bit 38.
  if (((<i64>va << 25) >> 25) != <i64>va) {
    raise(pageFault(acc), va);
    return TAG_INVALID;
  }
  let a: u64 = (H.satp & 0xfffffffffff) << 12;
  for (let level: i32 = 2; level >= 0; level--) {
    const vpn = (va >>> (12 + 9 * <u64>level)) & 0x1ff;
    const pteAddr = a + vpn * 8;
    const h = ramHost(pteAddr, 8);
    if (h == 0) {
      raise(accessFault(acc), va);
      return TAG_INVALID;
    }
    let pte = load<u64>(h);
    if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte >>> 54) != 0) {
      raise(pageFault(acc), va);
      return TAG_INVALID;
    }
    const ppn = (pte >>> 10) & 0xfffffffffff;
    if ((pte & (PTE_R | PTE_X)) == 0) {
      if ((pte & (PTE_A | PTE_D | PTE_U)) != 0) {
        // Non-leaf PTEs keep D, A and U clear.
        raise(pageFault(acc), va);
        return TAG_INVALID;
      }
      a = ppn << 12;
      continue;
    }
    // Leaf: permissions.
    let ok = false;
    if (acc == ACC_FETCH) ok = (pte & PTE_X) != 0;
    else if (acc == ACC_LOAD) ok = (pte & PTE_R) != 0 || ((H.mstatus & MSTATUS_MXR) != 0 && (pte & PTE_X) != 0);
    else ok = (pte & PTE_W) != 0;
    if ((pte & PTE_U) != 0) {
      if (priv == PRV_S && (acc == ACC_FETCH || (H.mstatus & MSTATUS_SUM) == 0)) ok = false;
    } else if (priv == PRV_U) ok = false;
    // Misaligned superpage.
    const lowMask: u64 = level == 0 ? 0 : ((<u64>1) << (9 * <u64>level)) - 1;
    if ((ppn & lowMask) != 0) ok = false;
    if (!ok) {
      raise(pageFault(acc), va);
      return TAG_INVALID;
    }
    // Hardware A/D update.
    let npte = pte | PTE_A;
    if (acc == ACC_STORE) npte |= PTE_D;
    if (npte != pte) store<u64>(h, npte);
    const pageNum = (ppn & ~lowMask) | ((va >>> 12) & lowMask);
    return pageNum << 12;
  }
  raise(pageFault(acc), va);
  return TAG_INVALID;
}

// Translates va to a physical address; returns TAG_INVALID after raising a fault.
export function translate(va: u64, acc: u32): u64 {
  const priv = effPriv(acc);
  if (priv == PRV_M || satpMode() == 0) return va;
  const page = walk(va, acc, priv);
  if (page == TAG_INVALID) return page;
  return page | (va & 0xfff);
}

// Fills the TLB for va's page if it is RAM; returns the host address for va or 0.
// Raises on fault (and returns 0), so callers check H.excPending when 0 comes back.
function fill(va: u64, acc: u32, table: u32): u32 {
  const pa = translate(va, acc);
  if (pa == TAG_INVALID) return 0;
  const page = pa & ~(<u64>0xfff);
  const h = ramHost(page, 4096);
  if (h == 0) {
    T.pa = pa;
    return 0;
  }
  // Not cached: the HTIF page and code pages for stores, every page of a kind a trigger watches.
  if (!(acc == ACC_STORE && (page == T.tohostPage || isCodePage(page))) && (Trig.armed & (1 << acc)) == 0) {
    const e = table + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
    store<u64>(e, va >>> 12);
    store<u64>(e + 8, <u64>h - (va & ~(<u64>0xfff)));
  }
  return h + <u32>(va & 0xfff);
}

// ---- MMIO ----

function clintRead(off: u32, size: u32): u64 {
  let v: u64 = 0;
  if (off < 4) v = <u64>T.msip;
  else if (off >= 0x4000 && off < 0x4008) v = load<u64>(SLOT_MTIMECMP);
  else if (off >= 0xbff8 && off < 0xc000) v = timeNow();
  const sh = (off & 7) * 8;
  v = v >>> <u64>sh;
  if (size < 8) v &= ((<u64>1) << (<u64>size * 8)) - 1;
  return v;
}

// Current guest time: the slice's start plus the instructions run since, as of the
// last point the loop published its count (T.runLeft: CSR accesses and loads).
export function timeNow(): u64 {
  return H.mtime + (<u64>(T.runBudget - T.runLeft) >> TIME_SHIFT);
}

export function updateTimerLines(): void {
  const now = H.mtime;
  if (now >= load<u64>(SLOT_MTIMECMP)) T.lines |= IRQ_MTI;
  else T.lines &= ~IRQ_MTI;
  H.irqCheck = true;
}

function clintWrite(off: u32, v: u64, size: u32): void {
  if (off < 4) {
    T.msip = <u32>v & 1;
    if (T.msip != 0) T.lines |= IRQ_MSI;
    else T.lines &= ~IRQ_MSI;
    H.irqCheck = true;
  } else if (off >= 0x4000 && off < 0x4008) {
    const sh = <u64>(off & 7) * 8;
    const mask: u64 = size >= 8 ? 0xffffffffffffffff : (((<u64>1) << (<u64>size * 8)) - 1) << sh;
    const old = load<u64>(SLOT_MTIMECMP);
    store<u64>(SLOT_MTIMECMP, (old & ~mask) | ((v << sh) & mask));
    updateTimerLines();
  } else if (off >= 0xbff8 && off < 0xc000) {
    // mtime follows the host clock; writes are ignored.
  }
}

function mmioLoad(pa: u64, size: u32, acc: u32): u64 {
  if (pa - CLINT_BASE < CLINT_SIZE) return clintRead(<u32>(pa - CLINT_BASE), size);
  if (pa >= 0x100000000 || acc == ACC_FETCH) {
    raise(accessFault(acc), pa);
    return 0;
  }
  T.mmioFault = false;
  let v: u64;
  if (size == 8) {
    const lo = mmioRead(<u32>pa, 4);
    const hi = mmioRead(<u32>pa + 4, 4);
    v = (<u64>hi << 32) | <u64>lo;
  } else v = <u64>mmioRead(<u32>pa, size);
  if (T.mmioFault) raise(accessFault(acc), pa);
  return v;
}

function mmioStore(pa: u64, v: u64, size: u32): void {
  if (pa - CLINT_BASE < CLINT_SIZE) {
    clintWrite(<u32>(pa - CLINT_BASE), v, size);
    return;
  }
  if (pa >= 0x100000000) {
    raise(CAUSE_STORE_ACCESS, pa);
    return;
  }
  T.mmioFault = false;
  if (size == 8) {
    mmioWrite(<u32>pa, <u32>v, 4);
    mmioWrite(<u32>pa + 4, <u32>(v >>> 32), 4);
  } else mmioWrite(<u32>pa, <u32>v, size);
  if (T.mmioFault) raise(CAUSE_STORE_ACCESS, pa);
  // A device write may change interrupt lines.
  H.irqCheck = true;
}

// ---- loads and stores: fast path inline, slow path out of line ----

@inline function lookup(table: u32, va: u64): u32 {
  const e = table + ((<u32>(va >>> 12) & (TLB_ENTRIES - 1)) << 4);
  if (load<u64>(e) == (va >>> 12)) return <u32>(va + load<u64>(e + 8));
  return 0;
}

// Unsigned little-endian value of `size` bytes at va. Raises on fault.
export function loadSlow(va: u64, size: u32): u64 {
  if ((Trig.armed & TRIG_LOAD) != 0 && trigFire(TRIG_LOAD, va, size)) return 0;
  if ((<u32>va & 0xfff) + size > 4096) {
    // Crosses a page: byte by byte, each byte translated on its own. A fault keeps the
    // faulting byte's address as tval (the privileged spec: the part of a misaligned
    // access that faults), so the OS pages in the second page, not the first again.
    let v: u64 = 0;
    for (let i: u32 = 0; i < size; i++) {
      const b = loadSlow(va + i, 1);
      if (H.excPending) return 0;
      v |= b << (<u64>i * 8);
    }
    return v;
  }
  const h = fill(va, ACC_LOAD, T.load);
  if (h != 0) {
    if (size == 8) return load<u64>(h);
    if (size == 4) return <u64>load<u32>(h);
    if (size == 2) return <u64>load<u16>(h);
    return <u64>load<u8>(h);
  }
  if (H.excPending) return 0;
  const v = mmioLoad(T.pa, size, ACC_LOAD);
  if (H.excPending) H.excTval = va;
  return v;
}

export function storeSlow(va: u64, v: u64, size: u32): void {
  if ((Trig.armed & TRIG_STORE) != 0 && trigFire(TRIG_STORE, va, size)) return;
  if ((<u32>va & 0xfff) + size > 4096) {
    // Check both pages before writing anything, so a fault leaves memory untouched.
    // tval is the address of the part that faults: va, or the second page's start.
    const second = (va | 0xfff) + 1;
    translate(va, ACC_STORE);
    if (!H.excPending) translate(second, ACC_STORE);
    if (H.excPending) return;
    for (let i: u32 = 0; i < size; i++) {
      storeSlow(va + i, (v >>> (<u64>i * 8)) & 0xff, 1);
      if (H.excPending) return;
    }
    return;
  }
  const h = fill(va, ACC_STORE, T.store);
  if (h != 0) {
    if (T.codeMarked != 0) codeStore(h);
    if (size == 8) store<u64>(h, v);
    else if (size == 4) store<u32>(h, <u32>v);
    else if (size == 2) store<u16>(h, <u16>v);
    else store<u8>(h, <u8>v);
    if (T.tohostPage != TAG_INVALID) {
      const pa = <u64>(h - RAM_HOST) + RAM_BASE;
      if (pa == load<u64>(SLOT_TOHOST) && size >= 4) {
        T.stopReason = EXIT_TOHOST;
        H.irqCheck = true;
      }
    }
    return;
  }
  if (H.excPending) return;
  mmioStore(T.pa, v, size);
  if (H.excPending) H.excTval = va;
}

@inline export function ld64(va: u64): u64 {
  if ((<u32>va & 0xfff) <= 0xff8) {
    const h = lookup(T.load, va);
    if (h != 0) return load<u64>(h);
  }
  return loadSlow(va, 8);
}
@inline export function ld32(va: u64): u32 {
  if ((<u32>va & 0xfff) <= 0xffc) {
    const h = lookup(T.load, va);
    if (h != 0) return load<u32>(h);
  }
  return <u32>loadSlow(va, 4);
}
@inline export function ld16(va: u64): u16 {
  if ((<u32>va & 0xfff) <= 0xffe) {
    const h = lookup(T.load, va);
    if (h != 0) return load<u16>(h);
  }
  return <u16>loadSlow(va, 2);
}
@inline export function ld8(va: u64): u8 {
  const h = lookup(T.load, va);
  if (h != 0) return load<u8>(h);
  return <u8>loadSlow(va, 1);
}
@inline export function st64(va: u64, v: u64): void {
  if ((<u32>va & 0xfff) <= 0xff8) {
    const h = lookup(T.store, va);
    if (h != 0) {
      store<u64>(h, v);
      return;
    }
  }
  storeSlow(va, v, 8);
}
@inline export function st32(va: u64, v: u32): void {
  if ((<u32>va & 0xfff) <= 0xffc) {
    const h = lookup(T.store, va);
    if (h != 0) {
      store<u32>(h, v);
      return;
    }
  }
  storeSlow(va, <u64>v, 4);
}
@inline export function st16(va: u64, v: u16): void {
  if ((<u32>va & 0xfff) <= 0xffe) {
    const h = lookup(T.store, va);
    if (h != 0) {
      store<u16>(h, v);
      return;
    }
  }
  storeSlow(va, <u64>v, 2);
}
@inline export function st8(va: u64, v: u8): void {
  const h = lookup(T.store, va);
  if (h != 0) {
    store<u8>(h, v);
    return;
  }
  storeSlow(va, <u64>v, 1);
}

// Host address for an atomic access of `size` bytes (natural alignment already checked),
// translated as a store; 0 after raising. AMOs to MMIO are access faults.
export function amoHost(va: u64, size: u32): u32 {
  let h = lookup(T.store, va);
  if (h != 0) return h;
  h = fill(va, ACC_STORE, T.store);
  if (h == 0 && !H.excPending) raise(CAUSE_STORE_ACCESS, va);
  else if (h != 0 && T.codeMarked != 0) codeStore(h);
  return h;
}

// Same for LR: translated as a load.
export function lrHost(va: u64): u32 {
  let h = lookup(T.load, va);
  if (h != 0) return h;
  h = fill(va, ACC_LOAD, T.load);
  if (h == 0 && !H.excPending) raise(CAUSE_LOAD_ACCESS, va);
  return h;
}

// Host address of the 2 bytes at pc for instruction fetch, or 0 after raising.
export function fetchHost(va: u64): u32 {
  let h = lookup(T.fetch, va);
  if (h != 0) return h;
  h = fill(va, ACC_FETCH, T.fetch);
  if (h == 0 && !H.excPending) raise(CAUSE_FETCH_ACCESS, va);
  return h;
}

// ---- pages holding translated code ----
// A translator marks the physical pages it translates from. A marked page never enters
// a store TLB, so every store to it (also AMOs, SC, FP and page-crossing stores) reaches
// the slow path, which unmarks the page before the store lands: a translation is valid
// while its page is still marked. Translations are of physical pages, so neither
// SFENCE.VMA nor FENCE.I needs to drop them; stores by the host (device DMA) unmark the
// pages they reach through the host's guest-memory views (unmarkRange).

@inline function codeBitAddr(n: u32): u32 {
  return CODE_PAGES + (n >>> 3);
}

export function isCodePage(pa: u64): bool {
  const off = pa - RAM_BASE;
  if (off >= T.ramSize) return false;
  const n = <u32>(off >>> 12);
  return (load<u8>(codeBitAddr(n)) & (<u8>1 << <u8>(n & 7))) != 0;
}

// Marks the page holding physical address pa as translated code.
export function markCodePage(pa: u64): void {
  const off = pa - RAM_BASE;
  if (off >= T.ramSize || isCodePage(pa)) return;
  const n = <u32>(off >>> 12);
  store<u8>(codeBitAddr(n), load<u8>(codeBitAddr(n)) | (<u8>1 << <u8>(n & 7)));
  T.codeMarked++;
  // The store TLBs may map the page already: empty them (data-load and fetch tables stay).
  for (let c: u32 = 0; c < 4; c++) memory.fill(TLB_BASE + c * TLB_CTX_BYTES + TLB_TABLE_BYTES, 0xff, TLB_TABLE_BYTES);
}

// A store is about to land at host address h: a marked page loses its translations.
function codeStore(h: u32): void {
  const pa = <u64>(h - RAM_HOST) + RAM_BASE;
  if (!isCodePage(pa)) return;
  const n = <u32>((pa - RAM_BASE) >>> 12);
  store<u8>(codeBitAddr(n), load<u8>(codeBitAddr(n)) & ~(<u8>1 << <u8>(n & 7)));
  T.codeWrites++;
}

// Unmarks every page of [off, off + len) (offsets into RAM): the host may write there.
export function unmarkRange(off: u32, len: u32): void {
  if (T.codeMarked == 0 || len == 0) return;
  const last = <u32>((<u64>off + <u64>len - 1) >>> 12);
  for (let n = off >>> 12; n <= last; n++) {
    const a = codeBitAddr(n);
    const bit = <u8>1 << <u8>(n & 7);
    if ((load<u8>(a) & bit) != 0) {
      store<u8>(a, load<u8>(a) & ~bit);
      T.codeWrites++;
    }
  }
}

// Every translation goes (the host asks; see jit.ts).
export function codeFence(): void {
  if (T.codeMarked == 0) return;
  memory.fill(CODE_PAGES, 0, <u32>((T.ramSize >>> 15) + 1));
  T.codeMarked = 0;
  T.codeFences++;
}

export function mmuInit(ramSize: u64): void {
  T.ramSize = ramSize;
  store<u64>(SLOT_RAM_SIZE, ramSize);
  memory.fill(CODE_PAGES, 0, <u32>((ramSize >>> 15) + 1));
  T.codeMarked = 0;
  T.codeWrites = 0;
  T.codeFences = 0;
  tlbFlushAll();
  updateCtx();
}

// Re-reads host slots that may have changed between runs.
export function refreshTohost(): void {
  const t = load<u64>(SLOT_TOHOST);
  const page = t == 0 ? TAG_INVALID : t & ~(<u64>0xfff);
  if (page != T.tohostPage) {
    T.tohostPage = page;
    tlbFlushAll();
  }
}

export { PRV_U, PRV_S };
