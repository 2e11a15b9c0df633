// What a virtio device model implements, and what its transport gives it.
// Device models know nothing about MMIO registers; the transport knows nothing
// about what a device does with its queues (rust-vmm's VirtioDevice split).

import type { GuestMemory } from '../cpu/hart.js';
import type { VirtQueue } from './queue.js';

// Device status bits (VIRTIO 1.2 §2.1)
export const VIRTIO_STATUS_ACKNOWLEDGE = 1;
export const VIRTIO_STATUS_DRIVER = 2;
export const VIRTIO_STATUS_DRIVER_OK = 4;
export const VIRTIO_STATUS_FEATURES_OK = 8;
export const VIRTIO_STATUS_DEVICE_NEEDS_RESET = 64;
export const VIRTIO_STATUS_FAILED = 128;

// Reserved feature bits (§6)
export const VIRTIO_F_INDIRECT_DESC = 28;
export const VIRTIO_F_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;

// Device IDs (§5)
export const VIRTIO_ID_NET = 1;
export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_ID_CONSOLE = 3;
export const VIRTIO_ID_RNG = 4;
export const VIRTIO_ID_9P = 9;

/** A set of feature bits as 32-bit pages: page 0 = bits 0..31, page 1 = bits 32..63. */
export type Features = [number, number];

export function hasFeature(f: Features, bit: number): boolean {
  return ((f[bit >> 5] >>> (bit & 31)) & 1) === 1;
}

export function featureBits(...bits: number[]): Features {
  const f: Features = [0, 0];
  for (const b of bits) f[b >> 5] = (f[b >> 5] | (1 << (b & 31))) >>> 0;
  return f;
}

/** Given to a device when the driver sets DRIVER_OK. */
export interface VirtioDeviceContext {
  readonly mem: GuestMemory;
  readonly queues: readonly VirtQueue[];
  /** The features the driver accepted. */
  readonly features: Features;
  /** Interrupts the driver if it wants to hear about new used entries of queue `q`. */
  notifyUsed(q: number): void;
  /** The device configuration changed: bump the generation and interrupt. */
  configChanged(): void;
  /** The device cannot go on (guest broke the protocol): DEVICE_NEEDS_RESET. */
  needsReset(reason: string): void;
}

export interface VirtioDevice {
  readonly deviceId: number;
  /** Maximum size of each queue; the array length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  /** Device-specific feature bits offered (the transport adds VERSION_1, EVENT_IDX, INDIRECT_DESC). */
  readonly features: Features;
  /** Device configuration space (little-endian), `size` bytes at `offset`. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, value: number, size: 1 | 2 | 4): void;
  /** The driver is ready (DRIVER_OK): start serving queues. */
  activate(ctx: VirtioDeviceContext): void;
  /** The driver kicked queue `q`. */
  notify(q: number): void;
  /** Back to the state before activate() (driver reset). */
  reset(): void;
}

/** Reads `size` bytes little-endian at `offset` of a config-space image. */
export function readLE(buf: Uint8Array, offset: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) {
    const b = offset + i < buf.length && offset + i >= 0 ? buf[offset + i] : 0;
    v = v * 256 + b;
  }
  return v >>> 0;
}
