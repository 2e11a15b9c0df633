// Positioned I/O and host locks shared by the ubd backends.

import * as fs from 'node:fs';
import type { HostFileOps } from './hostops.js';

/** A disk that cannot be used: the message is one line, in UML's words where UML has some. */
export class UbdOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UbdOpenError';
  }
}

/** pread until full; bytes past end of file read as zeros. */
export function preadAll(fd: number, dst: Uint8Array, pos: number): void {
  let done = 0;
  while (done < dst.length) {
    const n = fs.readSync(fd, dst, done, dst.length - done, pos + done);
    if (n === 0) {
      dst.fill(0, done);
      return;
    }
    done += n;
  }
}

export function pwriteAll(fd: number, src: Uint8Array, pos: number): void {
  let done = 0;
  while (done < src.length) done += fs.writeSync(fd, src, done, src.length - done, pos + done);
}

/** preadv until every buffer is full; bytes past end of file read as zeros. */
export function preadvAll(fd: number, bufs: Uint8Array[], pos: number): void {
  vectored(fd, bufs, pos, fs.readvSync, preadAll);
}

export function pwritevAll(fd: number, bufs: Uint8Array[], pos: number): void {
  vectored(fd, bufs, pos, fs.writevSync, pwriteAll);
}

/**
 * One readv/writev for the whole request; when it comes back short (end of file, or fewer
 * buffers taken at once), the rest is finished buffer by buffer with `rest`.
 */
function vectored(
  fd: number,
  bufs: Uint8Array[],
  pos: number,
  once: (fd: number, bufs: Uint8Array[], pos: number) => number,
  rest: (fd: number, b: Uint8Array, pos: number) => void,
): void {
  let total = 0;
  for (const b of bufs) total += b.length;
  const n = once(fd, bufs, pos);
  if (n === total) return;
  let off = 0;
  for (const b of bufs) {
    const end = off + b.length;
    if (end > n) {
      const start = Math.max(0, n - off);
      rest(fd, b.subarray(start), pos + off + start);
    }
    off = end;
  }
}

export function errnoOf(e: unknown): number {
  const n = (e as { errno?: number }).errno;
  return typeof n === 'number' ? Math.abs(n) : 0;
}

export function codeOf(e: unknown): string | undefined {
  return (e as { code?: string }).code;
}

/**
 * UML's whole-file fcntl lock: a write lock on a file opened for writing, a read lock
 * otherwise. A conflict becomes UML's two messages on one line.
 */
export function lockWhole(ops: HostFileOps, fd: number, path: string, write: boolean): void {
  const kind = write ? 'write' : 'read';
  try {
    ops.lock(fd, kind);
  } catch (e) {
    const code = codeOf(e);
    if (code !== 'EAGAIN' && code !== 'EACCES') throw e;
    let holder: number | null = null;
    try {
      holder = ops.lockHolder(fd, kind);
    } catch {
      // the holder may be gone already; the conflict still stands
    }
    throw new UbdOpenError(
      `F_SETLK failed, file already locked by pid ${holder ?? '(unknown)'}; Failed to lock '${path}', err = ${errnoOf(e)}`,
    );
  }
}

/** open(2) flags for a ubd file. */
export function openFlags(readOnly: boolean, sync: boolean): number {
  let flags = readOnly ? fs.constants.O_RDONLY : fs.constants.O_RDWR;
  if (sync && !readOnly) flags |= fs.constants.O_SYNC;
  return flags;
}

/**
 * Opens a ubd file as UML does: read-write unless asked otherwise; EROFS or EACCES on a
 * read-write open falls back to read-only.
 */
export function openUbdFile(path: string, readOnly: boolean, sync: boolean): { fd: number; readOnly: boolean } {
  try {
    return { fd: fs.openSync(path, openFlags(readOnly, sync)), readOnly };
  } catch (e) {
    const code = codeOf(e);
    if (readOnly || (code !== 'EROFS' && code !== 'EACCES')) throw e;
    return { fd: fs.openSync(path, openFlags(true, false)), readOnly: true };
  }
}

/**
 * A file's size as UML reads it: st_size, or for a host block device (whose st_size is 0)
 * the position where reads stop, found by bisection (UML asks BLKGETSIZE).
 */
export function fileSize(fd: number, st: fs.Stats = fs.fstatSync(fd)): number {
  if (!st.isBlockDevice()) return st.size;
  const probe = new Uint8Array(1);
  const readable = (sectors: number): boolean => fs.readSync(fd, probe, 0, 1, sectors * 512 - 1) === 1;
  let lo = 0;
  let hi = 1;
  while (readable(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (readable(mid)) lo = mid;
    else hi = mid;
  }
  return lo * 512;
}
