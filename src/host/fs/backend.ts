// hostfs's Node backend: the 9P server's paths resolved on the host with openat2(2)
// beneath the export's directory descriptor, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS: no '..', absolute link, symlink (swapped in by a race or not)
// or /proc magic link can lead outside. Operations on a name act on (parent fd, name)
// with the *at() calls that do not follow a final symlink; the few that would follow
// (chmod, xattrs) go through an O_PATH descriptor of a file known not to be a link.
// Bulk data (read, write, fsync) goes through libuv's thread pool, off the machine's loop.

import { closeSync, fdatasync, fsync, ftruncateSync as ftruncateSyncNode, read, write, writev } from 'node:fs';
import { errno as hostErrno, fsSyscalls as sys } from '../native/index.js';
import type { FsBackend, FsDirent, FsExport, FsFile, FsSetattr, FsStat, FsStatfs } from '../../9p/backend.js';
import { L_O } from '../../9p/backend.js';
import { E, P9Error } from '../../9p/protocol.js';

const C = sys.constants;
const RESOLVE = C.RESOLVE_BENEATH | C.RESOLVE_NO_SYMLINKS | C.RESOLVE_NO_MAGICLINKS;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** UML's hostfs statfs magic. */
export const HOSTFS_SUPER_MAGIC = 0x00c0ffee;
const HOSTFS_BLOCK_SIZE = 1024;

export interface HostFsOptions {
  /** Host directory every export is confined to (`hostfs=`); '/' without it. */
  root: string;
  /** UML's `append` flag: files opened O_APPEND, no unlink, no size changes. */
  append?: boolean;
}

function check(r: number): number {
  if (r < 0) throw new P9Error(-r);
  return r;
}

export class HostFsBackend implements FsBackend {
  private rootFd: number;

  /** Opens the root now (a missing root throws the Node-style error); later renames of it do not matter. */
  constructor(private readonly opts: HostFsOptions) {
    const fd = sys.openat2(C.AT_FDCWD, opts.root, C.O_PATH | C.O_DIRECTORY, 0, 0);
    if (fd < 0) throw Object.assign(new Error(`${opts.root}: ${errnoText(-fd)}`), { errno: -fd });
    this.rootFd = fd;
  }

  attach(aname: string): FsExport {
    if (this.rootFd < 0) throw new P9Error(E.EIO, 'closed');
    // As UML, a link named by the mount option is followed, but inside the root: an
    // absolute link or '..' resolves as if the root were '/'.
    const rel = aname.replace(/^\/+/, '') || '.';
    if (rel.includes('\0')) throw new P9Error(E.EINVAL);
    const fd = check(sys.openat2(this.rootFd, rel, C.O_PATH | C.O_DIRECTORY, 0, C.RESOLVE_IN_ROOT | C.RESOLVE_NO_MAGICLINKS));
    return new HostExport(fd, !!this.opts.append);
  }

  close(): void {
    if (this.rootFd >= 0) closeFd(this.rootFd);
    this.rootFd = -1;
  }
}

function errnoText(errno: number): string {
  const names: Record<number, string> = { 2: 'ENOENT', 13: 'EACCES', 20: 'ENOTDIR', 40: 'ELOOP' };
  return names[errno] ?? `errno ${errno}`;
}

function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const statBuf = new Float64Array(18);

function toStat(o: Float64Array): FsStat {
  return {
    ino: (BigInt(o[1]) << 32n) | BigInt(o[2]),
    mode: o[3], nlink: o[4], uid: o[5], gid: o[6], rdevMajor: o[7], rdevMinor: o[8],
    // UML's hostfs has 1 KiB blocks (its superblock's), whatever the host file system uses.
    size: o[9], blksize: HOSTFS_BLOCK_SIZE, blocks: o[11],
    atimeSec: o[12], atimeNsec: o[13], mtimeSec: o[14], mtimeNsec: o[15], ctimeSec: o[16], ctimeNsec: o[17],
  };
}

function fstatFd(fd: number): FsStat {
  check(sys.fstatat(fd, '', C.AT_EMPTY_PATH | C.AT_SYMLINK_NOFOLLOW, statBuf));
  return toStat(statBuf);
}

function hostOpenFlags(l: number, append: boolean): number {
  const acc = l & L_O.ACCMODE;
  let f = acc === L_O.RDWR ? C.O_RDWR : acc === L_O.WRONLY ? C.O_WRONLY : C.O_RDONLY;
  if (l & L_O.TRUNC && !append) f |= C.O_TRUNC;
  if (l & L_O.APPEND || (append && acc !== 0)) f |= C.O_APPEND;
  if ((l & L_O.SYNC) === L_O.SYNC) f |= C.O_SYNC;
  else if (l & L_O.DSYNC) f |= C.O_DSYNC;
  if (l & L_O.DIRECTORY) f |= C.O_DIRECTORY;
  // O_DIRECT wants aligned buffers, O_NOATIME ownership, O_NONBLOCK means nothing to the
  // host side of a request: none is passed on. Never a controlling terminal.
  return f | C.O_NOFOLLOW | C.O_NOCTTY | C.O_LARGEFILE;
}

class HostExport implements FsExport {
  private closed = false;
  constructor(private readonly fd: number, private readonly append: boolean) {}

  /** An O_PATH descriptor of `path` (not following a final link). */
  private opath(path: string): number {
    return check(sys.openat2(this.fd, path || '.', C.O_PATH | C.O_NOFOLLOW, 0, RESOLVE));
  }

  private dir(path: string): number {
    return check(sys.openat2(this.fd, path || '.', C.O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW, 0, RESOLVE));
  }

  private inDir<R>(dir: string, f: (dfd: number) => R): R {
    const dfd = this.dir(dir);
    try {
      return f(dfd);
    } finally {
      closeFd(dfd);
    }
  }

  private atPath<R>(path: string, f: (fd: number) => R): R {
    const fd = this.opath(path);
    try {
      return f(fd);
    } finally {
      closeFd(fd);
    }
  }

  lstat(path: string): FsStat {
    return this.atPath(path, fstatFd);
  }

  /**
   * Only regular files and directories are opened on the host: the guest's device nodes,
   * FIFOs and sockets are its own (as in UML), and opening a host FIFO or device could
   * block or reach host hardware. The type is checked on an O_PATH descriptor, which is
   * then reopened through /proc/self/fd, so nothing can be swapped in between.
   */
  open(path: string, flags: number): FsFile {
    const f = hostOpenFlags(flags & ~(L_O.CREAT | L_O.EXCL), this.append);
    return this.atPath(path, (pfd) => {
      const fmt = fstatFd(pfd).mode & S_IFMT;
      if (fmt !== S_IFREG && fmt !== S_IFDIR) throw new P9Error(fmt === S_IFLNK ? E.ELOOP : E.EOPNOTSUPP);
      return new HostFile(check(sys.openat2(C.AT_FDCWD, `/proc/self/fd/${pfd}`, f & ~C.O_NOFOLLOW, 0, 0)), (f & 3) !== C.O_RDONLY);
    });
  }

  create(dir: string, name: string, flags: number, mode: number): FsFile {
    const made = this.inDir(dir, (dfd) => {
      // Always exclusive: an existing name goes through open()'s checks instead.
      const f = hostOpenFlags(flags, this.append) | C.O_CREAT | C.O_EXCL;
      const fd = sys.openat2(dfd, name, f, mode & 0o7777, RESOLVE);
      if (fd === -E.EEXIST && !(flags & L_O.EXCL)) return undefined;
      return new HostFile(check(fd), (f & 3) !== C.O_RDONLY);
    });
    return made ?? this.open(dir === '' ? name : `${dir}/${name}`, flags);
  }

  mkdir(dir: string, name: string, mode: number): void {
    this.inDir(dir, (dfd) => check(sys.mkdirat(dfd, name, mode & 0o7777)));
  }

  symlink(dir: string, name: string, target: string): void {
    this.inDir(dir, (dfd) => check(sys.symlinkat(target, dfd, name)));
  }

  mknod(dir: string, name: string, mode: number, major: number, minor: number): void {
    this.inDir(dir, (dfd) => check(sys.mknodat(dfd, name, mode, major, minor)));
  }

  link(path: string, dir: string, name: string): void {
    const from = parentOf(path);
    this.inDir(from.dir, (ofd) => this.inDir(dir, (nfd) => check(sys.linkat(ofd, from.name, nfd, name, 0))));
  }

  rename(fromDir: string, fromName: string, toDir: string, toName: string, flags = 0): void {
    this.inDir(fromDir, (ofd) => this.inDir(toDir, (nfd) => check(sys.renameat2(ofd, fromName, nfd, toName, flags & (C.RENAME_NOREPLACE | C.RENAME_EXCHANGE)))));
  }

  remove(dir: string, name: string, isDir: boolean): void {
    if (this.append) throw new P9Error(E.EPERM, 'append mode');
    this.inDir(dir, (dfd) => check(sys.unlinkat(dfd, name, isDir ? C.AT_REMOVEDIR : 0)));
  }

  readlink(path: string): string {
    const p = parentOf(path);
    return this.inDir(p.dir, (dfd) => {
      const r = sys.readlinkat(dfd, p.name);
      if (typeof r === 'number') throw new P9Error(r === -E.ENOENT ? E.ENOENT : -r);
      return r;
    });
  }

  setattr(path: string, a: FsSetattr, file?: FsFile): void {
    this.atPath(path, (fd) => {
      const isLink = (fstatFd(fd).mode & S_IFMT) === S_IFLNK;
      if (a.mode !== undefined) {
        if (isLink) throw new P9Error(E.EOPNOTSUPP);
        check(sys.fchmodat(C.AT_FDCWD, `/proc/self/fd/${fd}`, a.mode));
      }
      if (a.uid !== undefined || a.gid !== undefined) {
        check(sys.fchownat(fd, '', a.uid ?? -1, a.gid ?? -1, C.AT_EMPTY_PATH));
      }
      if (a.size !== undefined && !this.append) {
        if (isLink) throw new P9Error(E.EINVAL);
        if (file instanceof HostFile && file.writable) file.truncate(a.size);
        else {
          const wfd = check(sys.openat2(this.fd, path || '.', C.O_WRONLY | C.O_NOFOLLOW, 0, RESOLVE));
          try {
            ftruncateSync(wfd, a.size);
          } finally {
            closeFd(wfd);
          }
        }
      }
      if (a.atime !== undefined || a.mtime !== undefined) {
        const t = new Float64Array(4);
        const put = (i: number, v: FsSetattr['atime']) => {
          if (v === undefined) t[i + 1] = C.UTIME_OMIT;
          else if (v === 'now') t[i + 1] = C.UTIME_NOW;
          else {
            t[i] = v.sec;
            t[i + 1] = v.nsec;
          }
        };
        put(0, a.atime);
        put(2, a.mtime);
        const p = parentOf(path);
        if (path === '') check(sys.utimensat(fd, '', t, C.AT_EMPTY_PATH));
        else this.inDir(p.dir, (dfd) => check(sys.utimensat(dfd, p.name, t, C.AT_SYMLINK_NOFOLLOW)));
      }
    });
  }

  statfs(path: string): FsStatfs {
    return this.atPath(path, (fd) => {
      const o = new Float64Array(9);
      check(sys.fstatfs(fd, o));
      return {
        type: HOSTFS_SUPER_MAGIC, bsize: o[1], blocks: o[2], bfree: o[3], bavail: o[4],
        files: o[5], ffree: o[6], fsid: o[7], namelen: o[8],
      };
    });
  }

  /** /proc/self/fd/N of a non-link: the xattr calls follow it to exactly that file. */
  private xattrPath<R>(path: string, f: (p: string) => R): R {
    return this.atPath(path, (fd) => {
      if ((fstatFd(fd).mode & S_IFMT) === S_IFLNK) throw new P9Error(E.EOPNOTSUPP);
      return f(`/proc/self/fd/${fd}`);
    });
  }

  getxattr(path: string, name: string, max: number): Uint8Array {
    return this.xattrPath(path, (p) => {
      const n = check(sys.getxattr(p, name, new Uint8Array(0)));
      if (n > max) throw new P9Error(E.ERANGE);
      const buf = new Uint8Array(n);
      return buf.subarray(0, check(sys.getxattr(p, name, buf)));
    });
  }

  listxattr(path: string, max: number): Uint8Array {
    return this.xattrPath(path, (p) => {
      const n = check(sys.listxattr(p, new Uint8Array(0)));
      if (n > max) throw new P9Error(E.ERANGE);
      const buf = new Uint8Array(n);
      return buf.subarray(0, check(sys.listxattr(p, buf)));
    });
  }

  setxattr(path: string, name: string, value: Uint8Array, flags: number): void {
    this.xattrPath(path, (p) => check(sys.setxattr(p, name, value, flags & (C.XATTR_CREATE | C.XATTR_REPLACE))));
  }

  removexattr(path: string, name: string): void {
    this.xattrPath(path, (p) => check(sys.removexattr(p, name)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeFd(this.fd);
  }
}

function ftruncateSync(fd: number, size: number): void {
  try {
    ftruncateSyncNode(fd, size);
  } catch (e) {
    throw new P9Error(-((e as NodeJS.ErrnoException).errno ?? -E.EIO));
  }
}

function parentOf(path: string): { dir: string; name: string } {
  const i = path.lastIndexOf('/');
  if (path === '') throw new P9Error(E.EINVAL, 'the export root has no name');
  return i < 0 ? { dir: '', name: path } : { dir: path.slice(0, i), name: path.slice(i + 1) };
}

function errnoOf(e: NodeJS.ErrnoException | null): number {
  return e ? -(e.errno ?? -E.EIO) : 0;
}

class HostFile implements FsFile {
  private closed = false;
  /** Thread-pool operations on fd still running: the fd is closed after them, never under them. */
  private busy = 0;
  private dirBuf: Uint8Array | undefined;
  /** Cleared once the file refuses RWF_NOWAIT for good (not a regular file, or no support: ext4 has none for buffered writes). */
  private nowaitRead = true;
  private nowaitWrite = true;

  constructor(readonly fd: number, readonly writable: boolean) {}

  private io<R>(f: (done: (e: NodeJS.ErrnoException | null, r: R) => void) => void): Promise<R> {
    if (this.closed) return Promise.reject(new P9Error(E.EBADF));
    this.busy++;
    return new Promise<R>((resolve, reject) => {
      f((e, r) => {
        if (--this.busy === 0 && this.closed) closeFd(this.fd);
        if (e) reject(new P9Error(errnoOf(e)));
        else resolve(r);
      });
    });
  }

  // Data the host has in its page cache is copied at once: a thread-pool round trip costs
  // more than the copy, and the guest waits for each request. What would block (a disk
  // read, a pipe, a device) goes to the thread pool. A short count is a valid 9P answer.
  // Into guest memory directly only when it completes now: a read left to the thread pool
  // could land after the device was reset and the memory given to something else.
  readNow(offset: number, dst: readonly Uint8Array[]): number {
    if (!this.nowaitRead || this.closed || dst.length === 0) return -1;
    const n = sys.preadvNowait(this.fd, dst, offset);
    if (n > 0) return n;
    if (n !== -hostErrno.EAGAIN && n !== 0) this.nowaitRead = false;
    return -1;
  }

  read(offset: number, dst: Uint8Array): Promise<number> {
    if (this.nowaitRead && !this.closed && dst.length > 0) {
      const n = sys.preadNowait(this.fd, dst, offset);
      if (n > 0) return Promise.resolve(n);
      if (n !== -hostErrno.EAGAIN && n !== 0) this.nowaitRead = false;
    }
    return this.io((done) => read(this.fd, dst, 0, dst.length, offset, done));
  }

  write(offset: number, src: Uint8Array | readonly Uint8Array[]): Promise<number> {
    if (Array.isArray(src)) {
      const parts = src as readonly Uint8Array[];
      return this.io((done) => writev(this.fd, parts as Uint8Array[], offset, done));
    }
    src = src as Uint8Array;
    if (this.nowaitWrite && !this.closed && src.length > 0) {
      const n = sys.pwriteNowait(this.fd, src, offset);
      if (n > 0) return Promise.resolve(n);
      if (n !== -hostErrno.EAGAIN) this.nowaitWrite = false;
    }
    return this.io((done) => write(this.fd, src, 0, src.length, offset, done));
  }

  readdir(offset: bigint, take: (e: FsDirent) => boolean): void {
    const pos = sys.lseek(this.fd, offset, C.SEEK_SET);
    if (pos < 0n) throw new P9Error(Number(-pos));
    const buf = (this.dirBuf ??= new Uint8Array(32768));
    const dv = new DataView(buf.buffer);
    for (;;) {
      const n = check(sys.getdents64(this.fd, buf));
      if (n === 0) return;
      for (let p = 0; p < n;) {
        const reclen = dv.getUint16(p + 16, true);
        let end = p + 19;
        while (end < p + reclen && buf[end] !== 0) end++;
        let name = '';
        for (let i = p + 19; i < end; i++) name += String.fromCharCode(buf[i]);
        const e: FsDirent = { ino: dv.getBigUint64(p, true), next: dv.getBigUint64(p + 8, true), type: buf[p + 18], name };
        if (!take(e)) return;
        p += reclen;
      }
    }
  }

  fstat(): FsStat {
    return fstatFd(this.fd);
  }

  truncate(size: number): void {
    ftruncateSync(this.fd, size);
  }

  fsync(datasync: boolean): Promise<void> {
    return this.io<void>((done) => (datasync ? fdatasync : fsync)(this.fd, (e) => done(e, undefined)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.busy === 0) closeFd(this.fd);
  }
}

