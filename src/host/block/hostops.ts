// The file system calls the ubd backends need beyond node:fs (fcntl locks, fallocate), from
// the native addon. Kept behind a small interface so the backends can be exercised without it.

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

let cached: Promise<HostFileOps | undefined> | undefined;

/** The addon's file calls, or undefined when the addon is not available on this build. */
export function loadHostFileOps(): Promise<HostFileOps | undefined> {
  cached ??= (async () => {
    const path = '../native/index.js';
    try {
      const m = (await import(path)) as HostFileOps;
      return typeof m.lock === 'function' ? m : undefined;
    } catch {
      return undefined;
    }
  })();
  return cached;
}
