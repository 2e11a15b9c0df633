// Small helpers shared by the COW tools (mkcow, moo).

import { readSync } from 'node:fs';

const messages: Record<string, string> = {
  EEXIST: 'File exists',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EINVAL: 'Invalid argument',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EFBIG: 'File too large',
  EBUSY: 'Device or resource busy',
};

/** perror-style text for a Node fs error. */
export function strerror(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code && messages[code]) return messages[code];
  if (code) return code;
  return e instanceof Error ? e.message : String(e);
}

/** pread that loops until the buffer is full or EOF; bytes past EOF are zero. */
export function preadFull(fd: number, buf: Uint8Array, pos: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  buf.fill(0, done);
  return done;
}

export function isZero(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}
