// A raw disk image file as a BlockBackend: synchronous positioned I/O on one
// descriptor. Reads past the end of the file return zeros (sparse images,
// images shorter than their last sector).

import * as fs from 'node:fs';
import type { BlockBackend } from '../../virtio/blk.js';

export interface RawOptions {
  readOnly?: boolean;
  /** O_SYNC on the image (UML's ubd `s` flag / ubd=sync). */
  sync?: boolean;
  serial?: string;
}

export class RawFileBackend implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  readonly serial?: string;
  private readonly fd: number;

  constructor(readonly path: string, opts: RawOptions = {}) {
    let flags = opts.readOnly ? fs.constants.O_RDONLY : fs.constants.O_RDWR;
    if (opts.sync) flags |= fs.constants.O_SYNC;
    this.fd = fs.openSync(path, flags);
    const st = fs.fstatSync(this.fd);
    // UML rounds the capacity up to whole sectors; the tail reads as zeros.
    this.size = Math.ceil(st.size / 512) * 512;
    this.readOnly = !!opts.readOnly;
    this.serial = opts.serial;
  }

  read(offset: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const n = fs.readSync(this.fd, dst, done, dst.length - done, offset + done);
      if (n === 0) {
        dst.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(offset: number, src: Uint8Array): void {
    let done = 0;
    while (done < src.length) done += fs.writeSync(this.fd, src, done, src.length - done, offset + done);
  }

  flush(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
