// An mconsole client that behaves like uml-utilities' uml_mconsole (the
// spec's mconsole.md §6): the same name resolution and warnings, the abstract
// address it binds, requests of 524 bytes, replies gathered until more=0.

import { readFileSync, statSync } from 'node:fs';
import * as native from '../host/native/index.js';
import { encodeRequest, decodeReplyPacket, MCONSOLE_MAX_DATA } from './protocol.js';

export interface Target {
  /** The socket path (empty when no candidate could be stat'ed, as uml_mconsole leaves it). */
  socket: string;
  /** The name shown in the prompt (uml_mconsole shows its first 11 characters). */
  name: string;
  /** From the instance's pid file, for `int`; undefined when unknown. */
  pid: number | undefined;
}

const strerror: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  ECONNREFUSED: 'Connection refused',
  EINVAL: 'Invalid argument',
  EPERM: 'Operation not permitted',
  EAGAIN: 'Resource temporarily unavailable',
};

export function errnoText(code: string | undefined): string {
  return (code && strerror[code]) ?? code ?? 'Unknown error';
}

function pidFrom(path: string): number | undefined {
  try {
    const m = /^\s*([+-]?\d+)/.exec(readFileSync(path, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * uml_mconsole's lookup: `$HOME/.uml/<name>/mconsole`, then
 * `/tmp/uml/<name>/mconsole`, then `<name>` itself; each miss prints a warning
 * through `warn`. Returns undefined when nothing could be stat'ed.
 */
export function resolveTarget(name: string, warn: (line: string) => void, home = process.env.HOME): Target | undefined {
  const tryOne = (dir: string, file: string): Target | undefined => {
    try {
      statSync(file);
    } catch (e) {
      warn(`Warning: couldn't stat file: ${file} - ${errnoText((e as NodeJS.ErrnoException).code)}`);
      return undefined;
    }
    return { socket: file, name: name.slice(0, 11), pid: pidFrom(`${dir}/${name}/pid`) };
  };
  let homeTried = false;
  if (home !== undefined) {
    const dir = `${home}/.uml`;
    if (!name.startsWith(dir)) {
      const t = tryOne(dir, `${dir}/${name}/mconsole`);
      if (t) return t;
      homeTried = true;
    }
  }
  if (!name.startsWith('/tmp/uml/')) {
    const t = tryOne(`/tmp/uml/${name}`, `/tmp/uml/${name}/mconsole`);
    if (t) return t;
  }
  const t = tryOne('./', name);
  if (t) return t;
  if (homeTried || home === undefined) return undefined;
  return tryOne(`${home}/.uml`, `${home}/.uml/${name}/mconsole`);
}

export interface Reply {
  /** The last packet's err, as the signed 32-bit value UML sent. */
  err: number;
  text: string;
}

let bindSeq = 0;

/** A bound client socket; requests one at a time. */
export class McClient {
  private readonly fd: number;
  private poller: native.Poller | undefined;
  private readonly buf = new Uint8Array(MCONSOLE_MAX_DATA + 16);
  private closed = false;

  /**
   * Binds the abstract address uml_mconsole uses ("\0" + the pid as %5d); a
   * second client in the same process gets a suffix.
   */
  constructor() {
    this.fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    const seq = bindSeq++;
    native.bindUnix(this.fd, `\0${String(process.pid).padStart(5)}${seq ? `.${seq}` : ''}`);
  }

  /** Sends one command and gathers the reply; rejects with the errno code when the send fails. */
  request(socket: string, text: string, timeoutMs?: number): Promise<Reply> {
    // Drop anything a previous, abandoned request left behind.
    while (native.recvFromUnix(this.fd, this.buf).n >= 0);
    const n = native.sendToUnix(this.fd, encodeRequest(text), socket);
    if (n < 0) return Promise.reject(Object.assign(new Error(native.errnoName(n)), { code: native.errnoName(n) }));
    return new Promise((resolve, reject) => {
      let text = '';
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (f: () => void) => {
        this.poller?.close();
        this.poller = undefined;
        if (timer) clearTimeout(timer);
        f();
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => done(() => reject(Object.assign(new Error('no reply'), { code: 'ETIMEDOUT' }))), timeoutMs);
      }
      this.poller = native.poller(this.fd, (err, readable) => {
        if (err || !readable) return;
        for (;;) {
          const r = native.recvFromUnix(this.fd, this.buf);
          if (r.n < 0) return;
          let p;
          try {
            p = decodeReplyPacket(this.buf.subarray(0, Math.min(r.n, this.buf.length)));
          } catch {
            continue; // not a reply packet
          }
          text += p.text;
          if (!p.more) {
            done(() => resolve({ err: p.err, text }));
            return;
          }
        }
      });
      this.poller.start(true, false);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.close();
    native.close(this.fd);
  }
}
