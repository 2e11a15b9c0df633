// The split virtqueue, device side (Virtual I/O Device (VIRTIO) Version 1.2,
// §2.7 "Split Virtqueues"), shared by every device model.
//
//   descriptor table  16 bytes each: addr u64, len u32, flags u16, next u16
//   driver area       avail ring: flags u16, idx u16, ring[size] u16, used_event u16
//   device area       used ring:  flags u16, idx u16, ring[size] {id u32, len u32}, avail_event u16
//
// Everything in guest memory is untrusted: every index, address and length is
// checked, a chain may not loop or exceed the table, indirect tables may not
// nest. A violation marks the queue broken (the transport then sets
// DEVICE_NEEDS_RESET); nothing is thrown to the caller.

import type { GuestMemory } from '../cpu/hart.js';

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Largest queue size the split ring format allows. */
export const VIRTQ_MAX_SIZE = 32768;

const DESC_SIZE = 16;
const TWO32 = 0x1_0000_0000;

/** A buffer in guest physical memory. */
export interface Segment {
  addr: number;
  len: number;
}

class QueueError extends Error {}

/**
 * One request: the readable (driver → device) buffers, then the writable ones.
 * read()/write() treat each side as one flat byte stream.
 */
export class DescriptorChain {
  readonly readableLength: number;
  readonly writableLength: number;
  /** Bytes written into the writable side so far (the usual used length). */
  written = 0;

  constructor(
    private readonly mem: GuestMemory,
    readonly head: number,
    readonly readable: Segment[],
    readonly writable: Segment[],
  ) {
    this.readableLength = readable.reduce((n, s) => n + s.len, 0);
    this.writableLength = writable.reduce((n, s) => n + s.len, 0);
  }

  /** Copies readable bytes from `offset` into `dst`; returns how many. */
  read(offset: number, dst: Uint8Array): number {
    return this.copy(this.readable, offset, dst.length, (gpaView, pos) => dst.set(gpaView, pos));
  }

  /**
   * The readable bytes from `offset` on as views of guest RAM, not copies: for a device
   * that only reads them (the driver may still change them meanwhile, as on hardware).
   */
  readableViews(offset: number): Uint8Array[] {
    return this.views(this.readable, offset, (addr, len) => {
      const off = this.mem.offset(addr, len);
      return off < 0 ? null : this.mem.bytes.subarray(off, off + len);
    });
  }

  /**
   * The writable bytes from `offset` on as views of guest RAM, for a device to fill in
   * place (the memory counts as written now, as by write()).
   */
  writableViews(offset: number): Uint8Array[] {
    return this.views(this.writable, offset, (addr, len) => this.mem.view(addr, len));
  }

  /** Views of `segs` from `offset` on, each made by `view` (null: outside RAM, which the chain's checks exclude). */
  private views(segs: Segment[], offset: number, view: (addr: number, len: number) => Uint8Array | null): Uint8Array[] {
    const out: Uint8Array[] = [];
    let skip = offset;
    for (const s of segs) {
      if (skip >= s.len) {
        skip -= s.len;
        continue;
      }
      const v = view(s.addr + skip, s.len - skip);
      if (!v) break;
      out.push(v);
      skip = 0;
    }
    return out;
  }

  /** All readable bytes, copied. */
  readAll(): Uint8Array {
    const out = new Uint8Array(this.readableLength);
    this.read(0, out);
    return out;
  }

  /** Copies `src` into the writable side at `offset`; returns how many bytes fit. */
  write(offset: number, src: Uint8Array): number {
    const n = this.copy(this.writable, offset, src.length, (gpaView, pos) =>
      gpaView.set(src.subarray(pos, pos + gpaView.length)),
    );
    this.written = Math.max(this.written, offset + n);
    return n;
  }

  private copy(segs: Segment[], offset: number, len: number, f: (v: Uint8Array, pos: number) => void): number {
    let skip = offset;
    let done = 0;
    for (const s of segs) {
      if (done >= len) break;
      if (skip >= s.len) {
        skip -= s.len;
        continue;
      }
      const n = Math.min(s.len - skip, len - done);
      const v = this.mem.view(s.addr + skip, n);
      if (!v) break; // checked when the chain was built; RAM does not shrink
      f(v, done);
      done += n;
      skip = 0;
    }
    return done;
  }
}

export class VirtQueue {
  /** Queue size chosen by the driver (QueueNum). */
  size: number;
  ready = false;
  descAddr = 0;
  availAddr = 0;
  usedAddr = 0;
  /** VIRTIO_F_EVENT_IDX negotiated. */
  eventIdx = false;
  /** VIRTIO_F_INDIRECT_DESC negotiated. */
  indirect = false;
  /** Why the queue stopped, once the driver broke the rules. */
  broken: string | undefined;
  /** Called once when the queue breaks. */
  onBroken: (reason: string) => void = () => {};

  private lastAvail = 0;
  private usedIdx = 0;
  private signalledUsed = 0;
  private dv: DataView;

  constructor(
    private readonly mem: GuestMemory,
    readonly maxSize: number,
  ) {
    this.size = maxSize;
    this.dv = new DataView(mem.bytes.buffer, mem.bytes.byteOffset, mem.bytes.byteLength);
  }

  reset(): void {
    this.size = this.maxSize;
    this.ready = false;
    this.descAddr = this.availAddr = this.usedAddr = 0;
    this.eventIdx = this.indirect = false;
    this.broken = undefined;
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
  }

  /** Checks the driver's layout before the queue goes live; returns the problem, if any. */
  validate(): string | undefined {
    const n = this.size;
    if (!Number.isInteger(n) || n < 1 || n > this.maxSize) return `bad queue size ${n}`;
    if (this.descAddr % 16 || this.availAddr % 2 || this.usedAddr % 4) return 'misaligned ring';
    if (this.mem.offset(this.descAddr, DESC_SIZE * n) < 0) return 'descriptor table outside RAM';
    if (this.mem.offset(this.availAddr, 6 + 2 * n) < 0) return 'driver area outside RAM';
    if (this.mem.offset(this.usedAddr, 6 + 8 * n) < 0) return 'device area outside RAM';
    return undefined;
  }

  /** Marks the queue broken (first reason wins). */
  fail(reason: string): void {
    if (this.broken) return;
    this.broken = reason;
    this.onBroken(reason);
  }

  private u16(gpa: number): number {
    const off = this.mem.offset(gpa, 2);
    if (off < 0) throw new QueueError(`read outside RAM at 0x${gpa.toString(16)}`);
    return this.dv.getUint16(off, true);
  }

  private u32(gpa: number): number {
    const off = this.mem.offset(gpa, 4);
    if (off < 0) throw new QueueError(`read outside RAM at 0x${gpa.toString(16)}`);
    return this.dv.getUint32(off, true);
  }

  private put16(gpa: number, v: number): void {
    const off = this.mem.offset(gpa, 2);
    if (off < 0) throw new QueueError(`write outside RAM at 0x${gpa.toString(16)}`);
    this.dv.setUint16(off, v, true);
  }

  private put32(gpa: number, v: number): void {
    const off = this.mem.offset(gpa, 4);
    if (off < 0) throw new QueueError(`write outside RAM at 0x${gpa.toString(16)}`);
    this.dv.setUint32(off, v >>> 0, true);
  }

  private usable(): boolean {
    return this.ready && !this.broken;
  }

  /** Whether the driver has made buffers available that were not popped yet. */
  hasAvailable(): boolean {
    if (!this.usable()) return false;
    try {
      return this.availIdx() !== this.lastAvail;
    } catch (e) {
      return this.caught(e);
    }
  }

  private availIdx(): number {
    const idx = this.u16(this.availAddr + 2);
    if (((idx - this.lastAvail) & 0xffff) > this.size) {
      throw new QueueError(`avail index jumped from ${this.lastAvail} to ${idx}`);
    }
    return idx;
  }

  /** The next available chain, or null when there is none (or the queue is broken). */
  pop(): DescriptorChain | null {
    if (!this.usable()) return null;
    try {
      if (this.availIdx() === this.lastAvail) return null;
      const head = this.u16(this.availAddr + 4 + 2 * (this.lastAvail % this.size));
      const chain = this.walk(head);
      this.lastAvail = (this.lastAvail + 1) & 0xffff;
      if (this.eventIdx) this.put16(this.usedAddr + 4 + 8 * this.size, this.lastAvail);
      return chain;
    } catch (e) {
      this.caught(e);
      return null;
    }
  }

  /** Puts the last popped chain back (e.g. the backend cannot take it now). */
  undoPop(): void {
    this.lastAvail = (this.lastAvail - 1) & 0xffff;
  }

  private walk(head: number): DescriptorChain {
    const readable: Segment[] = [];
    const writable: Segment[] = [];
    let table = this.descAddr;
    let tableSize = this.size;
    let inIndirect = false;
    let idx = head;
    let count = 0;
    for (;;) {
      if (idx >= tableSize) throw new QueueError(`descriptor index ${idx} out of range`);
      if (++count > tableSize) throw new QueueError('descriptor chain loops or is too long');
      const d = table + DESC_SIZE * idx;
      const addrLo = this.u32(d);
      const addrHi = this.u32(d + 4);
      const len = this.u32(d + 8);
      const flags = this.u16(d + 12);
      const next = this.u16(d + 14);
      const addr = addrHi * TWO32 + addrLo;
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.indirect) throw new QueueError('indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (inIndirect) throw new QueueError('nested indirect descriptor table');
        if (flags & VIRTQ_DESC_F_NEXT) throw new QueueError('indirect descriptor with NEXT');
        if (len === 0 || len % DESC_SIZE) throw new QueueError(`bad indirect table length ${len}`);
        if (addrHi >= 0x20_0000 || this.mem.offset(addr, len) < 0) throw new QueueError('indirect table outside RAM');
        table = addr;
        tableSize = len / DESC_SIZE;
        inIndirect = true;
        idx = 0;
        count = 0;
        continue;
      }
      if (addrHi >= 0x20_0000 || this.mem.offset(addr, len) < 0) {
        throw new QueueError(`buffer 0x${addr.toString(16)}+${len} outside RAM`);
      }
      if (flags & VIRTQ_DESC_F_WRITE) writable.push({ addr, len });
      else if (writable.length) throw new QueueError('readable descriptor after a writable one');
      else readable.push({ addr, len });
      if (!(flags & VIRTQ_DESC_F_NEXT)) break;
      idx = next;
    }
    return new DescriptorChain(this.mem, head, readable, writable);
  }

  /** Returns a chain to the driver with `len` bytes written. */
  addUsed(head: number, len: number): void {
    if (!this.usable()) return;
    try {
      const e = this.usedAddr + 4 + 8 * (this.usedIdx % this.size);
      this.put32(e, head);
      this.put32(e + 4, len);
      this.usedIdx = (this.usedIdx + 1) & 0xffff;
      this.put16(this.usedAddr + 2, this.usedIdx);
    } catch (e) {
      this.caught(e);
    }
  }

  /**
   * Whether the driver wants an interrupt for the used entries added since the
   * last call (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX).
   */
  needsInterrupt(): boolean {
    if (!this.usable()) return false;
    const old = this.signalledUsed;
    const now = this.usedIdx;
    if (old === now) return false;
    this.signalledUsed = now;
    try {
      if (this.eventIdx) {
        const event = this.u16(this.availAddr + 4 + 2 * this.size);
        return ((now - event - 1) & 0xffff) < ((now - old) & 0xffff);
      }
      return (this.u16(this.availAddr) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    } catch (e) {
      return this.caught(e);
    }
  }

  private caught(e: unknown): false {
    if (!(e instanceof QueueError)) throw e;
    this.fail(e.message);
    return false;
  }
}
