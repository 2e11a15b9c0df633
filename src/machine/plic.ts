// Platform-Level Interrupt Controller, SiFive layout ("sifive,plic-1.0.0";
// RISC-V PLIC specification v1.0.0), as QEMU's virt board lays it out:
//   0x000000 + 4*i           source i priority (source 0 does not exist)
//   0x001000 + 4*w           pending bits, read-only
//   0x002000 + 0x80*c + 4*w  context c enable bits
//   0x200000 + 0x1000*c      context c priority threshold
//   0x200004 + 0x1000*c      context c claim (read) / complete (write)
// Sources are level-triggered: a source stays pending while its line is high
// and it is not claimed; completing it re-samples the line.

import type { IrqLine, MmioDevice } from './bus.js';

const PRIORITY_BASE = 0x0;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;
/** QEMU virt implements 3 priority bits. */
const PRIORITY_MASK = 7;

/** Raises or lowers one context's interrupt output (MEIP/SEIP of a hart). */
export type PlicOutput = (level: boolean) => void;

export class Plic implements MmioDevice {
  readonly ndev: number;
  private readonly words: number;
  private readonly priority: Uint32Array;
  private readonly level: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly enable: Uint32Array[];
  private readonly threshold: Uint32Array;
  private readonly outputLevel: boolean[];

  /** `ndev` sources (1..ndev); one context per output. */
  constructor(ndev: number, private readonly outputs: PlicOutput[]) {
    this.ndev = ndev;
    this.words = Math.ceil((ndev + 1) / 32);
    this.priority = new Uint32Array(ndev + 1);
    this.level = new Uint8Array(ndev + 1);
    this.pending = new Uint8Array(ndev + 1);
    this.claimed = new Uint8Array(ndev + 1);
    this.enable = outputs.map(() => new Uint32Array(this.words));
    this.threshold = new Uint32Array(outputs.length);
    this.outputLevel = outputs.map(() => false);
  }

  /** The wire of source `irq`, for a device to drive. */
  line(irq: number): IrqLine {
    if (!Number.isInteger(irq) || irq < 1 || irq > this.ndev) throw new RangeError(`plic: no source ${irq}`);
    return { set: (level) => this.setLevel(irq, level) };
  }

  setLevel(irq: number, high: boolean): void {
    const v = high ? 1 : 0;
    if (this.level[irq] === v) return;
    this.level[irq] = v;
    if (!this.claimed[irq]) this.pending[irq] = v;
    this.update();
  }

  /** Back to the power-on state (all priorities, enables and thresholds 0). */
  reset(): void {
    this.priority.fill(0);
    this.pending.set(this.level);
    this.claimed.fill(0);
    for (const e of this.enable) e.fill(0);
    this.threshold.fill(0);
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const shift = (offset & 3) * 8;
    const v = this.read32(offset & ~3);
    return size === 4 ? v : (v >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, value: number, size: 1 | 2 | 4): void {
    // The PLIC is a 32-bit device; narrower writes are ignored.
    if (size !== 4 || (offset & 3) !== 0) return;
    this.write32(offset, value >>> 0);
  }

  private read32(off: number): number {
    if (off < PENDING_BASE) {
      const i = (off - PRIORITY_BASE) >> 2;
      return i >= 1 && i <= this.ndev ? this.priority[i] : 0;
    }
    if (off < ENABLE_BASE) {
      const w = (off - PENDING_BASE) >> 2;
      return w < this.words ? this.bits(w, (i) => this.pending[i] === 1) : 0;
    }
    if (off < CONTEXT_BASE) {
      const c = Math.floor((off - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((off - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      return c < this.enable.length && w < this.words ? this.enable[c][w] : 0;
    }
    const c = Math.floor((off - CONTEXT_BASE) / CONTEXT_STRIDE);
    const r = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (c >= this.enable.length) return 0;
    if (r === 0) return this.threshold[c];
    if (r === 4) return this.claim(c);
    return 0;
  }

  private write32(off: number, v: number): void {
    if (off < PENDING_BASE) {
      const i = (off - PRIORITY_BASE) >> 2;
      if (i >= 1 && i <= this.ndev) this.priority[i] = v & PRIORITY_MASK;
    } else if (off < ENABLE_BASE) {
      return; // pending bits are read-only
    } else if (off < CONTEXT_BASE) {
      const c = Math.floor((off - ENABLE_BASE) / ENABLE_STRIDE);
      const w = ((off - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      if (c >= this.enable.length || w >= this.words) return;
      if (w === 0) v &= ~1; // source 0 does not exist
      if (w === this.words - 1 && (this.ndev + 1) % 32 !== 0) v &= (1 << ((this.ndev + 1) % 32)) - 1;
      this.enable[c][w] = v >>> 0;
    } else {
      const c = Math.floor((off - CONTEXT_BASE) / CONTEXT_STRIDE);
      const r = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
      if (c >= this.enable.length) return;
      if (r === 0) this.threshold[c] = v & PRIORITY_MASK;
      else if (r === 4) this.complete(c, v);
      else return;
    }
    this.update();
  }

  private bits(w: number, f: (i: number) => boolean): number {
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const i = w * 32 + b;
      if (i >= 1 && i <= this.ndev && f(i)) v |= 1 << b;
    }
    return v >>> 0;
  }

  private enabled(c: number, i: number): boolean {
    return ((this.enable[c][i >> 5] >>> (i & 31)) & 1) === 1;
  }

  /** Highest-priority deliverable source of context c (ties: lowest id), or 0. */
  private best(c: number): number {
    let best = 0;
    let bestPrio = this.threshold[c];
    for (let i = 1; i <= this.ndev; i++) {
      if (this.pending[i] && !this.claimed[i] && this.priority[i] > bestPrio && this.enabled(c, i)) {
        best = i;
        bestPrio = this.priority[i];
      }
    }
    return best;
  }

  private claim(c: number): number {
    const i = this.best(c);
    if (i !== 0) {
      this.pending[i] = 0;
      this.claimed[i] = 1;
      this.update();
    }
    return i;
  }

  private complete(c: number, i: number): void {
    if (i < 1 || i > this.ndev || !this.enabled(c, i)) return;
    this.claimed[i] = 0;
    this.pending[i] = this.level[i];
  }

  private update(): void {
    for (let c = 0; c < this.outputs.length; c++) {
      const on = this.best(c) !== 0;
      if (on !== this.outputLevel[c]) {
        this.outputLevel[c] = on;
        this.outputs[c](on);
      }
    }
  }
}
