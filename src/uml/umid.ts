// The instance directory `<uml_dir><umid>/` (the spec's mconsole.md §1): the
// pid file, the mconsole socket, a random umid when none is usable, takeover
// of a stale directory, refusal of one a live process owns, removal at exit.
// The directory is the access control of the socket in it, so it is 0700
// (UML leaves it at 0777 minus umask).

import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_UML_DIR = '~/.uml/';

/** uml_dir as UML normalises it: leading `~` is $HOME, a trailing `/` is added. */
export function resolveUmlDir(dir: string, home = process.env.HOME ?? homedir()): string {
  let d = dir.startsWith('~') ? home + dir.slice(1) : dir;
  if (!d.endsWith('/')) d += '/';
  return d;
}

export class InstanceDir {
  private removed = false;
  constructor(
    readonly umid: string,
    /** `<uml_dir><umid>/` without the trailing slash. */
    readonly path: string,
  ) {}

  get socketPath(): string {
    return join(this.path, 'mconsole');
  }

  get pidPath(): string {
    return join(this.path, 'pid');
  }

  /** Unlinks everything in the directory and the directory itself. Idempotent; never throws. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    removeTree(this.path);
  }
}

function removeTree(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    try {
      unlinkSync(join(dir, n));
    } catch {
      // a subdirectory someone else put there: leave it (and the directory) alone
    }
  }
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone
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

/** The pid in a pid file, or undefined when it is missing, unreadable or garbage. */
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
  const m = /^\s*(\d+)/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return pid > 0 && pid <= 0x3fffffff ? pid : undefined;
}

export class UmidError extends Error {}

/**
 * Creates `<umlDir><umid>/` with its pid file, taking over a stale directory;
 * falls back to a random umid (with UML's messages through `log`) when the
 * wanted one is in use or cannot be made. Throws UmidError when uml_dir
 * itself is unusable.
 */
export function createInstanceDir(
  umlDir: string,
  umid: string | undefined,
  log: (line: string) => void,
  pid = process.pid,
): InstanceDir {
  try {
    mkdirSync(umlDir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new UmidError(`make_uml_dir : mkdir('${umlDir}') failed: ${(e as Error).message}`);
    }
  }
  if (umid !== undefined) {
    const r = tryUmid(umlDir, umid, pid);
    if (r instanceof InstanceDir) return r;
    log(r);
    log(`Failed to initialize umid "${umid}", trying with a random umid`);
  }
  // mkdtemp appends six characters from [A-Za-z0-9], as UML's mkstemp on <uml_dir>XXXXXX.
  let path: string;
  try {
    path = mkdtempSync(umlDir);
  } catch (e) {
    throw new UmidError(`make_umid - mkdtemp('${umlDir}') failed: ${(e as Error).message}`);
  }
  const dir = new InstanceDir(path.slice(umlDir.length), path);
  try {
    writePid(dir, pid);
  } catch (e) {
    dir.remove();
    throw new UmidError(`Failed to create pid file in ${path}: ${(e as Error).message}`);
  }
  return dir;
}

/** The instance directory for `umid`, or the message saying why it cannot be had. */
function tryUmid(umlDir: string, umid: string, pid: number): InstanceDir | string {
  const path = umlDir + umid;
  const dir = new InstanceDir(umid, path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt > 0) return `make_umid_dir : mkdir('${path}') failed: ${(e as Error).message}`;
      const owner = readPidFile(join(path, 'pid'));
      if (owner !== undefined && owner !== pid && alive(owner)) return `umid "${umid}" is already in use by pid ${owner}`;
      removeTree(path); // stale: a crashed or killed instance left it behind
      continue;
    }
    try {
      writePid(dir, pid);
      return dir;
    } catch (e) {
      dir.remove();
      return `Failed to create pid file in ${path}: ${(e as Error).message}`;
    }
  }
  return `make_umid_dir : could not take over '${path}'`;
}

function writePid(dir: InstanceDir, pid: number): void {
  const fd = openSync(dir.pidPath, 'wx', 0o644);
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
}
