// A UML COW device as a BlockBackend (spec ubd-and-cow.md §3.3, §6): sectors whose bit is set
// live in the COW file at dataOffset + offset, the others are read from the backing file, which
// is never written. The bitmap is held in memory and is authoritative; a write goes to the data
// area first and only then are the bitmap bytes it changed written, so a crash between the two
// leaves the old contents visible, never a bit pointing at data that was not written.
// A guest flush syncs the COW file (data and bitmap) — not the backing file, as 6.1 UML does.

import * as fs from 'node:fs';
import type { BlockBackend } from '../../../virtio/blk.js';
import { preadAll, preadvAll, pwriteAll, pwritevAll } from '../file.js';
import type { HostFileOps } from '../hostops.js';
import type { CowGeometry } from './format.js';

const SECTOR = 512;

export interface CowBackendOptions {
  cowFd: number;
  backingFd: number;
  /** The backing file as opened (for reports). */
  backingPath: string;
  geometry: CowGeometry;
  /** The bitmap as read from the file (bitmapLength bytes). */
  bitmap: Uint8Array;
  /** Device capacity in bytes (the backing file's size, rounded up to 512). */
  size: number;
  readOnly: boolean;
  serial?: string;
  ops?: HostFileOps;
  trim?: boolean;
}

export class CowBackend implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  readonly serial?: string;
  readonly backingPath: string;
  discard?: (offset: number, length: number) => void;
  writeZeroes?: (offset: number, length: number, unmap: boolean) => void;
  private readonly cowFd: number;
  private readonly backingFd: number;
  private readonly dataOffset: number;
  private readonly bitmapOffset: number;
  /** In-memory bitmap, padded to whole 8-byte words. */
  private readonly bitmap: Uint8Array;
  /** Bytes of bitmap the file has room for before the data area. */
  private readonly bitmapRoom: number;

  constructor(o: CowBackendOptions) {
    this.cowFd = o.cowFd;
    this.backingFd = o.backingFd;
    this.backingPath = o.backingPath;
    this.size = o.size;
    this.readOnly = o.readOnly;
    if (o.serial !== undefined) this.serial = o.serial;
    this.dataOffset = o.geometry.dataOffset;
    this.bitmapOffset = o.geometry.bitmapOffset;
    this.bitmapRoom = o.geometry.dataOffset - o.geometry.bitmapOffset;
    const need = Math.max(o.bitmap.length, Math.ceil(o.size / SECTOR / 8));
    this.bitmap = new Uint8Array(Math.ceil(need / 8) * 8);
    this.bitmap.set(o.bitmap);
    const ops = o.ops;
    if (ops && o.trim !== false && !o.readOnly) {
      // The range reads back as zeros from the COW file once its bits are set.
      this.discard = (offset, length) => this.deallocate(offset, length, ops.FALLOC_FL_PUNCH_HOLE | ops.FALLOC_FL_KEEP_SIZE, ops);
      this.writeZeroes = (offset, length) => this.deallocate(offset, length, ops.FALLOC_FL_ZERO_RANGE | ops.FALLOC_FL_KEEP_SIZE, ops);
    }
  }

  private bit(n: number): boolean {
    return (this.bitmap[n >>> 3]! & (1 << (n & 7))) !== 0;
  }

  /** Runs of sectors with the same bit come from one file; `dst` need not be sector-aligned. */
  read(offset: number, dst: Uint8Array): void {
    const end = offset + dst.length;
    let pos = offset;
    while (pos < end) {
      const inCow = this.bit(Math.floor(pos / SECTOR));
      let stop = (Math.floor(pos / SECTOR) + 1) * SECTOR;
      while (stop < end && this.bit(stop / SECTOR) === inCow) stop += SECTOR;
      if (stop > end) stop = end;
      const part = dst.subarray(pos - offset, stop - offset);
      if (inCow) preadAll(this.cowFd, part, this.dataOffset + pos);
      else preadAll(this.backingFd, part, pos);
      pos = stop;
    }
  }

  write(offset: number, src: Uint8Array): void {
    pwriteAll(this.cowFd, src, this.dataOffset + offset);
    this.mark(offset, src.length);
  }

  /** All of a request's data in one call, then its bitmap words once. */
  writev(offset: number, srcs: Uint8Array[]): void {
    pwritevAll(this.cowFd, srcs, this.dataOffset + offset);
    let len = 0;
    for (const s of srcs) len += s.length;
    this.mark(offset, len);
  }

  /** One call when the whole range lives in one file, else buffer by buffer. */
  readv(offset: number, dsts: Uint8Array[]): void {
    let len = 0;
    for (const d of dsts) len += d.length;
    const first = Math.floor(offset / SECTOR);
    const end = Math.ceil((offset + len) / SECTOR);
    const inCow = this.bit(first);
    let same = true;
    for (let n = first + 1; n < end && same; n++) same = this.bit(n) === inCow;
    if (same) {
      if (inCow) preadvAll(this.cowFd, dsts, this.dataOffset + offset);
      else preadvAll(this.backingFd, dsts, offset);
      return;
    }
    for (const d of dsts) {
      this.read(offset, d);
      offset += d.length;
    }
  }

  flush(): void {
    fs.fsyncSync(this.cowFd);
  }

  close(): void {
    fs.closeSync(this.cowFd);
    fs.closeSync(this.backingFd);
  }

  private deallocate(offset: number, length: number, mode: number, ops: HostFileOps): void {
    ops.fallocate(this.cowFd, mode, this.dataOffset + offset, length);
    this.mark(offset, length);
  }

  /** Sets the bits of [offset, offset+length) and writes the 8-byte words that changed. */
  private mark(offset: number, length: number): void {
    const first = Math.floor(offset / SECTOR);
    const end = Math.ceil((offset + length) / SECTOR);
    let lo = -1;
    let hi = -1;
    for (let n = first; n < end; n++) {
      const i = n >>> 3;
      const m = 1 << (n & 7);
      if (this.bitmap[i]! & m) continue;
      this.bitmap[i] |= m;
      if (lo < 0) lo = i;
      hi = i;
    }
    if (lo < 0) return;
    const from = lo & ~7;
    const to = Math.min((hi & ~7) + 8, this.bitmap.length);
    if (to > this.bitmapRoom) {
      // Only a damaged header could put the bitmap past the data area; refuse to overwrite data.
      throw new Error(`COW bitmap byte ${hi} would lie in the data area`);
    }
    pwriteAll(this.cowFd, this.bitmap.subarray(from, to), this.bitmapOffset + from);
  }
}
