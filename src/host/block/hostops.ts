// The file system calls the ubd backends need beyond node:fs (fcntl locks, fallocate), from
// the native addon, behind a small interface that tests can narrow (e.g. without fallocate).

import * as native from '../native/index.js';

export interface HostFileOps {
  /** fcntl(F_SETLK); a conflict throws EAGAIN or EACCES. */
  lock(fd: number, kind: 'read' | 'write' | 'unlock', start?: number, len?: number): void;
  /** fcntl(F_GETLK): pid of a conflicting lock, or null. */
  lockHolder(fd: number, kind: 'read' | 'write', start?: number, len?: number): number | null;
  fallocate(fd: number, mode: number, offset: number, len: number): void;
  readonly FALLOC_FL_KEEP_SIZE: number;
  readonly FALLOC_FL_PUNCH_HOLE: number;
  readonly FALLOC_FL_ZERO_RANGE: number;
}

export const hostFileOps: HostFileOps = {
  lock: native.lock,
  lockHolder: native.lockHolder,
  fallocate: native.fallocate,
  FALLOC_FL_KEEP_SIZE: native.FALLOC_FL_KEEP_SIZE,
  FALLOC_FL_PUNCH_HOLE: native.FALLOC_FL_PUNCH_HOLE,
  FALLOC_FL_ZERO_RANGE: native.FALLOC_FL_ZERO_RANGE,
};
