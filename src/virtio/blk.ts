// virtio-blk (VIRTIO 1.2 §5.2): one request queue, requests served synchronously
// by a BlockBackend straight into and out of guest memory (no bounce buffers).
// Every sector range is checked against the capacity before the backend sees it.

import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_ID_BLOCK,
  featureBits,
  readLE,
} from './device.js';
import type { DescriptorChain, Segment } from './queue.js';

export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_GEOMETRY = 4;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_FLUSH = 9;
export const VIRTIO_BLK_F_DISCARD = 13;
export const VIRTIO_BLK_F_WRITE_ZEROES = 14;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;

export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

const SECTOR = 512;
const QUEUE_SIZE = 256;
const SEG_MAX = QUEUE_SIZE - 2;
const CONFIG_SIZE = 60;
const MAX_DISCARD_SECTORS = 0x3fffff;
const MAX_DISCARD_SEG = 32;
const ID_BYTES = 20;

/**
 * What the disk needs from the host: byte-addressed, synchronous; errors are
 * thrown and become VIRTIO_BLK_S_IOERR (VIRTIO_BLK_S_UNSUPP for an error whose
 * `code` is EOPNOTSUPP or ENOSYS). Offsets and lengths are whole sectors
 * inside `size`.
 */
export interface BlockBackend {
  /** Capacity in bytes (a multiple of 512; a partial last sector is not exposed). */
  readonly size: number;
  readonly readOnly: boolean;
  /** Up to 20 bytes returned by GET_ID (UML's serial). */
  readonly serial?: string;
  read(offset: number, dst: Uint8Array): void;
  write(offset: number, src: Uint8Array): void;
  /** Optional vectored forms: one request's buffers, contiguous on the disk, in one call. */
  readv?(offset: number, dsts: Uint8Array[]): void;
  writev?(offset: number, srcs: Uint8Array[]): void;
  flush(): void;
  /** Present when the backend can deallocate (punch holes); absent: not offered. */
  discard?(offset: number, length: number): void;
  /** Present when the backend can zero ranges cheaply; absent: not offered. */
  writeZeroes?(offset: number, length: number, unmap: boolean): void;
}

class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queueMaxSizes = [QUEUE_SIZE];
  readonly features: Features;
  private readonly config = new Uint8Array(CONFIG_SIZE);
  private readonly header = new Uint8Array(16);
  private readonly headerView = new DataView(this.header.buffer);
  private sectors = 0;
  private backend: BlockBackend | null;
  private ctx: VirtioDeviceContext | undefined;
  /** Backends whose host refused discard (resp. write-zeroes) once. */
  private readonly refusedDiscard = new WeakSet<BlockBackend>();
  private readonly refusedZeroes = new WeakSet<BlockBackend>();
  /** Last host I/O error, for the log. */
  lastError: string | undefined;

  /**
   * `backend` null: an empty slot (capacity 0) that setBackend() fills later. Such a slot
   * offers every optional feature up front, since features are fixed once the driver has
   * negotiated them; requests the backend cannot serve fail (RO) or are UNSUPP.
   */
  constructor(backend: BlockBackend | null) {
    this.backend = backend;
    const bits = [VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_GEOMETRY, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH];
    if (!backend) bits.push(VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES);
    else {
      if (backend.readOnly) bits.push(VIRTIO_BLK_F_RO);
      if (backend.discard && !backend.readOnly) bits.push(VIRTIO_BLK_F_DISCARD);
      if (backend.writeZeroes && !backend.readOnly) bits.push(VIRTIO_BLK_F_WRITE_ZEROES);
    }
    this.features = featureBits(...bits);
    const c = new DataView(this.config.buffer);
    c.setUint32(12, SEG_MAX, true);
    c.setUint32(20, SECTOR, true);
    c.setUint32(36, MAX_DISCARD_SECTORS, true);
    c.setUint32(40, MAX_DISCARD_SEG, true);
    c.setUint32(44, 1, true);
    c.setUint32(48, MAX_DISCARD_SECTORS, true);
    c.setUint32(52, MAX_DISCARD_SEG, true);
    this.config[56] = 1; // write_zeroes_may_unmap
    this.setCapacity();
  }

  /** The driver has set DRIVER_OK (and not reset since). */
  get active(): boolean {
    return this.ctx !== undefined;
  }

  /**
   * Puts a disk into the slot or takes it out (null): the capacity changes and the driver
   * gets a configuration-change interrupt.
   */
  setBackend(backend: BlockBackend | null): void {
    this.backend = backend;
    this.setCapacity();
    this.ctx?.configChanged();
  }

  private setCapacity(): void {
    this.sectors = this.backend ? Math.floor(this.backend.size / SECTOR) : 0;
    const c = new DataView(this.config.buffer);
    c.setUint32(0, this.sectors >>> 0, true);
    c.setUint32(4, Math.floor(this.sectors / 0x1_0000_0000), true);
    // UML's geometry: 128 heads, 32 sectors per track, as many cylinders as fit.
    c.setUint16(16, Math.min(0xffff, Math.floor(this.sectors / (128 * 32))), true);
    this.config[18] = 128;
    this.config[19] = 32;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readLE(this.config, offset, size);
  }

  writeConfig(): void {
    // writeback toggling (CONFIG_WCE) is not offered: config is read-only.
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
  }

  notify(q: number): void {
    const ctx = this.ctx;
    if (!ctx || q !== 0) return;
    const queue = ctx.queues[0];
    let served = false;
    let chain;
    while ((chain = queue.pop())) {
      queue.addUsed(chain.head, this.serve(ctx, chain));
      served = true;
    }
    if (served) ctx.notifyUsed(0);
  }

  /** Serves one request; returns the number of bytes written to the driver. */
  private serve(ctx: VirtioDeviceContext, chain: DescriptorChain): number {
    if (chain.writableLength < 1 || chain.read(0, this.header) < 16) {
      // Nowhere to put a status: the driver broke the protocol.
      ctx.needsReset('virtio-blk request without header or status byte');
      return 0;
    }
    const type = this.headerView.getUint32(0, true);
    const sector = this.headerView.getUint32(8, true) + this.headerView.getUint32(12, true) * 0x1_0000_0000;
    const dataIn = chain.writableLength - 1;
    let status = VIRTIO_BLK_S_OK;
    let written = 0;
    const backend = this.backend;
    try {
      if (!backend && type !== VIRTIO_BLK_T_GET_ID) throw new RequestError(VIRTIO_BLK_S_IOERR, 'no disk in this slot');
      switch (type) {
        case VIRTIO_BLK_T_IN:
          this.check(sector, dataIn);
          this.transfer(ctx, backend!, chain.writable, dataIn, sector * SECTOR, false);
          written = dataIn;
          break;
        case VIRTIO_BLK_T_OUT: {
          if (backend!.readOnly) throw new RequestError(VIRTIO_BLK_S_IOERR, 'write to a read-only disk');
          const len = chain.readableLength - 16;
          this.check(sector, len);
          this.transfer(ctx, backend!, skip(chain.readable, 16), len, sector * SECTOR, true);
          break;
        }
        case VIRTIO_BLK_T_FLUSH:
          backend!.flush();
          break;
        case VIRTIO_BLK_T_GET_ID: {
          const id = new Uint8Array(ID_BYTES);
          const s = backend?.serial ?? '';
          for (let i = 0; i < Math.min(s.length, ID_BYTES); i++) id[i] = s.charCodeAt(i) & 0xff;
          written = chain.write(0, id.subarray(0, Math.min(ID_BYTES, dataIn)));
          break;
        }
        case VIRTIO_BLK_T_DISCARD:
        case VIRTIO_BLK_T_WRITE_ZEROES:
          this.ranges(chain, backend!, type);
          break;
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
    } catch (e) {
      if (e instanceof RequestError) status = e.status;
      else if (isUnsupported(e)) {
        status = VIRTIO_BLK_S_UNSUPP;
        // As UML: the host cannot do it on this file, so it is off for the rest of the session.
        if (backend && type === VIRTIO_BLK_T_DISCARD) this.refusedDiscard.add(backend);
        if (backend && type === VIRTIO_BLK_T_WRITE_ZEROES) this.refusedZeroes.add(backend);
      }
      else {
        status = VIRTIO_BLK_S_IOERR;
        this.lastError = e instanceof Error ? e.message : String(e);
      }
      written = 0;
    }
    chain.write(chain.writableLength - 1, Uint8Array.of(status));
    return written + 1;
  }

  private check(sector: number, len: number): void {
    if (len % SECTOR !== 0) throw new RequestError(VIRTIO_BLK_S_IOERR, `length ${len} is not whole sectors`);
    if (sector + len / SECTOR > this.sectors) {
      throw new RequestError(VIRTIO_BLK_S_IOERR, `sector ${sector}+${len / SECTOR} past the end`);
    }
  }

  // Moves `len` bytes between the guest segments and the disk at `offset`.
  private transfer(ctx: VirtioDeviceContext, backend: BlockBackend, segs: Segment[], len: number, offset: number, toDisk: boolean): void {
    const views: Uint8Array[] = [];
    let left = len;
    for (const s of segs) {
      if (left <= 0) break;
      const n = Math.min(s.len, left);
      const view = ctx.mem.view(s.addr, n);
      if (!view) throw new RequestError(VIRTIO_BLK_S_IOERR, 'buffer outside RAM');
      views.push(view);
      left -= n;
    }
    const vectored = toDisk ? backend.writev : backend.readv;
    if (vectored && views.length > 1) {
      vectored.call(backend, offset, views);
      return;
    }
    for (const view of views) {
      if (toDisk) backend.write(offset, view);
      else backend.read(offset, view);
      offset += view.length;
    }
  }

  private ranges(chain: DescriptorChain, backend: BlockBackend, type: number): void {
    const discard = type === VIRTIO_BLK_T_DISCARD;
    const fn = discard ? backend.discard : backend.writeZeroes;
    const refused = (discard ? this.refusedDiscard : this.refusedZeroes).has(backend);
    if (!fn || backend.readOnly || refused) throw new RequestError(VIRTIO_BLK_S_UNSUPP, 'unsupported');
    const len = chain.readableLength - 16;
    if (len <= 0 || len % 16 !== 0 || len / 16 > MAX_DISCARD_SEG) {
      throw new RequestError(VIRTIO_BLK_S_IOERR, 'bad discard/write-zeroes segment list');
    }
    const segs = new Uint8Array(len);
    chain.read(16, segs);
    const dv = new DataView(segs.buffer);
    for (let i = 0; i < len; i += 16) {
      const sector = dv.getUint32(i, true) + dv.getUint32(i + 4, true) * 0x1_0000_0000;
      const count = dv.getUint32(i + 8, true);
      const flags = dv.getUint32(i + 12, true);
      if (count > MAX_DISCARD_SECTORS) throw new RequestError(VIRTIO_BLK_S_IOERR, 'range too long');
      // Discard takes no flags; write-zeroes only UNMAP (bit 0).
      if (flags & (discard ? ~0 : ~1)) throw new RequestError(VIRTIO_BLK_S_UNSUPP, 'unknown range flags');
      this.check(sector, count * SECTOR);
      if (discard) backend.discard!(sector * SECTOR, count * SECTOR);
      else backend.writeZeroes!(sector * SECTOR, count * SECTOR, (flags & 1) !== 0);
    }
  }
}

/** The host cannot do it (fallocate mode on this file system): the guest stops asking. */
function isUnsupported(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'EOPNOTSUPP' || code === 'ENOSYS';
}

function skip(segs: Segment[], n: number): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    if (n >= s.len) {
      n -= s.len;
      continue;
    }
    out.push({ addr: s.addr + n, len: s.len - n });
    n = 0;
  }
  return out;
}
