// tuml moo: merge a COW file with its backing file, like uml_moo (spec §8).
//
//   tuml moo [-b <actual backing file>] <COW file> <new backing file>
//   tuml moo [-b <actual backing file>] -d <COW file>
//
// Non-destructive: writes <new> as a plain sparse image (all-zero sectors are holes, the last
// sector is always written so the length is complete). -d: writes the COW's sectors into the
// backing file in place. Nothing is written before the header and backing file have been checked.

import { closeSync, constants, fstatSync, openSync, statSync, writeSync } from 'node:fs';
import {
  COW_HEADER_MAX,
  type CowHeader,
  CowFormatError,
  checkBacking,
  cowGeometry,
  parseCowHeader,
  testBit,
} from '../../host/block/cow/format.js';
import { isZero, preadFull, strerror } from './common.js';

export const summary = 'merge a COW file into a new or its backing file (like uml_moo)';

export const usage = [
  'tuml moo usage:',
  '\ttuml moo [ -b <actual backing file> ] <COW file> <new backing file>',
  '\ttuml moo [ -b <actual backing file> ] -d <COW file>',
  'Creates a new filesystem image from the COW file and its backing file.',
  'Specifying -d will cause a destructive, in-place merge of the COW file into',
  'its current backing file',
  'Specifying -b overrides the backing_file specified in the COW file.  This is',
  'needed when dealing with a COW file that was created inside a chroot jail.',
  'tuml moo supports version 1,2 and 3 COW files.',
].join('\n');

/** Sectors handled per batch (reads and writes are coalesced within a batch). */
const BATCH_SECTORS = 2048;

class MooError extends Error {}

function fail(what: string, e: unknown): never {
  throw new MooError(`${what}: ${strerror(e)}`);
}

interface Parsed {
  destructive: boolean;
  backing?: string;
  cow: string;
  out?: string;
}

function parseArgs(args: string[]): Parsed | null {
  let destructive = false;
  let backing: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-d') destructive = true;
    else if (a === '-b') {
      if (i + 1 >= args.length) return null;
      backing = args[++i];
    } else if (a.startsWith('-') && a !== '-') return null;
    else break;
  }
  const pos = args.slice(i);
  if (destructive ? pos.length !== 1 : pos.length !== 2) return null;
  return { destructive, backing, cow: pos[0]!, out: destructive ? undefined : pos[1] };
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(usage + '\n');
    return 0;
  }
  const p = parseArgs(args);
  if (!p) {
    process.stderr.write(usage + '\n');
    return 1;
  }
  try {
    merge(p);
    return 0;
  } catch (e) {
    if (e instanceof MooError) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    throw e;
  }
}

function merge(p: Parsed): void {
  let cowFd: number;
  try {
    cowFd = openSync(p.cow, constants.O_RDONLY);
  } catch (e) {
    fail('COW file open', e);
  }
  const fds: number[] = [cowFd];
  try {
    const hbuf = new Uint8Array(COW_HEADER_MAX);
    const got = preadFull(cowFd, hbuf, 0);
    let h: CowHeader;
    try {
      h = parseCowHeader(hbuf.subarray(0, got));
    } catch (e) {
      if (e instanceof CowFormatError) throw new MooError(`Reading COW header failed: ${e.message}`);
      throw e;
    }
    const backing = p.backing ?? h.backingPath;
    let st;
    try {
      st = statSync(backing);
    } catch (e) {
      fail('Stating backing file', e);
    }
    const size = st.isBlockDevice() ? h.size : st.size;
    const mismatch = checkBacking(h, { size, mtimeSeconds: st.mtimeMs / 1000 });
    if (mismatch) throw new MooError(`${mismatch} "${backing}"`);

    const g = cowGeometry(h);
    const bitmap = new Uint8Array(g.bitmapLength);
    try {
      preadFull(cowFd, bitmap, g.bitmapOffset);
    } catch (e) {
      fail('Reading COW bitmap', e);
    }
    const ss = h.sectorSize;
    const sectors = Math.floor(h.size / ss);

    if (p.destructive) {
      let bfd: number;
      try {
        bfd = openSync(backing, constants.O_RDWR);
      } catch (e) {
        fail('Opening backing file', e);
      }
      fds.push(bfd);
      mergeInPlace(cowFd, bfd, bitmap, g.dataOffset, ss, sectors);
    } else {
      let bfd: number;
      try {
        bfd = openSync(backing, constants.O_RDONLY);
      } catch (e) {
        fail('Opening backing file', e);
      }
      fds.push(bfd);
      // Refuse to truncate one of our inputs.
      try {
        const o = statSync(p.out!);
        for (const fd of [cowFd, bfd]) {
          const s = fstatSync(fd);
          if (s.dev === o.dev && s.ino === o.ino) throw new MooError(`Output file open: "${p.out}" is one of the input files`);
        }
      } catch (e) {
        if (e instanceof MooError) throw e;
      }
      let ofd: number;
      try {
        ofd = openSync(p.out!, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      } catch (e) {
        fail('Output file open', e);
      }
      fds.push(ofd);
      mergeToNew(cowFd, bfd, ofd, bitmap, g.dataOffset, ss, sectors);
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

function read(fd: number, buf: Uint8Array, pos: number): void {
  try {
    preadFull(fd, buf, pos);
  } catch (e) {
    fail('Reading data', e);
  }
}

function write(fd: number, buf: Uint8Array, pos: number): void {
  try {
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, pos + done);
  } catch (e) {
    fail('Writing data', e);
  }
}

/** Runs [start, end) of consecutive sectors in [from, to) whose bit equals `want`. */
function* runs(bitmap: Uint8Array, from: number, to: number, want: boolean): Generator<[number, number]> {
  let n = from;
  while (n < to) {
    while (n < to && testBit(bitmap, n) !== want) n++;
    const start = n;
    while (n < to && testBit(bitmap, n) === want) n++;
    if (start < n) yield [start, n];
  }
}

function mergeToNew(cowFd: number, bfd: number, ofd: number, bitmap: Uint8Array, dataOffset: number, ss: number, sectors: number): void {
  const buf = new Uint8Array(BATCH_SECTORS * ss);
  for (let first = 0; first < sectors; first += BATCH_SECTORS) {
    const count = Math.min(BATCH_SECTORS, sectors - first);
    const chunk = buf.subarray(0, count * ss);
    read(bfd, chunk, first * ss);
    for (const [a, b] of runs(bitmap, first, first + count, true)) read(cowFd, chunk.subarray((a - first) * ss, (b - first) * ss), dataOffset + a * ss);
    // Write the non-zero sectors, coalesced; the device's last sector is always written.
    let n = 0;
    while (n < count) {
      const keep = (i: number): boolean => first + i === sectors - 1 || !isZero(chunk.subarray(i * ss, (i + 1) * ss));
      while (n < count && !keep(n)) n++;
      const start = n;
      while (n < count && keep(n)) n++;
      if (start < n) write(ofd, chunk.subarray(start * ss, n * ss), (first + start) * ss);
    }
  }
}

function mergeInPlace(cowFd: number, bfd: number, bitmap: Uint8Array, dataOffset: number, ss: number, sectors: number): void {
  const cbuf = new Uint8Array(BATCH_SECTORS * ss);
  const bbuf = new Uint8Array(ss);
  for (let first = 0; first < sectors; first += BATCH_SECTORS) {
    const count = Math.min(BATCH_SECTORS, sectors - first);
    for (const [a, b] of runs(bitmap, first, first + count, true)) {
      const chunk = cbuf.subarray(0, (b - a) * ss);
      read(cowFd, chunk, dataOffset + a * ss);
      // An all-zero COW sector is written only if the backing sector is not already zero.
      let n = 0;
      const len = b - a;
      while (n < len) {
        const keep = (i: number): boolean => {
          const s = chunk.subarray(i * ss, (i + 1) * ss);
          if (!isZero(s)) return true;
          read(bfd, bbuf, (a + i) * ss);
          return !isZero(bbuf);
        };
        while (n < len && !keep(n)) n++;
        const start = n;
        while (n < len && keep(n)) n++;
        if (start < n) write(bfd, chunk.subarray(start * ss, n * ss), (a + start) * ss);
      }
    }
  }
}
