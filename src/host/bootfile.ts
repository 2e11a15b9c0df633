// Reading the kernel Image and the initrd named on the command line: regular files only,
// of a bounded size, read in one pass (a device such as /dev/zero or a FIFO never is).

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class BootFileError extends Error {}

/** The whole of `path` if it is a readable regular file of at most `limit` bytes. */
export function readBootFile(path: string, limit: number): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new BootFileError(`${path}: ${describe(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new BootFileError(`${path}: is a directory`);
    if (!st.isFile()) throw new BootFileError(`${path}: not a regular file`);
    if (st.size > limit) throw new BootFileError(`${path}: too large (${st.size} bytes; at most ${limit} fit in guest RAM)`);
    const buf = new Uint8Array(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break; // shrank meanwhile: what is there
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } catch (e) {
    if (e instanceof BootFileError) throw e;
    throw new BootFileError(`${path}: ${describe(e)}`);
  } finally {
    closeSync(fd);
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.code ?? err.message;
  }
}
