// What the 9P server needs from a host file system. The server keeps, per fid, a path
// relative to the export it attached to: `''` is the export itself, otherwise names
// joined by '/', each already checked (no '/', no NUL, not '.' or '..', not empty).
// A backend must still resolve every path beneath its export without following any
// symlink (the guest follows links itself), so that nothing a guest sends can reach
// outside. Failures throw P9Error(errno); anything else thrown becomes EIO.

export interface FsStat {
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

export interface FsStatfs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  fsid: number;
  namelen: number;
}

/** Tsetattr's changes; absent fields stay. Times: 'now' or seconds and nanoseconds. */
export interface FsSetattr {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: 'now' | { sec: number; nsec: number };
  mtime?: 'now' | { sec: number; nsec: number };
}

/** Open flags are Linux's (9P2000.L's L-flags are Linux's generic O_* values). */
export const L_O = {
  ACCMODE: 3, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, NOCTTY: 0o400, TRUNC: 0o1000,
  APPEND: 0o2000, NONBLOCK: 0o4000, DSYNC: 0o10000, DIRECT: 0o40000, LARGEFILE: 0o100000,
  DIRECTORY: 0o200000, NOFOLLOW: 0o400000, NOATIME: 0o1000000, CLOEXEC: 0o2000000, SYNC: 0o4010000,
} as const;

/** One directory entry as readdir found it. */
export interface FsDirent {
  ino: bigint;
  /** The cookie to continue after this entry. */
  next: bigint;
  /** d_type (DT_DIR 4, DT_REG 8, DT_LNK 10, …). */
  type: number;
  name: string;
}

export interface FsFile {
  /** Bytes read into dst at offset (0 at end of file). */
  read(offset: number, dst: Uint8Array): Promise<number>;
  /**
   * Optional: a read into `dst`'s parts in order that completes now, from data at hand
   * (the page cache): the bytes read (0 at end of file), or -1 when it would have to wait.
   */
  readNow?(offset: number, dst: readonly Uint8Array[]): number;
  /** `src` in parts: written as one (a gathering write). */
  write(offset: number, src: Uint8Array | readonly Uint8Array[]): Promise<number>;
  /** Entries from cookie `offset` on (0 = start), for as long as `take` accepts them. */
  readdir(offset: bigint, take: (e: FsDirent) => boolean): void;
  fstat(): FsStat;
  fsync(datasync: boolean): Promise<void>;
  close(): void;
}

/** One attached export: a host directory and everything beneath it. */
export interface FsExport {
  lstat(path: string): FsStat;
  open(path: string, flags: number): FsFile;
  /** Creates `dir/name` (O_CREAT | O_EXCL implied by the guest's flags) and opens it. */
  create(dir: string, name: string, flags: number, mode: number): FsFile;
  mkdir(dir: string, name: string, mode: number): void;
  symlink(dir: string, name: string, target: string): void;
  mknod(dir: string, name: string, mode: number, major: number, minor: number): void;
  link(path: string, dir: string, name: string): void;
  /** `flags`: renameat2(2)'s RENAME_NOREPLACE (1) or RENAME_EXCHANGE (2), or 0. */
  rename(fromDir: string, fromName: string, toDir: string, toName: string, flags?: number): void;
  /** unlink, or rmdir when `dir` is true. */
  remove(dir: string, name: string, isDir: boolean): void;
  readlink(path: string): string;
  /** `file`: the fid's open file, if any (the change may have to go through it). */
  setattr(path: string, attrs: FsSetattr, file?: FsFile): void;
  statfs(path: string): FsStatfs;
  getxattr(path: string, name: string, max: number): Uint8Array;
  /** The names, NUL-terminated, as listxattr(2) gives them. */
  listxattr(path: string, max: number): Uint8Array;
  setxattr(path: string, name: string, value: Uint8Array, flags: number): void;
  removexattr(path: string, name: string): void;
  close(): void;
}

export interface FsBackend {
  /** The export for an attach name (a path below the backend's root; '' = the root). */
  attach(aname: string): FsExport;
}
