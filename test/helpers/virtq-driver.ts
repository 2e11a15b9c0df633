// A guest-side virtio driver for unit tests (in the spirit of Firecracker's
// virtio/test_utils.rs and rust-vmm's MockSplitQueue): lays out descriptor
// tables and rings in a GuestMemory and drives a device through the
// virtio-mmio registers, the way the Linux driver does.

import { GuestMemory, RAM_BASE } from '../../src/cpu/hart.js';
import {
  type Features,
  VIRTIO_F_VERSION_1,
  VIRTIO_STATUS_ACKNOWLEDGE,
  VIRTIO_STATUS_DRIVER,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FEATURES_OK,
  featureBits,
} from '../../src/virtio/device.js';
import {
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from '../../src/virtio/queue.js';

export interface RegisterWindow {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, value: number, size: 1 | 2 | 4): void;
}

/** Records an interrupt line's level and how often it rose. */
export class FakeIrq {
  level = false;
  raised = 0;
  set(level: boolean): void {
    if (level && !this.level) this.raised++;
    this.level = level;
  }
}

export function makeMemory(size = 4 << 20): GuestMemory {
  return new GuestMemory(new Uint8Array(size));
}

/** A bump allocator over guest RAM for buffers and rings. */
export class GuestAllocator {
  constructor(private next = RAM_BASE + 0x10_0000) {}
  alloc(len: number, align = 16): number {
    this.next = Math.ceil(this.next / align) * align;
    const a = this.next;
    this.next += Math.max(len, 1);
    return a;
  }
}

export interface BufferSpec {
  /** Contents of a readable buffer. */
  data?: Uint8Array;
  /** Size of a writable buffer. */
  len?: number;
  writable?: boolean;
}

/** The driver's view of one split virtqueue. */
export class GuestQueue {
  readonly descAddr: number;
  readonly availAddr: number;
  readonly usedAddr: number;
  private readonly dv: DataView;
  private nextDesc = 0;
  private availIdx = 0;
  private lastUsed = 0;
  /** Guest addresses of the buffers of each head, for reading back writes. */
  readonly buffers = new Map<number, Array<{ addr: number; len: number; writable: boolean }>>();

  constructor(
    readonly mem: GuestMemory,
    readonly alloc: GuestAllocator,
    readonly size: number,
  ) {
    this.descAddr = alloc.alloc(16 * size, 16);
    this.availAddr = alloc.alloc(6 + 2 * size, 2);
    this.usedAddr = alloc.alloc(6 + 8 * size, 4);
    this.dv = new DataView(mem.bytes.buffer, mem.bytes.byteOffset, mem.bytes.byteLength);
  }

  private off(gpa: number): number {
    return gpa - RAM_BASE;
  }

  /** Writes descriptor `i` raw (no checks: hostile tests use this). */
  setDesc(i: number, addr: number, len: number, flags: number, next: number, table = this.descAddr): void {
    const o = this.off(table + 16 * i);
    this.dv.setUint32(o, addr >>> 0, true);
    this.dv.setUint32(o + 4, Math.floor(addr / 0x1_0000_0000) >>> 0, true);
    this.dv.setUint32(o + 8, len >>> 0, true);
    this.dv.setUint16(o + 12, flags, true);
    this.dv.setUint16(o + 14, next, true);
  }

  /** Makes chain `head` available (no kick). */
  publish(head: number): void {
    this.dv.setUint16(this.off(this.availAddr + 4 + 2 * (this.availIdx % this.size)), head, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.dv.setUint16(this.off(this.availAddr + 2), this.availIdx, true);
  }

  /** Sets the avail ring's idx field directly (hostile tests). */
  setAvailIdx(idx: number): void {
    this.availIdx = idx & 0xffff;
    this.dv.setUint16(this.off(this.availAddr + 2), this.availIdx, true);
  }

  setAvailFlags(flags: number): void {
    this.dv.setUint16(this.off(this.availAddr), flags, true);
  }

  /** used_event (EVENT_IDX): interrupt me when the used index passes this. */
  setUsedEvent(v: number): void {
    this.dv.setUint16(this.off(this.availAddr + 4 + 2 * this.size), v, true);
  }

  /** avail_event written by the device (EVENT_IDX). */
  availEvent(): number {
    return this.dv.getUint16(this.off(this.usedAddr + 4 + 8 * this.size), true);
  }

  usedIdx(): number {
    return this.dv.getUint16(this.off(this.usedAddr + 2), true);
  }

  /** Used entries added since the last call. */
  takeUsed(): Array<{ id: number; len: number }> {
    const out = [];
    const end = this.usedIdx();
    while (this.lastUsed !== end) {
      const o = this.off(this.usedAddr + 4 + 8 * (this.lastUsed % this.size));
      out.push({ id: this.dv.getUint32(o, true), len: this.dv.getUint32(o + 4, true) });
      this.lastUsed = (this.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** Builds a chain in the descriptor table (readable buffers first), publishes it, returns its head. */
  add(bufs: BufferSpec[]): number {
    const head = this.nextDesc;
    const recorded = [];
    for (let k = 0; k < bufs.length; k++) {
      const b = bufs[k];
      const len = b.data ? b.data.length : (b.len ?? 0);
      const addr = this.alloc.alloc(len, 8);
      if (b.data) this.mem.write(addr, b.data);
      const i = (head + k) % this.size;
      const last = k === bufs.length - 1;
      const flags = (b.writable ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT);
      this.setDesc(i, addr, len, flags, (i + 1) % this.size);
      recorded.push({ addr, len, writable: !!b.writable });
    }
    this.nextDesc = (head + bufs.length) % this.size;
    this.buffers.set(head, recorded);
    this.publish(head);
    return head;
  }

  /** Like add(), but through one indirect table referenced by a single descriptor. */
  addIndirect(bufs: BufferSpec[]): number {
    const table = this.alloc.alloc(16 * bufs.length, 16);
    const recorded = [];
    for (let k = 0; k < bufs.length; k++) {
      const b = bufs[k];
      const len = b.data ? b.data.length : (b.len ?? 0);
      const addr = this.alloc.alloc(len, 8);
      if (b.data) this.mem.write(addr, b.data);
      const last = k === bufs.length - 1;
      const flags = (b.writable ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT);
      this.setDesc(k, addr, len, flags, k + 1, table);
      recorded.push({ addr, len, writable: !!b.writable });
    }
    const head = this.nextDesc;
    this.setDesc(head, table, 16 * bufs.length, VIRTQ_DESC_F_INDIRECT, 0);
    this.nextDesc = (head + 1) % this.size;
    this.buffers.set(head, recorded);
    this.publish(head);
    return head;
  }

  /** The first `len` bytes the device wrote into chain `head`'s writable buffers. */
  written(head: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let pos = 0;
    for (const b of this.buffers.get(head) ?? []) {
      if (!b.writable || pos >= len) continue;
      const n = Math.min(b.len, len - pos);
      out.set(this.mem.view(b.addr, n)!, pos);
      pos += n;
    }
    return out;
  }
}

const REG = {
  magic: 0x000, version: 0x004, deviceId: 0x008, vendorId: 0x00c,
  deviceFeatures: 0x010, deviceFeaturesSel: 0x014, driverFeatures: 0x020, driverFeaturesSel: 0x024,
  queueSel: 0x030, queueNumMax: 0x034, queueNum: 0x038, queueReady: 0x044, queueNotify: 0x050,
  interruptStatus: 0x060, interruptAck: 0x064, status: 0x070,
  queueDescLow: 0x080, queueDescHigh: 0x084, queueDriverLow: 0x090, queueDriverHigh: 0x094,
  queueDeviceLow: 0x0a0, queueDeviceHigh: 0x0a4, configGeneration: 0x0fc, config: 0x100,
} as const;
export { REG as MMIO_REG };

/** Drives a virtio-mmio register window like the Linux virtio_mmio driver. */
export class MmioDriver {
  readonly queues: GuestQueue[] = [];
  readonly alloc = new GuestAllocator();

  constructor(
    readonly regs: RegisterWindow,
    readonly mem: GuestMemory,
  ) {}

  r(off: number): number {
    return this.regs.read(off, 4);
  }
  w(off: number, v: number): void {
    this.regs.write(off, v, 4);
  }

  deviceFeatures(): Features {
    this.w(REG.deviceFeaturesSel, 0);
    const lo = this.r(REG.deviceFeatures);
    this.w(REG.deviceFeaturesSel, 1);
    return [lo, this.r(REG.deviceFeatures)];
  }

  /**
   * Full initialisation (VIRTIO 1.2 §3.1.1): reset, ACKNOWLEDGE, DRIVER, features,
   * FEATURES_OK, queues, DRIVER_OK. `accept` filters the offered features;
   * returns the status read back at the end.
   */
  init(queueSizes: number[], accept: (offered: Features) => Features = () => featureBits(VIRTIO_F_VERSION_1)): number {
    this.w(REG.status, 0);
    this.w(REG.status, VIRTIO_STATUS_ACKNOWLEDGE);
    this.w(REG.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    const want = accept(this.deviceFeatures());
    this.w(REG.driverFeaturesSel, 0);
    this.w(REG.driverFeatures, want[0]);
    this.w(REG.driverFeaturesSel, 1);
    this.w(REG.driverFeatures, want[1]);
    this.w(REG.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    if (!(this.r(REG.status) & VIRTIO_STATUS_FEATURES_OK)) return this.r(REG.status);
    queueSizes.forEach((size, i) => this.setupQueue(i, size));
    this.w(REG.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    return this.r(REG.status);
  }

  setupQueue(i: number, size: number): GuestQueue {
    this.w(REG.queueSel, i);
    const max = this.r(REG.queueNumMax);
    if (max === 0) throw new Error(`queue ${i} does not exist`);
    const q = new GuestQueue(this.mem, this.alloc, Math.min(size, max));
    this.w(REG.queueNum, q.size);
    this.w(REG.queueDescLow, q.descAddr >>> 0);
    this.w(REG.queueDescHigh, Math.floor(q.descAddr / 0x1_0000_0000));
    this.w(REG.queueDriverLow, q.availAddr >>> 0);
    this.w(REG.queueDriverHigh, Math.floor(q.availAddr / 0x1_0000_0000));
    this.w(REG.queueDeviceLow, q.usedAddr >>> 0);
    this.w(REG.queueDeviceHigh, Math.floor(q.usedAddr / 0x1_0000_0000));
    this.w(REG.queueReady, 1);
    this.queues[i] = q;
    return q;
  }

  kick(q: number): void {
    this.w(REG.queueNotify, q);
  }

  /** Reads and acknowledges the interrupt status, as the interrupt handler does. */
  ackInterrupt(): number {
    const s = this.r(REG.interruptStatus);
    this.w(REG.interruptAck, s);
    return s;
  }

  status(): number {
    return this.r(REG.status);
  }
}
