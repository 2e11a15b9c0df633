// Opening a ubd unit the way UML does (spec ubd-and-cow.md §3.2, §4): the writable file (the
// image or the COW file) read-write with the EROFS/EACCES fallback, its host lock, COW header
// detection, backing-file selection and validation, COW creation when the COW file is missing.
// Every check happens before anything is written: a failure leaves both files as they were.

import * as fs from 'node:fs';
import type { BlockBackend } from '../../virtio/blk.js';
import { CowBackend } from './cow/backend.js';
import { CowCreateError, absolutizeBackingPath, prepareCowHeader, writeCowFile } from './cow/create.js';
import {
  COW_HEADER_MAX,
  type CowHeader,
  CowFormatError,
  buildCowHeaderV3,
  checkBacking,
  cowGeometry,
  hasCowMagic,
  parseCowHeader,
} from './cow/format.js';
import { UbdOpenError, codeOf, errnoOf, fileSize, lockWhole, openUbdFile, preadAll, pwriteAll } from './file.js';
import type { HostFileOps } from './hostops.js';
import { RawFileBackend } from './raw.js';

export { UbdOpenError } from './file.js';

/** What opening needs from a parsed `ubd<N>…=` (the command line's UbdConfig fits). */
export interface UbdSpec {
  unit: number;
  file: string;
  backing?: string;
  serial?: string;
  readOnly: boolean;
  sync: boolean;
  noCowDetect: boolean;
  shared: boolean;
  noTrim: boolean;
}

export interface UbdDisk extends BlockBackend {
  close(): void;
}

export interface OpenOptions {
  /** Locks and fallocate; without them no locks are taken and TRIM is not offered. */
  ops?: HostFileOps;
  /** UML's informational messages (creating a COW file, switching backing file, …). */
  log: (line: string) => void;
}

/** The plain image is missing or cannot be opened: UML reports it (these lines) and boots without the disk. */
export class UbdMissingError extends UbdOpenError {
  constructor(readonly lines: string[]) {
    super(lines.join('; '));
  }
}

function stat(path: string): fs.Stats | undefined {
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}

export function openUbd(spec: UbdSpec, opts: OpenOptions): UbdDisk {
  const fds: number[] = [];
  try {
    return open(spec, opts, fds);
  } catch (e) {
    for (const fd of fds) fs.closeSync(fd);
    throw e;
  }
}

function open(spec: UbdSpec, opts: OpenOptions, fds: number[]): UbdDisk {
  const { ops } = opts;
  const trim = !spec.noTrim;
  let pre: number | undefined;
  let opened: { fd: number; readOnly: boolean };
  try {
    opened = openUbdFile(spec.file, spec.readOnly, spec.sync);
  } catch (e) {
    if (codeOf(e) === 'ENOENT' && spec.backing !== undefined && !spec.readOnly) {
      // UML creates a missing COW file for a cow,backing pair.
      let prepared;
      try {
        prepared = prepareCowHeader(spec.backing);
      } catch (c) {
        throw new UbdOpenError(c instanceof CowCreateError ? c.message : String(c));
      }
      // The backing file's lock first: a backing file in use for writing gets no COW file.
      pre = openBacking(prepared.backingPath, spec, ops);
      fds.push(pre);
      try {
        writeCowFile(spec.file, prepared, false);
      } catch (c) {
        throw new UbdOpenError(`Failed to create COW file '${spec.file}', errno = ${errnoOf(c)}`);
      }
      opts.log(`Creating "${spec.file}" as COW file for "${spec.backing}"`);
      opened = openUbdFile(spec.file, spec.readOnly, spec.sync);
    } else if (spec.backing === undefined && codeOf(e) === 'ENOENT') {
      throw new UbdMissingError([
        `Couldn't stat "${spec.file}" : err = ${errnoOf(e)}`,
        `Failed to initialize ubd device ${spec.unit} :Couldn't determine size of device's file`,
      ]);
    } else if (spec.backing === undefined) {
      throw new UbdMissingError([
        `Failed to open '${spec.file}', errno = ${errnoOf(e)}`,
        `ubd${String.fromCharCode(0x61 + spec.unit)}: Can't open "${spec.file}": errno = ${errnoOf(e)}`,
      ]);
    } else {
      throw new UbdOpenError(`Failed to open '${spec.file}', errno = ${errnoOf(e)}`);
    }
  }
  const fd = opened.fd;
  fds.push(fd);
  const readOnly = opened.readOnly;
  if (!spec.shared && ops) lockWhole(ops, fd, spec.file, !readOnly);
  else if (spec.shared) opts.log(`Not locking "${spec.file}" on the host`);

  let header: CowHeader | undefined;
  if (!spec.noCowDetect) {
    const buf = new Uint8Array(COW_HEADER_MAX);
    const got = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, got);
    if (hasCowMagic(head)) {
      try {
        header = parseCowHeader(head);
      } catch (e) {
        if (!(e instanceof CowFormatError)) throw e;
        // UML would use a damaged COW file as a plain image and let the guest overwrite the
        // header; refuse instead.
        throw new UbdOpenError(`Failed to read COW header from COW file "${spec.file}": ${e.message}`);
      }
    } else if (spec.backing !== undefined) {
      throw new UbdOpenError(`Failed to read COW header from COW file "${spec.file}", errno = 22 (not a COW file)`);
    }
  }
  if (!header) {
    return new RawFileBackend(spec.file, { fd, readOnly, serial: spec.serial, ops, trim }) as UbdDisk;
  }
  if (header.sectorSize !== 512) {
    throw new UbdOpenError(`COW file "${spec.file}": sector size ${header.sectorSize} is not supported (512 only)`);
  }

  const backing = chooseBacking(spec, header, opts, readOnly);
  const g = cowGeometry(header);
  const cowSize = fs.fstatSync(fd).size;
  if (cowSize < g.bitmapOffset + g.bitmapLength) {
    throw new UbdOpenError(
      `COW file "${spec.file}" is truncated: ${cowSize} bytes, its bitmap ends at ${g.bitmapOffset + g.bitmapLength}`,
    );
  }
  const bitmap = new Uint8Array(g.bitmapLength);
  preadAll(fd, bitmap, g.bitmapOffset);

  let bfd: number;
  const bst0 = stat(backing.path);
  const preSt = pre !== undefined ? fs.fstatSync(pre) : undefined;
  if (pre !== undefined && bst0 && preSt && bst0.dev === preSt.dev && bst0.ino === preSt.ino) bfd = pre;
  else {
    bfd = openBacking(backing.path, spec, ops);
    fds.push(bfd);
  }
  // Checked again on the open descriptor: the file may have changed since the stat.
  const bst = fs.fstatSync(bfd);
  const size = fileSize(bfd, bst);
  const mismatch = checkBacking(header, { size, mtimeSeconds: bst.mtimeMs / 1000 });
  if (mismatch) throw new UbdOpenError(`${mismatch} "${backing.path}"`);

  if (backing.rewrite) {
    // Switching to the backing file named on the command line: a v3 header naming it.
    const h = buildCowHeaderV3({
      backingPath: absolutizeBackingPath(backing.path),
      mtime: header.mtime,
      size: header.size,
      sectorSize: header.sectorSize,
      alignment: header.alignment,
    });
    pwriteAll(fd, h, 0);
  }
  return new CowBackend({
    cowFd: fd,
    backingFd: bfd,
    backingPath: backing.rewrite ? absolutizeBackingPath(backing.path) : backing.path,
    geometry: g,
    bitmap,
    size: Math.ceil(header.size / 512) * 512,
    readOnly,
    serial: spec.serial,
    ops,
    trim,
  });
}

/** The backing file, read-only, with a shared lock unless `c`. */
function openBacking(path: string, spec: UbdSpec, ops: HostFileOps | undefined): number {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY);
  } catch (e) {
    throw new UbdOpenError(`Failed to open backing file '${path}', errno = ${errnoOf(e)}`);
  }
  try {
    if (!spec.shared && ops) lockWhole(ops, fd, path, false);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/**
 * Which backing file to use (spec §4.4): the header's, unless the command line names another
 * file that matches the header's size and mtime. UML then rewrites the header as v3 naming it;
 * that is only done for (non-broken) v3 files, whose offsets do not change with it.
 */
function chooseBacking(
  spec: UbdSpec,
  h: CowHeader,
  opts: OpenOptions,
  readOnly: boolean,
): { path: string; rewrite: boolean } {
  const H = h.backingPath;
  const C = spec.backing;
  const fail = (path: string, st: fs.Stats | undefined): string | null => {
    if (!st) return `Couldn't stat backing file "${path}"`;
    return checkBacking(h, { size: st.size, mtimeSeconds: st.mtimeMs / 1000 });
  };
  if (C === undefined || C === H) {
    const m = fail(H, stat(H));
    if (m) throw new UbdOpenError(m.startsWith("Couldn't") ? `${m}, named in COW header of "${spec.file}"` : `${m} "${H}"`);
    return { path: H, rewrite: false };
  }
  const cst = stat(C);
  if (!cst) {
    opts.log(`Couldn't stat '${C}', err = 2`);
    const m = fail(H, stat(H));
    if (m) throw new UbdOpenError(m.startsWith("Couldn't") ? `${m}, named in COW header of "${spec.file}"` : `${m} "${H}"`);
    return { path: H, rewrite: false };
  }
  const hst = stat(H);
  if (hst && hst.dev === cst.dev && hst.ino === cst.ino) {
    const m = fail(H, hst);
    if (m) throw new UbdOpenError(`${m} "${H}"`);
    return { path: H, rewrite: false };
  }
  if (hst) opts.log(`Backing file mismatch - "${C}" requested, "${H}" specified in COW header of "${spec.file}"`);
  const cm = fail(C, cst);
  if (!cm) {
    const rewrite = h.version === 3 && !h.broken && !readOnly;
    opts.log(`Switching backing file to '${C}'`);
    return { path: C, rewrite };
  }
  const hm = fail(H, hst);
  if (hm) throw new UbdOpenError(`${cm} "${C}"`);
  return { path: H, rewrite: false };
}
