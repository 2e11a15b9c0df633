// UML's COW file format: header versions 1, 2, 3 and the "broken" 64-bit v3 layout, the
// bitmap geometry UML derives from a header, and bitmap bit helpers. No file I/O here: the
// ubd COW backend and the mkcow/moo tools read the bytes and hand them in.
//
// Layouts (all packed; v2/v3 big-endian, v1 in the order its magic was written in):
//   v1  280 bytes:  magic, version, path[256], mtime u32, size u64, sectorsize i32
//   v2  4120 bytes: magic, version, path[4096], mtime u32, size u64, sectorsize i32
//   v3  4128 bytes: magic, version, mtime u32, size u64, sectorsize, alignment, cow_format, path[4096]
//   broken v3 4136: as v3 with 4 bytes of padding after mtime (and at the end)

/** The magic number, "MOOO" read as a big-endian 32-bit word. */
export const COW_MAGIC = 0x4f4f4f4d;
export const V1_HEADER_SIZE = 280;
export const V2_HEADER_SIZE = 4120;
export const V3_HEADER_SIZE = 4128;
export const V3_BROKEN_HEADER_SIZE = 4136;
/** Read at least this many bytes from the start of a file to parse any header version. */
export const COW_HEADER_MAX = V3_BROKEN_HEADER_SIZE;
/** Longest backing path a v3 header can hold (4096 bytes with the terminating NUL). */
export const MAX_BACKING_PATH = 4095;
export const DEFAULT_SECTOR_SIZE = 512;
export const DEFAULT_ALIGNMENT = 4096;
/** Largest sector size / alignment accepted when reading (anything bigger is taken as damage). */
const MAX_SECTOR_SIZE = 1 << 16;
const MAX_ALIGNMENT = 1 << 20;

export type CowVersion = 1 | 2 | 3;

export interface CowHeader {
  version: CowVersion;
  /** v3 written by an old 64-bit build without packing (read-only support). */
  broken: boolean;
  /** Byte order of the fields (only a v1 file from a little-endian host is 'le'). */
  byteOrder: 'be' | 'le';
  /** Backing file path as stored (UML stores it absolute). */
  backingPath: string;
  /** Backing file mtime, whole seconds, unsigned 32-bit. */
  mtime: number;
  /** Backing file size in bytes. */
  size: number;
  sectorSize: number;
  /** v3: as stored; v1/v2: equal to sectorSize. */
  alignment: number;
  /** Bytes the header occupies (280, 4120, 4128 or 4136). */
  headerSize: number;
}

export interface CowGeometry {
  /** Sectors the bitmap describes: ceil(size / sectorSize). */
  sectors: number;
  bitmapOffset: number;
  /** Bitmap bytes as UML computes them (v1/v2 keep UML's under-allocating formula). */
  bitmapLength: number;
  /** Sector n's copy lives at dataOffset + n * sectorSize. */
  dataOffset: number;
  /** Length UML gives a freshly created COW file: dataOffset + size. */
  fileLength: number;
}

export type CowErrorCode =
  | 'short' // fewer than 8 bytes
  | 'magic' // no COW magic: not a COW file
  | 'version' // magic found, unknown version
  | 'truncated' // shorter than the header of its version
  | 'sectorsize'
  | 'alignment'
  | 'cowformat'
  | 'size'
  | 'path';

/** A damaged or foreign header. `code` says which check failed; the message names the fault. */
export class CowFormatError extends Error {
  constructor(
    readonly code: CowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CowFormatError';
  }
}

export function roundUp(x: number, n: number): number {
  return Math.ceil(x / n) * n;
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Does the buffer start with the COW magic (in either byte order)? Backends use this to tell a COW file from a plain image. */
export function hasCowMagic(buf: Uint8Array): boolean {
  if (buf.length < 4) return false;
  const dv = new DataView(buf.buffer, buf.byteOffset, 4);
  return dv.getUint32(0, false) === COW_MAGIC || dv.getUint32(0, true) === COW_MAGIC;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

function readPath(buf: Uint8Array, off: number, len: number): string {
  const field = buf.subarray(off, off + len);
  const nul = field.indexOf(0);
  if (nul < 0) throw new CowFormatError('path', `backing file path is not NUL-terminated within its ${len}-byte field`);
  if (nul === 0) throw new CowFormatError('path', 'backing file path is empty');
  return decoder.decode(field.subarray(0, nul));
}

function getU64(dv: DataView, off: number, le: boolean): number {
  const v = dv.getBigUint64(off, le);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CowFormatError('size', `backing file size ${v} is absurd`);
  return Number(v);
}

/**
 * Parse a COW header from the first bytes of a file (pass at least COW_HEADER_MAX bytes, or the
 * whole file if shorter). Throws CowFormatError naming the fault; the checks follow UML's
 * read_cow_header and add the sanity checks UML lacks (sector size, alignment, size).
 */
export function parseCowHeader(buf: Uint8Array): CowHeader {
  if (buf.length < 8) throw new CowFormatError('short', `short header: ${buf.length} bytes, a COW header needs at least 8`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let le: boolean;
  if (dv.getUint32(0, false) === COW_MAGIC) le = false;
  else if (dv.getUint32(0, true) === COW_MAGIC) le = true;
  else {
    const hex = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new CowFormatError('magic', `bad magic ${hex} (a COW file starts with 4f 4f 4f 4d): not a COW file`);
  }
  const version = dv.getUint32(4, le);
  const need = (n: number, what: string): void => {
    if (buf.length < n) throw new CowFormatError('truncated', `truncated ${what} header: ${buf.length} of ${n} bytes`);
  };
  let h: CowHeader;
  if (version === 1) {
    need(V1_HEADER_SIZE, 'V1');
    const sectorSize = dv.getInt32(276, le);
    h = {
      version: 1,
      broken: false,
      byteOrder: le ? 'le' : 'be',
      backingPath: readPath(buf, 8, 256),
      mtime: dv.getUint32(264, le),
      size: getU64(dv, 268, le),
      sectorSize,
      alignment: sectorSize,
      headerSize: V1_HEADER_SIZE,
    };
  } else if (le) {
    // Only v1 can be little-endian; v2/v3 always store the magic big-endian.
    throw new CowFormatError('version', `invalid COW version ${version} (byte-swapped magic is only valid for version 1)`);
  } else if (version === 2) {
    need(V2_HEADER_SIZE, 'V2');
    const sectorSize = dv.getInt32(4116, false);
    h = {
      version: 2,
      broken: false,
      byteOrder: 'be',
      backingPath: readPath(buf, 8, 4096),
      mtime: dv.getUint32(4104, false),
      size: getU64(dv, 4108, false),
      sectorSize,
      alignment: sectorSize,
      headerSize: V2_HEADER_SIZE,
    };
  } else if (version === 3) {
    need(V3_HEADER_SIZE, 'V3');
    const broken = dv.getUint32(32, false) === 0;
    if (broken) {
      need(V3_BROKEN_HEADER_SIZE, 'broken V3');
      h = {
        version: 3,
        broken: true,
        byteOrder: 'be',
        mtime: dv.getUint32(8, false),
        size: getU64(dv, 16, false),
        sectorSize: dv.getInt32(24, false),
        alignment: dv.getInt32(28, false),
        backingPath: '',
        headerSize: V3_BROKEN_HEADER_SIZE,
      };
      const fmt = dv.getUint32(32, false);
      if (fmt !== 0) throw new CowFormatError('cowformat', `unknown COW format ${fmt}`);
      h.backingPath = readPath(buf, 36, 4096);
    } else {
      const fmt = dv.getUint32(28, false);
      if (fmt !== 0) throw new CowFormatError('cowformat', `unknown COW format ${fmt} (only 0, bitmap, is defined)`);
      h = {
        version: 3,
        broken: false,
        byteOrder: 'be',
        mtime: dv.getUint32(8, false),
        size: getU64(dv, 12, false),
        sectorSize: dv.getInt32(20, false),
        alignment: dv.getInt32(24, false),
        backingPath: readPath(buf, 32, 4096),
        headerSize: V3_HEADER_SIZE,
      };
    }
  } else {
    throw new CowFormatError('version', `invalid COW version ${version} (known: 1, 2, 3)`);
  }
  validateCowHeader(h);
  return h;
}

/** Sanity checks on header values (also applied before building one). */
export function validateCowHeader(h: CowHeader): void {
  if (!isPow2(h.sectorSize) || h.sectorSize < DEFAULT_SECTOR_SIZE || h.sectorSize > MAX_SECTOR_SIZE)
    throw new CowFormatError('sectorsize', `invalid sector size ${h.sectorSize} (expected a power of two from 512 to ${MAX_SECTOR_SIZE})`);
  if (h.alignment === 0) throw new CowFormatError('alignment', 'invalid COW header, align == 0');
  if (!isPow2(h.alignment) || h.alignment > MAX_ALIGNMENT)
    throw new CowFormatError('alignment', `invalid alignment ${h.alignment} (expected a power of two up to ${MAX_ALIGNMENT})`);
  if (!Number.isSafeInteger(h.size) || h.size < 0) throw new CowFormatError('size', `backing file size ${h.size} is absurd`);
  const g = cowGeometry(h);
  if (!Number.isSafeInteger(g.fileLength)) throw new CowFormatError('size', `backing file size ${h.size} is absurd (data would end past 2^53)`);
}

/** Where the bitmap and the data area are, computed exactly as UML does (spec §5.6). */
export function cowGeometry(h: Pick<CowHeader, 'version' | 'size' | 'sectorSize' | 'alignment' | 'headerSize'>): CowGeometry {
  const ss = h.sectorSize;
  const sectors = Math.ceil(h.size / ss);
  let bitmapOffset: number, bitmapLength: number, dataOffset: number;
  if (h.version === 3) {
    bitmapLength = Math.ceil(sectors / 8);
    bitmapOffset = roundUp(h.headerSize, h.alignment);
    dataOffset = roundUp(bitmapOffset + bitmapLength, h.alignment);
  } else {
    // UML's compatibility formula for v1/v2, rounding bug included.
    bitmapLength = Math.floor((h.size + ss - 1) / (8 * ss));
    bitmapOffset = h.headerSize;
    dataOffset = roundUp(bitmapOffset + bitmapLength, ss);
  }
  return { sectors, bitmapOffset, bitmapLength, dataOffset, fileLength: dataOffset + h.size };
}

export interface BuildOptions {
  backingPath: string;
  mtime: number;
  size: number;
  sectorSize?: number;
  alignment?: number;
}

function encodePath(path: string, field: number): Uint8Array {
  const b = encoder.encode(path);
  if (b.length === 0) throw new CowFormatError('path', 'backing file path is empty');
  if (b.length > field - 1)
    throw new CowFormatError('path', `Backing file name "${path}" is too long - names are limited to ${field - 1} characters`);
  if (b.includes(0)) throw new CowFormatError('path', 'backing file path contains a NUL byte');
  return b;
}

function checkBuild(version: CowVersion, o: BuildOptions, headerSize: number): { ss: number; align: number } {
  const ss = o.sectorSize ?? DEFAULT_SECTOR_SIZE;
  const align = version === 3 ? (o.alignment ?? DEFAULT_ALIGNMENT) : ss;
  if (!Number.isInteger(o.mtime) || o.mtime < 0 || o.mtime > 0xffffffff) throw new RangeError(`mtime ${o.mtime} does not fit 32 bits`);
  validateCowHeader({ version, broken: false, byteOrder: 'be', backingPath: o.backingPath, mtime: o.mtime, size: o.size, sectorSize: ss, alignment: align, headerSize });
  return { ss, align };
}

/** Build a version-3 header (4128 bytes), the only version UML writes. mtime is truncated to 32 bits by the caller. */
export function buildCowHeaderV3(o: BuildOptions): Uint8Array {
  const { ss, align } = checkBuild(3, o, V3_HEADER_SIZE);
  const buf = new Uint8Array(V3_HEADER_SIZE);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, COW_MAGIC, false);
  dv.setUint32(4, 3, false);
  dv.setUint32(8, o.mtime, false);
  dv.setBigUint64(12, BigInt(o.size), false);
  dv.setInt32(20, ss, false);
  dv.setInt32(24, align, false);
  dv.setUint32(28, 0, false);
  buf.set(encodePath(o.backingPath, 4096), 32);
  return buf;
}

/** Build a "broken" (unpacked 64-bit) version-3 header, 4136 bytes. For tests and conversions only. */
export function buildCowHeaderV3Broken(o: BuildOptions): Uint8Array {
  const { ss, align } = checkBuild(3, o, V3_BROKEN_HEADER_SIZE);
  const buf = new Uint8Array(V3_BROKEN_HEADER_SIZE);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, COW_MAGIC, false);
  dv.setUint32(4, 3, false);
  dv.setUint32(8, o.mtime, false);
  dv.setBigUint64(16, BigInt(o.size), false);
  dv.setInt32(24, ss, false);
  dv.setInt32(28, align, false);
  dv.setUint32(32, 0, false);
  buf.set(encodePath(o.backingPath, 4096), 36);
  return buf;
}

/** Build a version-2 header (4120 bytes, big-endian). Read-only format; for tests. */
export function buildCowHeaderV2(o: BuildOptions): Uint8Array {
  const { ss } = checkBuild(2, o, V2_HEADER_SIZE);
  const buf = new Uint8Array(V2_HEADER_SIZE);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, COW_MAGIC, false);
  dv.setUint32(4, 2, false);
  buf.set(encodePath(o.backingPath, 4096), 8);
  dv.setUint32(4104, o.mtime, false);
  dv.setBigUint64(4108, BigInt(o.size), false);
  dv.setInt32(4116, ss, false);
  return buf;
}

/** Build a version-1 header (280 bytes) in the given byte order (default 'le', as a little-endian host wrote it). */
export function buildCowHeaderV1(o: BuildOptions, byteOrder: 'le' | 'be' = 'le'): Uint8Array {
  const { ss } = checkBuild(1, o, V1_HEADER_SIZE);
  const le = byteOrder === 'le';
  const buf = new Uint8Array(V1_HEADER_SIZE);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, COW_MAGIC, le);
  dv.setUint32(4, 1, le);
  buf.set(encodePath(o.backingPath, 256), 8);
  dv.setUint32(264, o.mtime, le);
  dv.setBigUint64(268, BigInt(o.size), le);
  dv.setInt32(276, ss, le);
  return buf;
}

/** Is sector n's bit set (the sector lives in the COW file)? Bits past the end of the bitmap read as clear. LSB first. */
export function testBit(bitmap: Uint8Array, n: number): boolean {
  const i = Math.floor(n / 8);
  return i < bitmap.length && (bitmap[i]! & (1 << (n & 7))) !== 0;
}

export function setBit(bitmap: Uint8Array, n: number): void {
  bitmap[Math.floor(n / 8)] |= 1 << (n & 7);
}

export function clearBit(bitmap: Uint8Array, n: number): void {
  bitmap[Math.floor(n / 8)] &= ~(1 << (n & 7));
}

/** Truncate a stat mtime (seconds, possibly fractional) to the header's unsigned 32-bit seconds. */
export function headerMtime(mtimeSeconds: number): number {
  return Math.floor(mtimeSeconds) >>> 0;
}

/**
 * Check a backing file against a header (spec §4.5). Returns null when it matches, otherwise the
 * message UML prints (without the trailing file name).
 */
export function checkBacking(h: Pick<CowHeader, 'size' | 'mtime'>, actual: { size: number; mtimeSeconds: number }): string | null {
  if (actual.size !== h.size) return `Size mismatch (${h.size} vs ${actual.size}) of COW header vs backing file`;
  const m = headerMtime(actual.mtimeSeconds);
  if (m !== h.mtime) return `mtime mismatch (${h.mtime} vs ${m}) of COW header vs backing file`;
  return null;
}
