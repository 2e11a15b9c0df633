// Creating a COW file as UML and uml_mkcow do (spec §4.6, §5.5): a version-3 header naming the
// backing file by its absolute path, with its size and mtime; the rest of the file (padding,
// bitmap, data area) is left as holes up to dataOffset + size.

import { closeSync, ftruncateSync, openSync, realpathSync, statSync, writeSync, constants } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_ALIGNMENT, DEFAULT_SECTOR_SIZE, MAX_BACKING_PATH, buildCowHeaderV3, cowGeometry, headerMtime, V3_HEADER_SIZE } from './format.js';

/** An error with the message UML's tools print for it. */
export class CowCreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CowCreateError';
  }
}

function errnoOf(e: unknown): number {
  const n = (e as { errno?: number }).errno;
  return typeof n === 'number' ? Math.abs(n) : 0;
}

/**
 * UML's absolutize(): the directory part is resolved (symlinks in directory components
 * followed), the last component is kept verbatim; a name without '/' gets the current directory.
 */
export function absolutizeBackingPath(name: string, cwd: string = process.cwd()): string {
  if (name.length > MAX_BACKING_PATH)
    throw new CowCreateError(`Backing file name "${name}" is too long - names are limited to ${MAX_BACKING_PATH} characters`);
  if (!name.includes('/')) return `${cwd === '/' ? '' : cwd}/${name}`;
  const slash = name.lastIndexOf('/');
  const dir = slash === 0 ? '/' : name.slice(0, slash);
  let real: string;
  try {
    real = realpathSync(dir.startsWith('/') ? dir : `${cwd}/${dir}`);
  } catch (e) {
    throw new CowCreateError(`absolutize : Can't cd to '${name}' - errno = ${errnoOf(e)}`);
  }
  const out = `${real === '/' ? '' : real}/${basename(name + 'x').slice(0, -1)}`;
  if (Buffer.byteLength(out) > MAX_BACKING_PATH)
    throw new CowCreateError(`Backing file name "${out}" is too long - names are limited to ${MAX_BACKING_PATH} characters`);
  return out;
}

export interface CreatedCow {
  backingPath: string;
  size: number;
  mtime: number;
  header: Uint8Array;
  fileLength: number;
}

/**
 * Prepare a COW header for a backing file without touching the COW file: every check (path,
 * stat of the backing file) happens here, so a failure leaves nothing behind.
 */
export function prepareCowHeader(backing: string, opts: { sectorSize?: number; alignment?: number } = {}): CreatedCow {
  const backingPath = absolutizeBackingPath(backing);
  let st;
  try {
    st = statSync(backingPath);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new CowCreateError(`write_cow_header - backing file '${backingPath}' stat failed: ${code === 'ENOENT' ? 'No such file or directory' : code}, err = ${errnoOf(e)}`);
  }
  if (!st.isFile() && !st.isBlockDevice()) throw new CowCreateError(`write_cow_header - backing file '${backingPath}' is not a regular file`);
  const size = st.size;
  const mtime = headerMtime(st.mtimeMs / 1000);
  const header = buildCowHeaderV3({
    backingPath,
    mtime,
    size,
    sectorSize: opts.sectorSize ?? DEFAULT_SECTOR_SIZE,
    alignment: opts.alignment ?? DEFAULT_ALIGNMENT,
  });
  const g = cowGeometry({ version: 3, size, sectorSize: opts.sectorSize ?? DEFAULT_SECTOR_SIZE, alignment: opts.alignment ?? DEFAULT_ALIGNMENT, headerSize: V3_HEADER_SIZE });
  return { backingPath, size, mtime, header, fileLength: g.fileLength };
}

/**
 * Write a prepared COW file. `overwrite` false: O_EXCL (fails with EEXIST if it exists);
 * true: an existing file is truncated first, so no stale bitmap survives (uml_mkcow -f keeps it).
 */
export function writeCowFile(cowPath: string, prepared: CreatedCow, overwrite: boolean): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | (overwrite ? constants.O_TRUNC : constants.O_EXCL);
  const fd = openSync(cowPath, flags, 0o644);
  try {
    writeSync(fd, prepared.header, 0, prepared.header.length, 0);
    // Sparse length: one zero byte at the last position, like UML.
    writeSync(fd, new Uint8Array(1), 0, 1, prepared.fileLength - 1);
    ftruncateSync(fd, prepared.fileLength);
  } finally {
    closeSync(fd);
  }
}
