// A raw disk image file as a BlockBackend: synchronous positioned I/O on one
// descriptor. Reads past the end of the file return zeros (sparse images,
// images shorter than their last sector). Discard punches holes, write-zeroes
// zeroes the range in place (fallocate), when the host offers them.

import * as fs from 'node:fs';
import type { BlockBackend } from '../../virtio/blk.js';
import { fileSize, openFlags, preadAll, preadvAll, pwriteAll, pwritevAll } from './file.js';
import type { HostFileOps } from './hostops.js';

export interface RawOptions {
  /** An open descriptor to use (the caller has opened and locked it); else the file is opened here. */
  fd?: number;
  readOnly?: boolean;
  /** O_SYNC, when the file is opened here (UML's `s` flag / ubd=sync). */
  sync?: boolean;
  serial?: string;
  /** fallocate for discard/write-zeroes; absent or `trim` false: not offered. */
  ops?: HostFileOps;
  trim?: boolean;
}

export class RawFileBackend implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  readonly serial?: string;
  discard?: (offset: number, length: number) => void;
  writeZeroes?: (offset: number, length: number, unmap: boolean) => void;

  private readonly fd: number;

  /** Owns the descriptor from then on: close() closes it. */
  constructor(readonly path: string, opts: RawOptions = {}) {
    const fd = opts.fd ?? fs.openSync(path, openFlags(!!opts.readOnly, !!opts.sync));
    this.fd = fd;
    // UML rounds the capacity up to whole sectors; the tail reads as zeros.
    this.size = Math.ceil(fileSize(fd) / 512) * 512;
    this.readOnly = !!opts.readOnly;
    if (opts.serial !== undefined) this.serial = opts.serial;
    const ops = opts.ops;
    if (ops && opts.trim !== false && !this.readOnly) {
      this.discard = (offset, length) =>
        ops.fallocate(fd, ops.FALLOC_FL_PUNCH_HOLE | ops.FALLOC_FL_KEEP_SIZE, offset, length);
      this.writeZeroes = (offset, length) =>
        ops.fallocate(fd, ops.FALLOC_FL_ZERO_RANGE | ops.FALLOC_FL_KEEP_SIZE, offset, length);
    }
  }

  read(offset: number, dst: Uint8Array): void {
    preadAll(this.fd, dst, offset);
  }

  write(offset: number, src: Uint8Array): void {
    pwriteAll(this.fd, src, offset);
  }

  readv(offset: number, dsts: Uint8Array[]): void {
    preadvAll(this.fd, dsts, offset);
  }

  writev(offset: number, srcs: Uint8Array[]): void {
    pwritevAll(this.fd, srcs, offset);
  }

  flush(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
