// A 9P2000.L server over an FsBackend. It owns the fid table and the negotiated msize,
// parses every message with bounds checks, and turns every failure into Rlerror: a
// hostile client gets protocol errors, never an exception out of handle().

import type { FsBackend, FsExport, FsFile, FsSetattr, FsStat } from './backend.js';
import {
  E, GETATTR_BASIC, HEADER, MAXWELEM, NOFID, P9Error, QT_DIR, QT_FILE, QT_SYMLINK, Reader,
  SETATTR_ATIME, SETATTR_ATIME_SET, SETATTR_GID, SETATTR_MODE, SETATTR_MTIME, SETATTR_MTIME_SET,
  SETATTR_SIZE, SETATTR_UID, T, VERSION_9P2000_L, Writer, errorReply,
} from './protocol.js';

/** The largest msize offered: the guest kernel's hostfs asks for 1 MiB + 4 KiB (a 1 MiB read or write per message). */
export const MAX_MSIZE = 1024 * 1024 + 4096;
const MIN_MSIZE = 4096;
const MAX_FIDS = 65536;
// Host descriptors a guest can hold through one channel (the hostfs driver has HOSTFS_CHANNELS of them,
// and the process's descriptor limit is shared with everything else).
const MAX_OPEN = 1024;
const MAX_ATTACH = 64;
const XATTR_MAX = 65536;
const POOL_MAX = 16;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** renameat2(2)'s flags. */
const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;

interface Attach {
  exp: FsExport;
  refs: number;
}

interface Fid {
  attach: Attach;
  path: string;
  file?: FsFile;
  /** Open for an xattr: the value to read, or the one being written. */
  xattr?: { data: Uint8Array; write?: { name: string; size: number; flags: number; filled: number } };
}

export interface P9ServerOptions {
  backend: FsBackend;
  /** Unexpected backend failures (bugs, not errno): one line each. */
  log?: (line: string) => void;
}

export class P9Server {
  private msize = MIN_MSIZE;
  private versioned = false;
  private readonly fids = new Map<number, Fid>();
  private open = 0;
  private attaches = 0;
  private readonly inflight = new Map<number, Promise<unknown>>();
  /** Rread buffers of msize bytes (up to a megabyte), reused: a fresh one per read costs more than the read. */
  private readonly pool: ArrayBuffer[] = [];
  private readonly pooled = new WeakSet<ArrayBuffer>();

  constructor(private readonly opts: P9ServerOptions) {}

  /** The negotiated maximum message size (requests and replies). */
  get maxRequest(): number {
    return this.msize;
  }

  /**
   * Serves one request; the reply is at most `room` bytes (the guest's buffer) and
   * never more than msize. Always resolves, with Rlerror when the request is refused.
   * `payload`: the rest of a Twrite after its header (`req`), left where it is. `dest`:
   * where a Tread's data may be put directly (the reply's bytes after its 11-byte header);
   * when used, the reply returned is the header alone, its size field counting the data.
   */
  async handle(req: Uint8Array, room: number, payload?: readonly Uint8Array[], dest?: readonly Uint8Array[]): Promise<Uint8Array> {
    if (req.length < HEADER) return errorReply(0xffff, E.EBADMSG);
    const dv = new DataView(req.buffer, req.byteOffset, req.byteLength);
    const size = dv.getUint32(0, true);
    const type = req[4];
    const tag = dv.getUint16(5, true);
    if (room < HEADER + 4) return errorReply(tag, E.EMSGSIZE);
    if (type !== T.version && size > this.msize) return errorReply(tag, E.EMSGSIZE);
    let data: Uint8Array[] | undefined;
    let msg = req;
    if (payload) {
      // Only a Twrite comes in two parts; its data is exactly what the size field leaves.
      if (type !== T.write || size < req.length) return errorReply(tag, E.EBADMSG);
      data = cut(payload, size - req.length);
      if (!data) return errorReply(tag, E.EBADMSG);
    } else {
      if (size !== req.length && !(size < req.length && size >= HEADER)) return errorReply(tag, E.EBADMSG);
      if (size < req.length) msg = req.subarray(0, size);
    }
    const cap = Math.min(room, type === T.version ? MAX_MSIZE : this.msize);
    const work = this.dispatch(type, tag, new Reader(msg), cap, data, type === T.read ? dest : undefined);
    this.inflight.set(tag, work);
    try {
      return await work;
    } catch (e) {
      if (e instanceof P9Error) return errorReply(tag, e.errno);
      this.opts.log?.(`hostfs: ${type} failed: ${(e as Error)?.message ?? e}`);
      return errorReply(tag, E.EIO);
    } finally {
      if (this.inflight.get(tag) === work) this.inflight.delete(tag);
    }
  }

  /** The transport has copied `reply` out: its buffer may serve another request. */
  release(reply: Uint8Array): void {
    const b = reply.buffer as ArrayBuffer;
    if (this.pooled.has(b) && b.byteLength === this.msize && this.pool.length < POOL_MAX) this.pool.push(b);
  }

  private replyBuffer(n: number): Uint8Array {
    if (n < 65536 || n > this.msize) return new Uint8Array(n);
    let b = this.pool.pop();
    if (!b || b.byteLength !== this.msize) {
      b = new ArrayBuffer(this.msize);
      this.pooled.add(b);
    }
    return new Uint8Array(b, 0, n);
  }

  /** Drops every fid (the device was reset). */
  reset(): void {
    for (const fid of this.fids.values()) this.dropFid(fid);
    this.fids.clear();
    this.open = 0;
    this.attaches = 0;
    this.versioned = false;
    this.msize = MIN_MSIZE;
    this.pool.length = 0;
  }

  private async dispatch(type: number, tag: number, r: Reader, cap: number, payload?: Uint8Array[], dest?: readonly Uint8Array[]): Promise<Uint8Array> {
    const w = (n: number) => new Writer(new Uint8Array(Math.min(cap, HEADER + n)));
    if (type === T.version) return this.version(r, tag, cap);
    if (!this.versioned) throw new P9Error(E.EPROTO, 'no Tversion');
    switch (type) {
      case T.attach: {
        const fid = r.u32();
        r.u32(); // afid: no authentication
        r.str(); // uname: operations run with the host process's credentials, as UML's
        const aname = decodeAname(r.str());
        if (r.remaining >= 4) r.u32();
        this.checkNewFid(fid);
        if (this.attaches >= MAX_ATTACH) throw new P9Error(E.EMFILE, 'too many attaches');
        const exp = this.opts.backend.attach(aname);
        const attach: Attach = { exp, refs: 0 };
        let st: FsStat;
        try {
          st = exp.lstat('');
        } catch (e) {
          exp.close();
          throw e;
        }
        this.attaches++;
        this.addFid(fid, { attach, path: '' });
        return qidOf(w(13), st).finish(T.attach + 1, tag);
      }
      case T.auth:
        throw new P9Error(E.EOPNOTSUPP, 'no authentication');
      case T.flush: {
        const old = r.u16();
        // The flushed request still gets its own reply, before Rflush.
        const p = this.inflight.get(old);
        if (p) await p.catch(() => {});
        return w(0).finish(T.flush + 1, tag);
      }
      case T.walk:
        return this.walk(r, tag, w);
      case T.clunk:
      case T.remove: {
        const id = r.u32();
        const fid = this.fid(id);
        this.fids.delete(id);
        try {
          if (fid.xattr?.write) this.commitXattr(fid);
          if (type === T.remove) {
            if (fid.path === '') throw new P9Error(E.EBUSY);
            const st = fid.attach.exp.lstat(fid.path);
            fid.attach.exp.remove(parent(fid.path), base(fid.path), (st.mode & S_IFMT) === S_IFDIR);
          }
        } finally {
          this.dropFid(fid);
        }
        return w(0).finish(type + 1, tag);
      }
      case T.getattr: {
        const fid = this.fid(r.u32());
        r.u64n(); // request mask: the basic fields are always there
        const st = fid.file ? fid.file.fstat() : fid.attach.exp.lstat(fid.path);
        const o = qidOf(w(8 + 13 + 4 * 3 + 8 * 15).u64(GETATTR_BASIC), st);
        o.u32(st.mode).u32(st.uid).u32(st.gid).u64(st.nlink);
        o.u64(BigInt(st.rdevMajor) << 8n | BigInt(st.rdevMinor & 0xff) | BigInt(st.rdevMinor & ~0xff) << 12n);
        o.u64(st.size).u64(st.blksize).u64(st.blocks);
        o.u64(st.atimeSec).u64(st.atimeNsec).u64(st.mtimeSec).u64(st.mtimeNsec).u64(st.ctimeSec).u64(st.ctimeNsec);
        o.u64(0).u64(0).u64(0).u64(0);
        return o.finish(T.getattr + 1, tag);
      }
      case T.setattr: {
        const fid = this.fid(r.u32());
        const valid = r.u32();
        const mode = r.u32();
        const uid = r.u32();
        const gid = r.u32();
        const size = r.u64();
        const as = r.u64(), ans = r.u64(), ms = r.u64(), mns = r.u64();
        const a: FsSetattr = {};
        if (valid & SETATTR_MODE) a.mode = mode & 0o7777;
        if (valid & SETATTR_UID) a.uid = uid;
        if (valid & SETATTR_GID) a.gid = gid;
        if (valid & SETATTR_SIZE) {
          if (size > Number.MAX_SAFE_INTEGER) throw new P9Error(E.EFBIG);
          a.size = size;
        }
        if (valid & SETATTR_ATIME) a.atime = valid & SETATTR_ATIME_SET ? { sec: as, nsec: nsec(ans) } : 'now';
        if (valid & SETATTR_MTIME) a.mtime = valid & SETATTR_MTIME_SET ? { sec: ms, nsec: nsec(mns) } : 'now';
        fid.attach.exp.setattr(fid.path, a, fid.file);
        return w(0).finish(T.setattr + 1, tag);
      }
      case T.lopen: {
        const fid = this.fid(r.u32());
        const flags = r.u32();
        if (fid.file || fid.xattr) throw new P9Error(E.EBADF, 'fid already open');
        this.reserveOpen();
        fid.file = fid.attach.exp.open(fid.path, flags);
        this.open++;
        const st = fid.file.fstat();
        return qidOf(w(17), st).u32(0).finish(T.lopen + 1, tag);
      }
      case T.lcreate: {
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        const flags = r.u32();
        const mode = r.u32();
        r.u32(); // gid: new files belong to the host user, as in UML
        if (fid.file || fid.xattr) throw new P9Error(E.EBADF, 'fid already open');
        this.reserveOpen();
        const path = join(fid.path, name);
        fid.file = fid.attach.exp.create(fid.path, name, flags, mode & 0o7777);
        this.open++;
        fid.path = path;
        return qidOf(w(17), fid.file.fstat()).u32(0).finish(T.lcreate + 1, tag);
      }
      case T.read: {
        const fid = this.fid(r.u32());
        const offset = r.u64();
        const count = Math.min(r.u32(), cap - HEADER - 4);
        if (dest && fid.file?.readNow && count > 0 && offset <= Number.MAX_SAFE_INTEGER) {
          const into = cut(dest, Math.min(count, dest.reduce((n, b) => n + b.length, 0)));
          const n = into ? fid.file.readNow(offset, into) : -1;
          if (n >= 0) {
            const head = new Writer(new Uint8Array(HEADER + 4)).u32(n);
            const reply = head.finish(T.read + 1, tag);
            new DataView(reply.buffer).setUint32(0, HEADER + 4 + n, true);
            return reply;
          }
        }
        const out = new Writer(this.replyBuffer(HEADER + 4 + Math.max(0, count)));
        if (fid.xattr && !fid.xattr.write) {
          const d = fid.xattr.data;
          const start = Math.min(offset, d.length);
          const part = d.subarray(start, start + count);
          out.u32(part.length);
          out.buf.set(part, out.pos);
          out.pos += part.length;
          return out.finish(T.read + 1, tag);
        }
        if (!fid.file) throw new P9Error(E.EBADF, 'fid not open');
        if (offset > Number.MAX_SAFE_INTEGER) throw new P9Error(E.EINVAL);
        const n = count > 0 ? await fid.file.read(offset, out.buf.subarray(HEADER + 4)) : 0;
        out.u32(n);
        out.pos += n;
        return out.finish(T.read + 1, tag);
      }
      case T.write: {
        const fid = this.fid(r.u32());
        const offset = r.u64();
        const count = r.u32();
        let data: Uint8Array | Uint8Array[];
        if (payload) {
          if (count !== payload.reduce((n, b) => n + b.length, 0)) throw new P9Error(E.EBADMSG, 'write count is not the message');
          data = payload;
        } else {
          if (count > r.remaining) throw new P9Error(E.EBADMSG, 'write count past the message');
          data = r.bytes(count);
        }
        if (fid.xattr?.write) {
          if (Array.isArray(data)) data = concat(data, count);
          const x = fid.xattr.write;
          if (offset !== x.filled || offset + count > x.size) throw new P9Error(E.EINVAL);
          fid.xattr.data.set(data, offset);
          x.filled += count;
          return w(4).u32(count).finish(T.write + 1, tag);
        }
        if (!fid.file) throw new P9Error(E.EBADF, 'fid not open');
        if (offset + count > Number.MAX_SAFE_INTEGER) throw new P9Error(E.EFBIG);
        const n = await fid.file.write(offset, data);
        return w(4).u32(n).finish(T.write + 1, tag);
      }
      case T.readdir:
        return this.readdir(r, tag, cap);
      case T.fsync: {
        const fid = this.fid(r.u32());
        const datasync = r.remaining >= 4 ? r.u32() !== 0 : false;
        if (!fid.file) throw new P9Error(E.EBADF, 'fid not open');
        await fid.file.fsync(datasync);
        return w(0).finish(T.fsync + 1, tag);
      }
      case T.mkdir: {
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        const mode = r.u32();
        r.u32();
        fid.attach.exp.mkdir(fid.path, name, mode & 0o7777);
        return qidOf(w(13), fid.attach.exp.lstat(join(fid.path, name))).finish(T.mkdir + 1, tag);
      }
      case T.symlink: {
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        const target = r.str();
        r.u32();
        if (target.length === 0 || target.includes('\0')) throw new P9Error(E.EINVAL);
        fid.attach.exp.symlink(fid.path, name, target);
        return qidOf(w(13), fid.attach.exp.lstat(join(fid.path, name))).finish(T.symlink + 1, tag);
      }
      case T.mknod: {
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        const mode = r.u32();
        const major = r.u32();
        const minor = r.u32();
        r.u32();
        fid.attach.exp.mknod(fid.path, name, mode, major, minor);
        return qidOf(w(13), fid.attach.exp.lstat(join(fid.path, name))).finish(T.mknod + 1, tag);
      }
      case T.readlink: {
        const fid = this.fid(r.u32());
        return w(2 + 4096).str(fid.attach.exp.readlink(fid.path)).finish(T.readlink + 1, tag);
      }
      case T.link: {
        const dfid = this.fid(r.u32());
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        if (dfid.attach !== fid.attach) throw new P9Error(E.EXDEV);
        fid.attach.exp.link(fid.path, dfid.path, name);
        return w(0).finish(T.link + 1, tag);
      }
      case T.rename: {
        const fid = this.fid(r.u32());
        const dfid = this.fid(r.u32());
        const name = checkName(r.str());
        if (fid.path === '') throw new P9Error(E.EBUSY);
        if (dfid.attach !== fid.attach) throw new P9Error(E.EXDEV);
        const to = join(dfid.path, name);
        fid.attach.exp.rename(parent(fid.path), base(fid.path), dfid.path, name);
        this.renamed(fid.attach, fid.path, to);
        return w(0).finish(T.rename + 1, tag);
      }
      case T.renameat: {
        const ofid = this.fid(r.u32());
        const oname = checkName(r.str());
        const nfid = this.fid(r.u32());
        const nname = checkName(r.str());
        if (ofid.attach !== nfid.attach) throw new P9Error(E.EXDEV);
        ofid.attach.exp.rename(ofid.path, oname, nfid.path, nname);
        this.renamed(ofid.attach, join(ofid.path, oname), join(nfid.path, nname));
        return w(0).finish(T.renameat + 1, tag);
      }
      case T.renameat2: {
        const ofid = this.fid(r.u32());
        const oname = checkName(r.str());
        const nfid = this.fid(r.u32());
        const nname = checkName(r.str());
        const flags = r.u32();
        if (ofid.attach !== nfid.attach) throw new P9Error(E.EXDEV);
        const from = join(ofid.path, oname);
        const to = join(nfid.path, nname);
        if (flags === RENAME_EXCHANGE) {
          ofid.attach.exp.rename(ofid.path, oname, nfid.path, nname, RENAME_EXCHANGE);
          this.exchanged(ofid.attach, from, to);
        } else if (flags === RENAME_NOREPLACE || flags === 0) {
          ofid.attach.exp.rename(ofid.path, oname, nfid.path, nname, flags);
          this.renamed(ofid.attach, from, to);
        } else throw new P9Error(E.EINVAL, 'rename flags');
        return w(0).finish(T.renameat2 + 1, tag);
      }
      case T.unlinkat: {
        const fid = this.fid(r.u32());
        const name = checkName(r.str());
        const flags = r.u32();
        fid.attach.exp.remove(fid.path, name, (flags & 0x200) !== 0);
        return w(0).finish(T.unlinkat + 1, tag);
      }
      case T.statfs: {
        const fid = this.fid(r.u32());
        const s = fid.attach.exp.statfs(fid.path);
        const o = w(4 + 4 + 8 * 6 + 4).u32(s.type).u32(s.bsize).u64(s.blocks).u64(s.bfree).u64(s.bavail);
        return o.u64(s.files).u64(s.ffree).u64(s.fsid).u32(s.namelen).finish(T.statfs + 1, tag);
      }
      case T.xattrwalk: {
        const fid = this.fid(r.u32());
        const newId = r.u32();
        const name = r.str();
        if (name.includes('\0')) throw new P9Error(E.EINVAL);
        this.checkNewFid(newId);
        const data = name === '' ? fid.attach.exp.listxattr(fid.path, XATTR_MAX) : fid.attach.exp.getxattr(fid.path, name, XATTR_MAX);
        this.addFid(newId, { attach: fid.attach, path: fid.path, xattr: { data } });
        return w(8).u64(data.length).finish(T.xattrwalk + 1, tag);
      }
      case T.xattrcreate: {
        const fid = this.fid(r.u32());
        const name = r.str();
        const size = r.u64();
        const flags = r.u32();
        if (name === '' || name.includes('\0')) throw new P9Error(E.EINVAL);
        if (size > XATTR_MAX) throw new P9Error(E.E2BIG);
        if (fid.file || fid.xattr) throw new P9Error(E.EBADF, 'fid already open');
        fid.xattr = { data: new Uint8Array(size), write: { name, size, flags, filled: 0 } };
        return w(0).finish(T.xattrcreate + 1, tag);
      }
      case T.lock: {
        const fid = this.fid(r.u32());
        if (!fid.file) throw new P9Error(E.EBADF);
        // Locks are the guest's own business (its kernel arbitrates between its processes).
        return w(1).u8(0).finish(T.lock + 1, tag);
      }
      case T.getlock: {
        const fid = this.fid(r.u32());
        if (!fid.file) throw new P9Error(E.EBADF);
        r.u8();
        const start = r.u64n();
        const length = r.u64n();
        const proc = r.u32();
        const client = r.str();
        return w(1 + 8 + 8 + 4 + 2 + client.length).u8(2).u64(start).u64(length).u32(proc).str(client).finish(T.getlock + 1, tag);
      }
      default:
        throw new P9Error(E.EOPNOTSUPP, `message type ${type}`);
    }
  }

  private version(r: Reader, tag: number, cap: number): Uint8Array {
    const msize = r.u32();
    const version = r.str();
    this.reset();
    const ok = version.startsWith(VERSION_9P2000_L) && msize >= MIN_MSIZE;
    this.msize = ok ? Math.min(msize, MAX_MSIZE) : MIN_MSIZE;
    this.versioned = ok;
    const reply = ok ? VERSION_9P2000_L : 'unknown';
    return new Writer(new Uint8Array(Math.min(cap, HEADER + 6 + reply.length))).u32(this.msize).str(reply).finish(T.version + 1, tag);
  }

  private walk(r: Reader, tag: number, w: (n: number) => Writer): Uint8Array {
    const id = r.u32();
    const fid = this.fid(id);
    const newId = r.u32();
    const n = r.u16();
    if (n > MAXWELEM) throw new P9Error(E.EINVAL, 'too many walk elements');
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push(r.str());
    if (newId !== id) this.checkNewFid(newId);
    const qids: FsStat[] = [];
    let path = fid.path;
    const exp = fid.attach.exp;
    for (const raw of names) {
      let next: string;
      if (raw === '..') next = parent(path);
      else if (raw === '.') next = path;
      else {
        const name = checkNameOrNull(raw);
        if (name === null) {
          if (qids.length === 0) throw new P9Error(E.EINVAL, 'bad name');
          break;
        }
        next = join(path, name);
      }
      let st: FsStat;
      try {
        // (Below a non-directory the host's own lookup fails with ENOTDIR.)
        st = exp.lstat(next);
      } catch (e) {
        if (qids.length === 0) throw e;
        break;
      }
      qids.push(st);
      path = next;
    }
    if (qids.length === n) {
      if (newId === id) {
        if (fid.file || fid.xattr) throw new P9Error(E.EBADF, 'walk of an open fid onto itself');
        fid.path = path;
      } else this.addFid(newId, { attach: fid.attach, path });
    }
    const o = w(2 + 13 * qids.length).u16(qids.length);
    for (const st of qids) qidOf(o, st);
    return o.finish(T.walk + 1, tag);
  }

  private readdir(r: Reader, tag: number, cap: number): Uint8Array {
    const fid = this.fid(r.u32());
    const offset = r.u64n();
    const count = Math.min(r.u32(), cap - HEADER - 4);
    if (!fid.file) throw new P9Error(E.EBADF, 'fid not open');
    const o = new Writer(new Uint8Array(HEADER + 4 + Math.max(0, count)));
    o.u32(0);
    fid.file.readdir(offset, (e) => {
      const need = 13 + 8 + 1 + 2 + e.name.length;
      if (!o.fits(need)) return false;
      const qt = e.type === 4 ? QT_DIR : e.type === 10 ? QT_SYMLINK : QT_FILE;
      o.qid(qt, 0, qidPath(e.ino)).u64(e.next).u8(e.type).str(e.name);
      return true;
    });
    o.dv.setUint32(HEADER, o.pos - HEADER - 4, true);
    return o.finish(T.readdir + 1, tag);
  }

  private commitXattr(fid: Fid): void {
    const x = fid.xattr!.write!;
    const data = fid.xattr!.data;
    fid.xattr = undefined;
    if (x.filled !== x.size) throw new P9Error(E.EINVAL, 'xattr value incomplete');
    // Linux's 9p client asks for a removal as a create of size 0.
    if (x.size === 0) fid.attach.exp.removexattr(fid.path, x.name);
    else fid.attach.exp.setxattr(fid.path, x.name, data, x.flags);
  }

  private fid(id: number): Fid {
    const f = this.fids.get(id);
    if (!f) throw new P9Error(E.EBADF, `unknown fid ${id}`);
    return f;
  }

  private checkNewFid(id: number): void {
    if (id === NOFID) throw new P9Error(E.EBADF, 'NOFID');
    if (this.fids.has(id)) throw new P9Error(E.EBADF, `fid ${id} in use`);
    if (this.fids.size >= MAX_FIDS) throw new P9Error(E.ENFILE, 'too many fids');
  }

  private addFid(id: number, fid: Fid): void {
    fid.attach.refs++;
    this.fids.set(id, fid);
  }

  private reserveOpen(): void {
    if (this.open >= MAX_OPEN) throw new P9Error(E.EMFILE, 'too many open files');
  }

  private dropFid(fid: Fid): void {
    if (fid.file) {
      fid.file.close();
      fid.file = undefined;
      this.open--;
    }
    if (--fid.attach.refs === 0) {
      fid.attach.exp.close();
      this.attaches--;
    }
  }

  /** Fids at or below two exchanged paths follow them. */
  private exchanged(attach: Attach, a: string, b: string): void {
    const swap = (p: string) => {
      if (p === a || p.startsWith(a + '/')) return b + p.slice(a.length);
      if (p === b || p.startsWith(b + '/')) return a + p.slice(b.length);
      return p;
    };
    for (const f of this.fids.values()) if (f.attach === attach) f.path = swap(f.path);
  }

  /** Fids below a renamed path follow it. */
  private renamed(attach: Attach, from: string, to: string): void {
    for (const f of this.fids.values()) {
      if (f.attach !== attach) continue;
      if (f.path === from) f.path = to;
      else if (f.path.startsWith(from + '/')) f.path = to + f.path.slice(from.length);
    }
  }
}

function qidOf(w: Writer, st: FsStat): Writer {
  const fmt = st.mode & S_IFMT;
  const type = fmt === S_IFDIR ? QT_DIR : fmt === S_IFLNK ? QT_SYMLINK : QT_FILE;
  return w.qid(type, 0, qidPath(st.ino));
}

/**
 * Linux's 9p client shows qid.path + 2 as the inode number (v9fs_qid2ino); UML shows the
 * host's own, so the path is the host inode number minus 2 (mod 2^64: still one-to-one).
 */
export function qidPath(ino: bigint): bigint {
  return BigInt.asUintN(64, ino - 2n);
}

/** The first `n` bytes of `parts` (as views), or undefined when they hold fewer. */
function cut(parts: readonly Uint8Array[], n: number): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (n === 0) break;
    const take = Math.min(p.length, n);
    out.push(take === p.length ? p : p.subarray(0, take));
    n -= take;
  }
  return n === 0 ? out : undefined;
}

function concat(parts: readonly Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function nsec(v: number): number {
  return v < 1e9 ? v : 0;
}

/** One path element from the guest: no '/', no NUL, not '.', '..' or empty. */
function checkName(name: string): string {
  const n = checkNameOrNull(name);
  if (n === null) throw new P9Error(E.EINVAL, 'bad name');
  return n;
}

function checkNameOrNull(name: string): string | null {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return null;
  if (name.length > 255) return null;
  return name;
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The kernel's hostfs type sends ',' and '%' of the host path as %2C and %25. */
function decodeAname(a: string): string {
  return a.replace(/%(2C|25)/gi, (m) => (m.toUpperCase() === '%2C' ? ',' : '%'));
}
