// Typed access to the native addon (native/tuml_host.cc): the host system calls
// Node has no API for. Thin on purpose: policy lives in the callers.
//
// Errors: calls throw NativeError (code/errno/syscall, like Node's fs errors),
// except the per-packet I/O calls (read, write, sendToUnix, recvFromUnix), which
// return a negative errno so that EAGAIN costs neither a throw nor an allocation.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export type LockKind = 'read' | 'write';

export interface Poller {
  /** Watches for the given readiness; (false, false) stops watching. */
  start(readable: boolean, writable: boolean): void;
  stop(): void;
  /** Stops and frees the watcher; the fd itself stays open. */
  close(): void;
}

/** What fstatat(AT_SYMLINK_NOFOLLOW) tells of an entry. */
export interface StatAt {
  mode: number;
  uid: number;
  dev: number;
  ino: number;
}

interface Addon {
  lock(fd: number, kind: LockKind | 'unlock', start?: number, len?: number): void;
  lockHolder(fd: number, kind: LockKind, start?: number, len?: number): number | null;
  fallocate(fd: number, mode: number, offset: number, len: number): void;
  socket(domain: number, type: number, protocol?: number): number;
  socketPair(domain: number, type: number): [number, number];
  bindUnix(fd: number, path: string | Uint8Array): void;
  connectUnix(fd: number, path: string | Uint8Array): void;
  sendToUnix(fd: number, buf: Uint8Array, path?: string | Uint8Array | null): number;
  recvFromUnix(fd: number, buf: Uint8Array, off?: number, len?: number): { n: number; from: Buffer | null };
  getsockname(fd: number): Buffer;
  read(fd: number, buf: Uint8Array, off?: number, len?: number): number;
  write(fd: number, buf: Uint8Array, off?: number, len?: number): number;
  setNonBlocking(fd: number, on: boolean): void;
  close(fd: number): void;
  openpt(): { fd: number; path: string };
  openpty(): { master: number; slave: number; path: string };
  tcgetattr(fd: number): Buffer;
  tcsetattr(fd: number, termios: Buffer, when?: 'now' | 'drain' | 'flush'): void;
  makeRaw(fd: number): Buffer;
  getWinsize(fd: number): { rows: number; cols: number };
  setWinsize(fd: number, rows: number, cols: number): void;
  tunSetIff(fd: number, name: string, flags: number): string;
  openat(dirfd: number, name: string, flags: number, mode: number): number;
  mkdirat(dirfd: number, name: string, mode: number): void;
  unlinkat(dirfd: number, name: string, flags: number): void;
  lstatat(dirfd: number, name: string): StatAt;
  readdirfd(fd: number): string[];
  dirfdConstants: Record<'AT_FDCWD' | 'AT_REMOVEDIR' | 'O_RDONLY' | 'O_WRONLY' | 'O_CREAT' | 'O_EXCL' | 'O_NOFOLLOW' | 'O_DIRECTORY', number>;
  recvMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  sendMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  readMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  writeMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  ifIndex(name: string): number;
  bindPacket(fd: number, ifindex: number, protocol: number): void;
  bindInet(fd: number, addr: Uint8Array, port: number): void;
  connectInet(fd: number, addr: Uint8Array, port: number): void;
  setSockOptInt(fd: number, level: number, name: number, value: number): void;
  setSockOptBytes(fd: number, level: number, name: number, value: Uint8Array): void;
  attachFilter(fd: number, program: Uint8Array): void;
  tunSetOffload(fd: number, flags: number): void;
  tunSetVnetHdrSz(fd: number, size: number): void;
  sockError(fd: number): number;
  netConstants: Record<
    | 'SOL_SOCKET' | 'SOL_PACKET' | 'IPPROTO_IP' | 'IPPROTO_IPV6' | 'IPPROTO_UDP'
    | 'PACKET_VNET_HDR' | 'PACKET_QDISC_BYPASS' | 'ETH_P_ALL'
    | 'TUN_F_CSUM' | 'TUN_F_TSO4' | 'TUN_F_TSO6' | 'TUN_F_TSO_ECN'
    | 'SO_RCVBUF' | 'SO_SNDBUF' | 'SO_RCVBUFFORCE' | 'SO_SNDBUFFORCE' | 'IPV6_V6ONLY'
    | 'SO_REUSEADDR' | 'SO_RCVTIMEO' | 'SO_SNDTIMEO'
    | 'IP_MULTICAST_LOOP' | 'IP_MULTICAST_TTL' | 'IP_ADD_MEMBERSHIP'
    | 'PACKET_ADD_MEMBERSHIP' | 'PACKET_MR_PROMISC',
    number
  >;
  Poller: new (fd: number, cb: (err: number, readable: boolean, writable: boolean) => void) => Poller;
  errno: Record<ErrnoName, number>;
  fs: FsSyscalls;
  constants: Record<
    | 'FALLOC_FL_KEEP_SIZE' | 'FALLOC_FL_PUNCH_HOLE' | 'FALLOC_FL_ZERO_RANGE'
    | 'AF_UNIX' | 'AF_INET' | 'AF_INET6' | 'AF_PACKET'
    | 'SOCK_STREAM' | 'SOCK_DGRAM' | 'SOCK_SEQPACKET' | 'SOCK_RAW'
    | 'IFF_TUN' | 'IFF_TAP' | 'IFF_NO_PI' | 'IFF_VNET_HDR' | 'IFF_MULTI_QUEUE',
    number
  >;
}

type ErrnoName =
  | 'EPERM' | 'ENOENT' | 'EINTR' | 'EIO' | 'ENXIO' | 'EBADF' | 'EAGAIN' | 'ENOMEM' | 'EACCES' | 'EBUSY' | 'EEXIST'
  | 'ENODEV' | 'ENOTDIR' | 'EISDIR' | 'EINVAL' | 'ENOSPC' | 'EROFS' | 'EPIPE' | 'ENAMETOOLONG' | 'ENOSYS'
  | 'ENOTEMPTY' | 'ELOOP' | 'EMSGSIZE' | 'EOPNOTSUPP' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'ENETDOWN'
  | 'ENETUNREACH' | 'ECONNRESET' | 'ENOBUFS' | 'ENOTCONN' | 'ECONNREFUSED' | 'EHOSTUNREACH' | 'EXDEV' | 'ENOPROTOOPT';
/**
 * The *at() calls behind hostfs (native/fs.cc). Each returns -errno on failure; paths and
 * names are byte strings (one character per byte, latin1), never decoded as UTF-8.
 */
export interface FsSyscalls {
  /** openat2(2); O_CLOEXEC is always added. */
  openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number;
  mkdirat(dirfd: number, name: string, mode: number): number;
  mknodat(dirfd: number, name: string, mode: number, major: number, minor: number): number;
  unlinkat(dirfd: number, name: string, flags: number): number;
  renameat2(fromDir: number, from: string, toDir: number, to: string, flags: number): number;
  linkat(fromDir: number, from: string, toDir: number, to: string, flags: number): number;
  symlinkat(target: string, dirfd: number, name: string): number;
  /** The target (byte string) or -errno. */
  readlinkat(dirfd: number, name: string): string | number;
  /**
   * Into `out` (18 numbers): dev, ino high/low 32 bits, mode, nlink, uid, gid, rdev
   * major/minor, size, blksize, blocks, atime s/ns, mtime s/ns, ctime s/ns.
   */
  fstatat(dirfd: number, name: string, flags: number, out: Float64Array): number;
  fchownat(dirfd: number, name: string, uid: number, gid: number, flags: number): number;
  /** Follows symlinks (as fchmodat(2) does): callers pass a path they opened themselves. */
  fchmodat(dirfd: number, name: string, mode: number): number;
  /** times: atime s, atime ns, mtime s, mtime ns (ns may be UTIME_NOW / UTIME_OMIT). */
  utimensat(dirfd: number, name: string, times: Float64Array, flags: number): number;
  getdents64(fd: number, buf: Uint8Array): number;
  lseek(fd: number, offset: bigint, whence: number): bigint;
  /** Into `out` (9 numbers): type, bsize, blocks, bfree, bavail, files, ffree, fsid, namelen. */
  fstatfs(fd: number, out: Float64Array): number;
  getxattr(path: string, name: string, buf: Uint8Array): number;
  setxattr(path: string, name: string, value: Uint8Array, flags: number): number;
  listxattr(path: string, buf: Uint8Array): number;
  removexattr(path: string, name: string): number;
  /**
   * preadv2/pwritev2(RWF_NOWAIT) at `pos`: bytes done, or -EAGAIN when it would block on
   * I/O (-EOPNOTSUPP, -ESPIPE where the file has no such path).
   */
  preadNowait(fd: number, buf: Uint8Array, pos: number): number;
  preadvNowait(fd: number, bufs: readonly Uint8Array[], pos: number): number;
  pwriteNowait(fd: number, buf: Uint8Array, pos: number): number;
  constants: Record<
    | 'O_PATH' | 'O_NOFOLLOW' | 'O_DIRECTORY' | 'O_CREAT' | 'O_EXCL' | 'O_TRUNC' | 'O_APPEND'
    | 'O_RDONLY' | 'O_WRONLY' | 'O_RDWR' | 'O_NONBLOCK' | 'O_DSYNC' | 'O_SYNC' | 'O_DIRECT'
    | 'O_LARGEFILE' | 'O_NOATIME' | 'O_NOCTTY' | 'O_CLOEXEC'
    | 'RESOLVE_BENEATH' | 'RESOLVE_IN_ROOT' | 'RESOLVE_NO_MAGICLINKS' | 'RESOLVE_NO_SYMLINKS' | 'RESOLVE_NO_XDEV'
    | 'AT_FDCWD' | 'AT_SYMLINK_NOFOLLOW' | 'AT_EMPTY_PATH' | 'AT_REMOVEDIR' | 'AT_SYMLINK_FOLLOW'
    | 'RENAME_NOREPLACE' | 'RENAME_EXCHANGE' | 'RENAME_WHITEOUT'
    | 'UTIME_NOW' | 'UTIME_OMIT' | 'SEEK_SET' | 'SEEK_CUR' | 'SEEK_END' | 'XATTR_CREATE' | 'XATTR_REPLACE',
    number
  >;
}

function load(): Addon {
  // dist/src/host/native/index.js and src/host/native/index.ts both sit below the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, 'native', 'build', 'Release', 'tuml_host.node');
    if (existsSync(f)) return createRequire(import.meta.url)(f) as Addon;
    dir = dirname(dir);
  }
  throw new Error('the native addon is not built (native/build/Release/tuml_host.node): run `npm run build:native`');
}

const addon = load();

export const constants = addon.constants;
/** errno values by name (the per-packet calls return them negated). */
export const errno: Readonly<Record<ErrnoName, number>> = addon.errno;
/** hostfs's file system calls (see FsSyscalls). */
export const fsSyscalls: FsSyscalls = addon.fs;
export const {
  FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE,
  AF_UNIX, AF_INET, AF_INET6, AF_PACKET,
  SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW,
  IFF_TUN, IFF_TAP, IFF_NO_PI, IFF_VNET_HDR, IFF_MULTI_QUEUE,
} = addon.constants;

/** fcntl(F_SETLK): takes or drops a byte-range lock without waiting; a conflict throws EAGAIN or EACCES. */
export function lock(fd: number, kind: LockKind | 'unlock', start = 0, len = 0): void {
  addon.lock(fd, kind, start, len);
}

/** fcntl(F_GETLK): the pid holding a lock that conflicts with `kind`, or null. */
export function lockHolder(fd: number, kind: LockKind, start = 0, len = 0): number | null {
  return addon.lockHolder(fd, kind, start, len);
}

export function fallocate(fd: number, mode: number, offset: number, len: number): void {
  addon.fallocate(fd, mode, offset, len);
}

/** A socket, always non-blocking and close-on-exec. */
export function socket(domain: number, type: number, protocol = 0): number {
  return addon.socket(domain, type, protocol);
}

/** A connected pair, both ends non-blocking and close-on-exec. */
export function socketPair(domain: number, type: number): [number, number] {
  return addon.socketPair(domain, type);
}

/** A path beginning with NUL (string or bytes) is an abstract address. */
export function bindUnix(fd: number, path: string | Uint8Array): void {
  addon.bindUnix(fd, toAddr(path));
}

export function connectUnix(fd: number, path: string | Uint8Array): void {
  addon.connectUnix(fd, toAddr(path));
}

/** Bytes sent or -errno; `to` null sends to the connected peer. */
export function sendToUnix(fd: number, buf: Uint8Array, to: string | Uint8Array | null = null): number {
  return addon.sendToUnix(fd, buf, to === null ? null : toAddr(to));
}

/**
 * One datagram into buf: n is its full length (it was truncated if n > buf.length)
 * or -errno; `from` holds the sender's raw sun_path bytes (abstract ones start
 * with 0), null when the sender is unnamed.
 */
export function recvFromUnix(fd: number, buf: Uint8Array): { n: number; from: Buffer | null } {
  return addon.recvFromUnix(fd, buf);
}

export function getsockname(fd: number): Buffer {
  return addon.getsockname(fd);
}

/** Bytes read, 0 at end of file, or -errno. */
export function read(fd: number, buf: Uint8Array, off = 0, len = buf.length - off): number {
  return addon.read(fd, buf, off, len);
}

/** Bytes written or -errno. */
export function write(fd: number, buf: Uint8Array, off = 0, len = buf.length - off): number {
  return addon.write(fd, buf, off, len);
}

export function setNonBlocking(fd: number, on: boolean): void {
  addon.setNonBlocking(fd, on);
}

export function close(fd: number): void {
  addon.close(fd);
}

/** Readiness of an fd through libuv on the main loop; the callback's err is a positive errno or 0. */
export function poller(fd: number, cb: (err: number, readable: boolean, writable: boolean) => void): Poller {
  return new addon.Poller(fd, cb);
}

/** A new Unix98 pty: the master (non-blocking) and the slave's path, not opened. */
export function openpt(): { fd: number; path: string } {
  return addon.openpt();
}

/** A pty pair with both ends open. */
export function openpty(): { master: number; slave: number; path: string } {
  return addon.openpty();
}

/** The terminal's settings as an opaque struct termios, for tcsetattr. */
export function tcgetattr(fd: number): Buffer {
  return addon.tcgetattr(fd);
}

export function tcsetattr(fd: number, termios: Buffer, when: 'now' | 'drain' | 'flush' = 'now'): void {
  addon.tcsetattr(fd, termios, when);
}

/** cfmakeraw on the terminal; returns the previous settings for tcsetattr. */
export function makeRaw(fd: number): Buffer {
  return addon.makeRaw(fd);
}

export function getWinsize(fd: number): { rows: number; cols: number } {
  return addon.getWinsize(fd);
}

export function setWinsize(fd: number, rows: number, cols: number): void {
  addon.setWinsize(fd, rows, cols);
}

/** TUNSETIFF on an open /dev/net/tun: returns the interface name the kernel gave. */
export function tunSetIff(fd: number, name: string, flags: number): string {
  return addon.tunSetIff(fd, name, flags);
}

export const dirfdConstants = addon.dirfdConstants;

/** openat(2) relative to a directory fd (AT_FDCWD for the cwd); the fd is close-on-exec. */
export function openat(dirfd: number, name: string, flags: number, mode = 0): number {
  return addon.openat(dirfd, name, flags, mode);
}

export function mkdirat(dirfd: number, name: string, mode: number): void {
  addon.mkdirat(dirfd, name, mode);
}

/** unlinkat(2); flags AT_REMOVEDIR removes an empty directory. Never follows a symlink. */
export function unlinkat(dirfd: number, name: string, flags = 0): void {
  addon.unlinkat(dirfd, name, flags);
}

/** fstatat(2) with AT_SYMLINK_NOFOLLOW. */
export function lstatat(dirfd: number, name: string): StatAt {
  return addon.lstatat(dirfd, name);
}

/** The entries of an open directory (without . and ..). */
export function readdirfd(fd: number): string[] {
  return addon.readdirfd(fd);
}

// ------------------------------------------------------------------ network (native/net.cc)

export const netConstants = addon.netConstants;

/**
 * Batched datagram I/O: frame i is buf[offs[i], offs[i] + lens[i]). recvMany/readMany
 * fill the slots (capacity lens[i]) and set lens[i] to each frame's length (-1: truncated);
 * all four return the number of frames moved or -errno.
 */
export function recvMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
  return addon.recvMany(fd, buf, offs, lens, count);
}
export function sendMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
  return addon.sendMany(fd, buf, offs, lens, count);
}
/** One read() per frame, for a tap, which has no batch call. */
export function readMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
  return addon.readMany(fd, buf, offs, lens, count);
}
export function writeMany(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
  return addon.writeMany(fd, buf, offs, lens, count);
}
/** if_nametoindex; throws ENODEV for an interface that does not exist. */
export function ifIndex(name: string): number {
  return addon.ifIndex(name);
}
/** Binds an AF_PACKET socket to an interface; `protocol` in host order (ETH_P_ALL, or 0 to send only). */
export function bindPacket(fd: number, ifindex: number, protocol: number): void {
  addon.bindPacket(fd, ifindex, protocol);
}
/** `addr`: 4 bytes (IPv4) or 16 (IPv6). */
export function bindInet(fd: number, addr: Uint8Array, port = 0): void {
  addon.bindInet(fd, addr, port);
}
export function connectInet(fd: number, addr: Uint8Array, port = 0): void {
  addon.connectInet(fd, addr, port);
}
export function setSockOptInt(fd: number, level: number, name: number, value: number): void {
  addon.setSockOptInt(fd, level, name, value);
}
/** An option whose value is a struct (ip_mreq, timeval), given as its bytes. */
export function setSockOptBytes(fd: number, level: number, name: number, value: Uint8Array): void {
  addon.setSockOptBytes(fd, level, name, value);
}
/** SO_ATTACH_FILTER with a classic BPF program (8-byte instructions, host order). */
export function attachFilter(fd: number, program: Uint8Array): void {
  addon.attachFilter(fd, program);
}
/** TUNSETOFFLOAD: which offloads the tap may hand us (TUN_F_*). */
export function tunSetOffload(fd: number, flags: number): void {
  addon.tunSetOffload(fd, flags);
}
export function tunSetVnetHdrSz(fd: number, size: number): void {
  addon.tunSetVnetHdrSz(fd, size);
}

/** Takes the socket's pending error (SO_ERROR): its errno, 0 for none, -errno when fd is no socket. */
export function sockError(fd: number): number {
  return addon.sockError(fd);
}

function toAddr(p: string | Uint8Array): string | Buffer {
  return typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

/** The errno name of a negative return value, for messages. */
export function errnoName(neg: number): string {
  return ERRNO_NAMES.get(-neg) ?? `errno ${-neg}`;
}

const ERRNO_NAMES = new Map(Object.entries(addon.errno).map(([name, n]) => [n, name]));
