// The physical MMIO map: routes each access the CPU core hands out (everything
// outside RAM and the core's CLINT) to the device that owns the address.
// Idea from TinyEMU's PhysMemoryMap and IRQSignal: a device raises a line
// without knowing which interrupt controller it is wired to.

import type { MmioHandler } from '../cpu/hart.js';

/** One interrupt wire into an interrupt controller (level-triggered). */
export interface IrqLine {
  set(level: boolean): void;
}

/** A register window. Offsets are relative to the window's base. */
export interface MmioDevice {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, value: number, size: 1 | 2 | 4): void;
}

interface Region {
  base: number;
  size: number;
  dev: MmioDevice;
  name: string;
}

export class MmioBus implements MmioHandler {
  private readonly regions: Region[] = [];
  private last: Region | undefined;
  /** Called for an access nobody owns; the machine turns it into an access fault. */
  onUnmapped: (addr: number, write: boolean) => void = () => {};

  map(base: number, size: number, dev: MmioDevice, name: string): void {
    for (const r of this.regions) {
      if (base < r.base + r.size && r.base < base + size) {
        throw new Error(`mmio: ${name} at 0x${base.toString(16)} overlaps ${r.name}`);
      }
    }
    this.regions.push({ base, size, dev, name });
  }

  private find(addr: number): Region | undefined {
    const l = this.last;
    if (l && addr >= l.base && addr < l.base + l.size) return l;
    for (const r of this.regions) {
      if (addr >= r.base && addr < r.base + r.size) return (this.last = r);
    }
    return undefined;
  }

  read(addr: number, size: 1 | 2 | 4): number {
    const r = this.find(addr);
    if (!r) {
      this.onUnmapped(addr, false);
      return 0;
    }
    return r.dev.read(addr - r.base, size) >>> 0;
  }

  write(addr: number, value: number, size: 1 | 2 | 4): void {
    const r = this.find(addr);
    if (!r) {
      this.onUnmapped(addr, true);
      return;
    }
    r.dev.write(addr - r.base, value >>> 0, size);
  }
}
