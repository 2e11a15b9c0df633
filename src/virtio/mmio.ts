// virtio-mmio transport, version 2 (VIRTIO 1.2 §4.2 "Virtio Over MMIO").
// Owns the register file, feature negotiation, the status state machine and
// the queues; a VirtioDevice supplies behaviour. Illegal driver writes are
// ignored; a queue the driver corrupts sets DEVICE_NEEDS_RESET.

import type { GuestMemory } from '../cpu/hart.js';
import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VIRTIO_STATUS_DEVICE_NEEDS_RESET,
  VIRTIO_STATUS_DRIVER_OK,
  VIRTIO_STATUS_FEATURES_OK,
  featureBits,
  hasFeature,
} from './device.js';
import { VirtQueue } from './queue.js';

/** Interrupt wire (same shape as the board's IrqLine). */
export interface VirtioIrq {
  set(level: boolean): void;
}

// Register offsets
const MAGIC_VALUE = 0x000;
const VERSION = 0x004;
const DEVICE_ID = 0x008;
const VENDOR_ID = 0x00c;
const DEVICE_FEATURES = 0x010;
const DEVICE_FEATURES_SEL = 0x014;
const DRIVER_FEATURES = 0x020;
const DRIVER_FEATURES_SEL = 0x024;
const QUEUE_SEL = 0x030;
const QUEUE_NUM_MAX = 0x034;
const QUEUE_NUM = 0x038;
const QUEUE_READY = 0x044;
const QUEUE_NOTIFY = 0x050;
const INTERRUPT_STATUS = 0x060;
const INTERRUPT_ACK = 0x064;
const STATUS = 0x070;
const QUEUE_DESC_LOW = 0x080;
const QUEUE_DESC_HIGH = 0x084;
const QUEUE_DRIVER_LOW = 0x090;
const QUEUE_DRIVER_HIGH = 0x094;
const QUEUE_DEVICE_LOW = 0x0a0;
const QUEUE_DEVICE_HIGH = 0x0a4;
const SHM_SEL = 0x0ac;
const SHM_LEN_LOW = 0x0b0;
const SHM_LEN_HIGH = 0x0b4;
const SHM_BASE_LOW = 0x0b8;
const SHM_BASE_HIGH = 0x0bc;
const CONFIG_GENERATION = 0x0fc;
const CONFIG = 0x100;

export const VIRTIO_MMIO_MAGIC = 0x74726976; // "virt"
export const VIRTIO_MMIO_VERSION = 2;
/** Vendor ID reported by tuml's devices ("TUML" little-endian). */
export const VIRTIO_MMIO_VENDOR_TUML = 0x4c4d5554;

export const VIRTIO_MMIO_INT_VRING = 1;
export const VIRTIO_MMIO_INT_CONFIG = 2;

const TWO32 = 0x1_0000_0000;

/** Features every device gets from the transport and the shared queue. */
const TRANSPORT_FEATURES = featureBits(VIRTIO_F_VERSION_1, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC);

export class VirtioMmio {
  private readonly queues: VirtQueue[];
  private readonly offered: Features;
  private driverFeatures: Features = [0, 0];
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private queueSel = 0;
  private status = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  private active = false;
  private irqLevel = false;
  /** Why the device last asked for a reset (for logs and tests). */
  resetReason: string | undefined;
  /** Protocol violations by the driver; the host may log them. */
  onWarning: (msg: string) => void = () => {};

  constructor(
    private readonly mem: GuestMemory,
    readonly device: VirtioDevice,
    private readonly irq: VirtioIrq,
  ) {
    this.offered = [
      (device.features[0] | TRANSPORT_FEATURES[0]) >>> 0,
      (device.features[1] | TRANSPORT_FEATURES[1]) >>> 0,
    ];
    this.queues = device.queueMaxSizes.map((n) => {
      const q = new VirtQueue(mem, n);
      q.onBroken = (reason) => this.needsReset(reason);
      return q;
    });
  }

  private get queue(): VirtQueue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= CONFIG) return this.device.readConfig(offset - CONFIG, size);
    if (size !== 4 || offset & 3) return 0;
    switch (offset) {
      case MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
      case VERSION:
        return VIRTIO_MMIO_VERSION;
      case DEVICE_ID:
        return this.device.deviceId;
      case VENDOR_ID:
        return VIRTIO_MMIO_VENDOR_TUML;
      case DEVICE_FEATURES:
        return this.deviceFeaturesSel < 2 ? this.offered[this.deviceFeaturesSel] : 0;
      case QUEUE_NUM_MAX:
        return this.queue?.maxSize ?? 0;
      case QUEUE_READY:
        return this.queue?.ready ? 1 : 0;
      case INTERRUPT_STATUS:
        return this.interruptStatus;
      case STATUS:
        return this.status;
      case QUEUE_DESC_LOW:
        return (this.queue?.descAddr ?? 0) >>> 0;
      case QUEUE_DESC_HIGH:
        return Math.floor((this.queue?.descAddr ?? 0) / TWO32);
      case QUEUE_DRIVER_LOW:
        return (this.queue?.availAddr ?? 0) >>> 0;
      case QUEUE_DRIVER_HIGH:
        return Math.floor((this.queue?.availAddr ?? 0) / TWO32);
      case QUEUE_DEVICE_LOW:
        return (this.queue?.usedAddr ?? 0) >>> 0;
      case QUEUE_DEVICE_HIGH:
        return Math.floor((this.queue?.usedAddr ?? 0) / TWO32);
      case SHM_LEN_LOW:
      case SHM_LEN_HIGH:
        return 0xffff_ffff; // no shared memory regions
      case SHM_BASE_LOW:
      case SHM_BASE_HIGH:
        return 0xffff_ffff;
      case CONFIG_GENERATION:
        return this.configGeneration;
      default:
        return 0;
    }
  }

  write(offset: number, value: number, size: 1 | 2 | 4): void {
    if (offset >= CONFIG) {
      this.device.writeConfig(offset - CONFIG, value, size);
      return;
    }
    if (size !== 4 || offset & 3) {
      this.onWarning(`virtio-mmio: ${size}-byte write to register 0x${offset.toString(16)} ignored`);
      return;
    }
    const v = value >>> 0;
    switch (offset) {
      case DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = v;
        return;
      case DRIVER_FEATURES:
        if (this.status & VIRTIO_STATUS_FEATURES_OK) return; // negotiation is over
        if (this.driverFeaturesSel < 2) this.driverFeatures[this.driverFeaturesSel] = v;
        return;
      case DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = v;
        return;
      case QUEUE_SEL:
        this.queueSel = v;
        return;
      case QUEUE_NUM:
        if (this.queue && !this.queue.ready) this.queue.size = v;
        return;
      case QUEUE_READY:
        this.setQueueReady(v === 1);
        return;
      case QUEUE_NOTIFY:
        this.queueNotify(v & 0xffff);
        return;
      case INTERRUPT_ACK:
        this.interruptStatus &= ~v;
        this.updateIrq();
        return;
      case STATUS:
        this.setStatus(v & 0xff);
        return;
      case QUEUE_DESC_LOW:
      case QUEUE_DESC_HIGH:
      case QUEUE_DRIVER_LOW:
      case QUEUE_DRIVER_HIGH:
      case QUEUE_DEVICE_LOW:
      case QUEUE_DEVICE_HIGH:
        this.setQueueAddress(offset, v);
        return;
      case SHM_SEL:
        return;
      default:
        this.onWarning(`virtio-mmio: write to read-only or unknown register 0x${offset.toString(16)}`);
    }
  }

  private setQueueAddress(offset: number, v: number): void {
    const q = this.queue;
    if (!q || q.ready) return;
    const set = (old: number, high: boolean) =>
      high ? (v & 0x1f_ffff) * TWO32 + (old % TWO32) : Math.floor(old / TWO32) * TWO32 + v;
    // Addresses at or above 2^53 cannot be RAM; they are clamped and then fail validation.
    const hiTooBig = (offset & 4) !== 0 && v > 0x1f_ffff;
    switch (offset) {
      case QUEUE_DESC_LOW:
      case QUEUE_DESC_HIGH:
        q.descAddr = hiTooBig ? Number.MAX_SAFE_INTEGER : set(q.descAddr, (offset & 4) !== 0);
        break;
      case QUEUE_DRIVER_LOW:
      case QUEUE_DRIVER_HIGH:
        q.availAddr = hiTooBig ? Number.MAX_SAFE_INTEGER : set(q.availAddr, (offset & 4) !== 0);
        break;
      default:
        q.usedAddr = hiTooBig ? Number.MAX_SAFE_INTEGER : set(q.usedAddr, (offset & 4) !== 0);
    }
  }

  private setQueueReady(on: boolean): void {
    const q = this.queue;
    if (!q) return;
    if (!on) {
      q.ready = false;
      return;
    }
    if (q.ready) return;
    const problem = q.validate();
    if (problem) {
      this.needsReset(`queue ${this.queueSel}: ${problem}`);
      return;
    }
    q.ready = true;
  }

  private queueNotify(index: number): void {
    if (!this.active) return;
    const q = this.queues[index];
    if (!q || !q.ready || q.broken) return;
    this.device.notify(index);
  }

  private setStatus(v: number): void {
    if (v === 0) {
      this.reset();
      return;
    }
    const old = this.status;
    let next = (v & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    if (next & VIRTIO_STATUS_FEATURES_OK && !(old & VIRTIO_STATUS_FEATURES_OK)) {
      if (!this.featuresAcceptable()) next &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    if (next & VIRTIO_STATUS_DRIVER_OK && !(next & VIRTIO_STATUS_FEATURES_OK)) {
      this.onWarning('virtio-mmio: DRIVER_OK without FEATURES_OK ignored');
      next &= ~VIRTIO_STATUS_DRIVER_OK;
    }
    this.status = next;
    if (next & VIRTIO_STATUS_DRIVER_OK && !(old & VIRTIO_STATUS_DRIVER_OK)) this.activate();
  }

  private featuresAcceptable(): boolean {
    const f = this.driverFeatures;
    if ((f[0] & ~this.offered[0]) !== 0 || (f[1] & ~this.offered[1]) !== 0) {
      this.onWarning('virtio-mmio: driver accepted features that were not offered');
      return false;
    }
    if (!hasFeature(f, VIRTIO_F_VERSION_1)) {
      this.onWarning('virtio-mmio: legacy driver (no VIRTIO_F_VERSION_1) refused');
      return false;
    }
    return true;
  }

  private activate(): void {
    const features: Features = [this.driverFeatures[0], this.driverFeatures[1]];
    for (const q of this.queues) {
      q.eventIdx = hasFeature(features, VIRTIO_F_EVENT_IDX);
      q.indirect = hasFeature(features, VIRTIO_F_INDIRECT_DESC);
    }
    const ctx: VirtioDeviceContext = {
      mem: this.mem,
      queues: this.queues,
      features,
      notifyUsed: (i) => {
        const q = this.queues[i];
        if (q && q.needsInterrupt()) this.interrupt(VIRTIO_MMIO_INT_VRING);
      },
      configChanged: () => {
        this.configGeneration = (this.configGeneration + 1) >>> 0;
        if (this.status & VIRTIO_STATUS_DRIVER_OK) this.interrupt(VIRTIO_MMIO_INT_CONFIG);
      },
      needsReset: (reason) => this.needsReset(reason),
    };
    this.active = true;
    this.device.activate(ctx);
    // Buffers the driver queued (and kicked) before DRIVER_OK are served now.
    this.queues.forEach((q, i) => {
      if (this.active && q.ready && q.hasAvailable()) this.device.notify(i);
    });
  }

  private needsReset(reason: string): void {
    if (this.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) return;
    this.resetReason = reason;
    this.onWarning(`virtio-mmio: device ${this.device.deviceId} needs reset: ${reason}`);
    this.status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    this.active = false;
    if (this.status & VIRTIO_STATUS_DRIVER_OK) this.interrupt(VIRTIO_MMIO_INT_CONFIG);
  }

  /** Driver reset (status 0) or machine reset. */
  reset(): void {
    this.device.reset();
    this.active = false;
    this.status = 0;
    this.driverFeatures = [0, 0];
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.interruptStatus = 0;
    this.resetReason = undefined;
    this.updateIrq();
  }

  private interrupt(bits: number): void {
    this.interruptStatus |= bits;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
