// The instance directory `<uml_dir><umid>/` (the spec's mconsole.md §1): the
// pid file, the mconsole socket, a random umid when none is usable, takeover
// of a stale directory, refusal of one a live process owns, removal at exit.
// The directory is the access control of the socket in it, so it is 0700
// (UML leaves it at 0777 minus umask).
//
// Everything past uml_dir goes through file descriptors: uml_dir is opened once
// (following symlinks there is the user's choice), the instance directory is
// made or opened relative to it with O_NOFOLLOW|O_DIRECTORY, and its files are
// created, read and unlinked relative to the directory's own fd (openat,
// unlinkat from the native addon: Node has no *at calls, and checking a path
// and then using it would leave a window for swapping in a symlink). So a
// symlink, a foreign directory or one swapped while we run never makes us
// touch anything outside the directory we made or verified as ours.

import { closeSync, existsSync, fchmodSync, fstatSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { type NativeError, dirfdConstants as K, lstatat, mkdirat, openat, readdirfd, unlinkat } from '../host/native/index.js';

export const DEFAULT_UML_DIR = '~/.uml/';

/** UML's UMID_LEN is 64 with the terminating NUL. */
const UMID_MAX = 63;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** uml_dir as UML normalises it: leading `~` is $HOME, a trailing `/` is added. */
export function resolveUmlDir(dir: string, home = process.env.HOME ?? homedir()): string {
  let d = dir.startsWith('~') ? home + dir.slice(1) : dir;
  if (!d.endsWith('/')) d += '/';
  return d;
}

/** Why `umid` cannot name an instance directory, or undefined when it can. */
export function badUmid(umid: string): string | undefined {
  if (umid === '') return 'a umid cannot be empty';
  if (umid === '.' || umid === '..') return `a umid cannot be '${umid}'`;
  if (umid.includes('/')) return "a umid cannot contain '/'";
  if (umid.includes('\0')) return 'a umid cannot contain a NUL character';
  if (umid.length > UMID_MAX) return `a umid has at most ${UMID_MAX} characters`;
  return undefined;
}

export class InstanceDir {
  private removed = false;
  constructor(
    readonly umid: string,
    /** `<uml_dir><umid>/` without the trailing slash. */
    readonly path: string,
    /** uml_dir, kept open to remove the directory by name relative to it. */
    private readonly parentFd: number,
    /** The directory itself, made or verified as ours. */
    private readonly fd: number,
  ) {}

  get socketPath(): string {
    return join(this.path, 'mconsole');
  }

  get pidPath(): string {
    return join(this.path, 'pid');
  }

  /**
   * Where to bind the socket so that it lands in this very directory: bind() has
   * no *at form, but /proc/self/fd/<fd> leads to the directory the fd holds,
   * whatever its path has become. The plain path without /proc.
   */
  get socketBindPath(): string {
    const viaFd = `/proc/self/fd/${this.fd}`;
    return existsSync(viaFd) ? `${viaFd}/mconsole` : this.socketPath;
  }

  /** Unlinks the socket from this directory (relative to its fd). */
  unlinkSocket(): void {
    if (!this.removed) unlinkat(this.fd, 'mconsole');
  }

  /** Unlinks everything in the directory and the directory itself. Idempotent; never throws. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    emptyDir(this.fd);
    // The name may meanwhile point elsewhere: remove it only while it is still this directory.
    try {
      const here = fstatSync(this.fd);
      const there = lstatat(this.parentFd, this.umid);
      if (there.dev === here.dev && there.ino === here.ino) unlinkat(this.parentFd, this.umid, K.AT_REMOVEDIR);
    } catch {
      // gone already, or not empty: leave it
    }
    closeQuietly(this.fd);
    closeQuietly(this.parentFd);
  }
}

/** Unlinks the files of a directory fd; subdirectories (never ours) stay. */
function emptyDir(fd: number): void {
  let names: string[] = [];
  try {
    names = readdirfd(fd);
  } catch {
    return;
  }
  for (const n of names) {
    try {
      unlinkat(fd, n);
    } catch {
      // a subdirectory someone else put there: leave it (and the directory) alone
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Whether a process with this pid exists (kill(pid, 0) fails only with ESRCH when it does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function parsePid(text: string): number | undefined {
  const m = /^\s*(\d+)/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 && pid <= 0x3fffffff ? pid : undefined;
}

/** The pid in a pid file, or undefined when it is missing, unreadable or garbage. */
export function readPidFile(path: string): number | undefined {
  return readPidAt(K.AT_FDCWD, path);
}

/** As readPidFile, relative to a directory fd; a symlink is not followed. */
function readPidAt(dirfd: number, name: string): number | undefined {
  let fd: number;
  try {
    fd = openat(dirfd, name, K.O_RDONLY | K.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return parsePid(buf.subarray(0, n).toString('latin1'));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export class UmidError extends Error {}

/**
 * Creates `<umlDir><umid>/` with its pid file, taking over a stale directory;
 * falls back to a random umid (with UML's messages through `log`) when the
 * wanted one is unusable, in use or cannot be made. Throws UmidError when
 * uml_dir itself is unusable.
 */
export function createInstanceDir(
  umlDir: string,
  umid: string | undefined,
  log: (line: string) => void,
  pid = process.pid,
): InstanceDir {
  try {
    mkdirat(K.AT_FDCWD, umlDir, 0o700);
  } catch (e) {
    if ((e as NativeError).code !== 'EEXIST') {
      throw new UmidError(`make_uml_dir : mkdir('${umlDir}') failed: ${(e as Error).message}`);
    }
  }
  let parentFd: number;
  try {
    parentFd = openat(K.AT_FDCWD, umlDir, K.O_RDONLY | K.O_DIRECTORY);
  } catch (e) {
    throw new UmidError(`make_uml_dir : open('${umlDir}') failed: ${(e as Error).message}`);
  }
  try {
    if (umid !== undefined) {
      const why = badUmid(umid);
      const r = why ? `umid "${umid}": ${why}` : tryUmid(parentFd, umlDir, umid, pid);
      if (r instanceof InstanceDir) return r;
      log(r);
      log(`Failed to initialize umid "${umid}", trying with a random umid`);
    }
    return randomDir(parentFd, umlDir, pid);
  } finally {
    // Each InstanceDir holds its own descriptor of uml_dir.
    closeQuietly(parentFd);
  }
}

const RANDOM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Six characters from [A-Za-z0-9], as UML's mkstemp on <uml_dir>XXXXXX; made relative to uml_dir. */
function randomDir(parentFd: number, umlDir: string, pid: number): InstanceDir {
  for (let attempt = 0; attempt < 100; attempt++) {
    let name = '';
    for (let i = 0; i < 6; i++) name += RANDOM_CHARS[randomInt(RANDOM_CHARS.length)];
    try {
      mkdirat(parentFd, name, 0o700);
    } catch (e) {
      if ((e as NativeError).code === 'EEXIST') continue;
      throw new UmidError(`make_umid - mkdtemp('${umlDir}XXXXXX') failed: ${(e as Error).message}`);
    }
    const r = adopt(parentFd, umlDir, name, pid, true);
    if (r instanceof InstanceDir) return r;
    throw new UmidError(r);
  }
  throw new UmidError(`make_umid - mkdtemp('${umlDir}XXXXXX') failed: no free name`);
}

/** The instance directory for `umid`, or the message saying why it cannot be had. */
function tryUmid(parentFd: number, umlDir: string, umid: string, pid: number): InstanceDir | string {
  const path = umlDir + umid;
  try {
    mkdirat(parentFd, umid, 0o700);
    return adopt(parentFd, umlDir, umid, pid, true);
  } catch (e) {
    if ((e as NativeError).code !== 'EEXIST') return `make_umid_dir : mkdir('${path}') failed: ${(e as Error).message}`;
  }
  // It exists: only a stale instance directory of ours is taken over; anything else is left as it is.
  let st;
  try {
    st = lstatat(parentFd, umid);
  } catch (e) {
    return `make_umid_dir : '${path}': ${(e as Error).message}`;
  }
  if ((st.mode & S_IFMT) === S_IFLNK) return `umid "${umid}": '${path}' is a symlink, not an instance directory: left alone`;
  if ((st.mode & S_IFMT) !== S_IFDIR) return `umid "${umid}": '${path}' is not a directory: left alone`;
  return adopt(parentFd, umlDir, umid, pid, false);
}

/**
 * Opens `name` under uml_dir without following a symlink, checks it is a
 * directory of ours (and, unless we just made it, a stale instance directory:
 * only `pid` and `mconsole`, no live owner), empties it and writes our pid.
 */
function adopt(parentFd: number, umlDir: string, name: string, pid: number, fresh: boolean): InstanceDir | string {
  const path = umlDir + name;
  let fd: number;
  try {
    fd = openat(parentFd, name, K.O_RDONLY | K.O_DIRECTORY | K.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NativeError).code;
    if (code === 'ELOOP') return `umid "${name}": '${path}' is a symlink, not an instance directory: left alone`;
    if (code === 'ENOTDIR') return `umid "${name}": '${path}' is not a directory: left alone`;
    return `make_umid_dir : open('${path}') failed: ${(e as Error).message}`;
  }
  const fail = (msg: string): string => {
    closeQuietly(fd);
    return msg;
  };
  const st = fstatSync(fd);
  const uid = process.geteuid?.() ?? st.uid;
  if (st.uid !== uid) return fail(`umid "${name}": '${path}' belongs to uid ${st.uid}, not to us: left alone`);
  if (!fresh) {
    let names: string[];
    try {
      names = readdirfd(fd);
    } catch (e) {
      return fail(`make_umid_dir : '${path}': ${(e as Error).message}`);
    }
    const owner = readPidAt(fd, 'pid');
    if (owner !== undefined && owner !== pid && alive(owner)) return fail(`umid "${name}" is already in use by pid ${owner}`);
    const extra = names.filter((n) => n !== 'pid' && n !== 'mconsole');
    if (extra.length) {
      return fail(`umid "${name}": '${path}' holds other files than an instance's (${extra.slice(0, 3).join(', ')}): left alone`);
    }
    // Stale: a crashed or killed instance left it behind.
    emptyDir(fd);
    if (readdirfd(fd).length) return fail(`umid "${name}": could not empty '${path}': left alone`);
  }
  try {
    fchmodSync(fd, 0o700);
    const p = openat(fd, 'pid', K.O_WRONLY | K.O_CREAT | K.O_EXCL | K.O_NOFOLLOW, 0o644);
    try {
      writeSync(p, `${pid}\n`);
    } finally {
      closeSync(p);
    }
  } catch (e) {
    const msg = `Failed to create pid file in ${path}: ${(e as Error).message}`;
    if (fresh) {
      emptyDir(fd);
      try {
        unlinkat(parentFd, name, K.AT_REMOVEDIR);
      } catch {
        // left for a later takeover
      }
    }
    closeQuietly(fd);
    return msg;
  }
  let ownParent: number;
  try {
    ownParent = openat(parentFd, '.', K.O_RDONLY | K.O_DIRECTORY);
  } catch (e) {
    closeQuietly(fd);
    throw new UmidError(`make_umid_dir : open('${umlDir}') failed: ${(e as Error).message}`);
  }
  return new InstanceDir(name, path, ownParent, fd);
}
