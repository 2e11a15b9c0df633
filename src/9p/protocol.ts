// 9P2000.L wire format: message numbers, and a bounds-checked reader and writer.
// Strings are byte strings (one character per byte): a host name passes through
// unchanged whatever its encoding.

export const VERSION_9P2000_L = '9P2000.L';
export const NOTAG = 0xffff;
export const NOFID = 0xffffffff;
export const HEADER = 7;
/** Walks of more elements are refused (9P's MAXWELEM). */
export const MAXWELEM = 16;

export const T = {
  lerror: 6, statfs: 8, lopen: 12, lcreate: 14, symlink: 16, mknod: 18, rename: 20,
  readlink: 22, getattr: 24, setattr: 26, xattrwalk: 30, xattrcreate: 32, readdir: 40,
  fsync: 50, lock: 52, getlock: 54, link: 70, mkdir: 72, renameat: 74, unlinkat: 76,
  version: 100, auth: 102, attach: 104, flush: 108, walk: 110, read: 116, write: 118,
  clunk: 120, remove: 122,
  /** Not 9P2000.L: Trenameat with renameat2's flags (fid[4] name[s] newfid[4] newname[s] flags[4]), from the guest kernel's hostfs. */
  renameat2: 200,
} as const;
export const RLERROR = 7;

export const QT_DIR = 0x80;
export const QT_SYMLINK = 0x02;
export const QT_FILE = 0;

// Tsetattr valid bits
export const SETATTR_MODE = 0x1;
export const SETATTR_UID = 0x2;
export const SETATTR_GID = 0x4;
export const SETATTR_SIZE = 0x8;
export const SETATTR_ATIME = 0x10;
export const SETATTR_MTIME = 0x20;
export const SETATTR_CTIME = 0x40;
export const SETATTR_ATIME_SET = 0x80;
export const SETATTR_MTIME_SET = 0x100;

/** Rgetattr's valid mask for the basic fields (P9_STATS_BASIC). */
export const GETATTR_BASIC = 0x7ff;

// Linux errno values (the guest's; the same on every Linux architecture for these).
export const E = {
  EPERM: 1, ENOENT: 2, EIO: 5, E2BIG: 7, EBADF: 9, ENOMEM: 12, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, EFBIG: 27, ENOSPC: 28,
  ERANGE: 34, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61,
  EPROTO: 71, EBADMSG: 74, EOVERFLOW: 75, EMSGSIZE: 90, EOPNOTSUPP: 95,
} as const;

/** A request the server refuses: becomes Rlerror(errno). */
export class P9Error extends Error {
  constructor(readonly errno: number, message?: string) {
    super(message ?? `errno ${errno}`);
  }
}

/** Reads a message body; any read past the end is EBADMSG, never an exception of another kind. */
export class Reader {
  private pos: number;
  private readonly dv: DataView;
  constructor(private readonly buf: Uint8Array, start = HEADER) {
    this.pos = start;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.buf.length) throw new P9Error(E.EBADMSG, 'message too short');
    this.pos += n;
    return p;
  }
  u8(): number {
    return this.buf[this.need(1)];
  }
  u16(): number {
    return this.dv.getUint16(this.need(2), true);
  }
  u32(): number {
    return this.dv.getUint32(this.need(4), true);
  }
  /** A 64-bit count or offset; values beyond 2^53 come back as Infinity-safe large numbers. */
  u64(): number {
    const p = this.need(8);
    return this.dv.getUint32(p, true) + this.dv.getUint32(p + 4, true) * 0x1_0000_0000;
  }
  u64n(): bigint {
    return this.dv.getBigUint64(this.need(8), true);
  }
  str(): string {
    const n = this.u16();
    const p = this.need(n);
    return latin1(this.buf, p, p + n);
  }
  bytes(n: number): Uint8Array {
    const p = this.need(n);
    return this.buf.subarray(p, p + n);
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, Array.from(b.subarray(i, Math.min(end, i + 4096))));
  }
  return s;
}

/** Builds one reply; the caller sized the buffer (replies are bounded by msize). */
export class Writer {
  pos = HEADER;
  readonly dv: DataView;
  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  fits(n: number): boolean {
    return this.pos + n <= this.buf.length;
  }
  private at(n: number): number {
    if (!this.fits(n)) throw new P9Error(E.EMSGSIZE, 'reply larger than msize');
    const p = this.pos;
    this.pos += n;
    return p;
  }
  u8(v: number): this {
    this.buf[this.at(1)] = v;
    return this;
  }
  u16(v: number): this {
    this.dv.setUint16(this.at(2), v, true);
    return this;
  }
  u32(v: number): this {
    this.dv.setUint32(this.at(4), v >>> 0, true);
    return this;
  }
  u64(v: number | bigint): this {
    this.dv.setBigUint64(this.at(8), BigInt.asUintN(64, BigInt(typeof v === 'number' ? Math.trunc(v) : v)), true);
    return this;
  }
  str(s: string): this {
    if (s.length > 0xffff) throw new P9Error(E.ENAMETOOLONG);
    this.u16(s.length);
    const p = this.at(s.length);
    for (let i = 0; i < s.length; i++) this.buf[p + i] = s.charCodeAt(i) & 0xff;
    return this;
  }
  qid(type: number, version: number, path: bigint): this {
    return this.u8(type).u32(version).u64(path);
  }
  /** Stamps size, type and tag; returns the finished message. */
  finish(type: number, tag: number): Uint8Array {
    this.dv.setUint32(0, this.pos, true);
    this.buf[4] = type;
    this.dv.setUint16(5, tag, true);
    return this.buf.subarray(0, this.pos);
  }
}

export function errorReply(tag: number, errno: number): Uint8Array {
  return new Writer(new Uint8Array(HEADER + 4)).u32(errno).finish(RLERROR, tag);
}
