// What the tests that drive a booted guest through mconsole share: running the
// real clients with $HOME at the test's directory, a notify socket collecting
// what the guest writes to its /dev/mconsole, and polling.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as native from '../../src/host/native/index.js';
import { decodeNotify } from '../../src/mconsole/protocol.js';

export const haveUml = existsSync('/usr/bin/uml_mconsole');

export interface Out {
  out: string;
  err: string;
  code: number | null;
}

/** Runs a client in `home` (clients find instances under $HOME/.uml, as uml_mconsole does). */
export function exec(home: string, cmd: string, args: string[], input?: string, timeoutMs = 30_000): Promise<Out> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: home, env: { ...process.env, HOME: home } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ out, err, code });
    });
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
  });
}

/** A notify socket: collects (type, text) as they come. */
export function notifySocket(path: string) {
  const fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  native.bindUnix(fd, path);
  const got: Array<{ type: number; text: string }> = [];
  const waiters: Array<() => void> = [];
  const buf = new Uint8Array(2048);
  const poller = native.poller(fd, () => {
    for (;;) {
      const r = native.recvFromUnix(fd, buf);
      if (r.n < 0) break;
      const n = decodeNotify(buf.subarray(0, r.n));
      if (n) got.push({ type: n.type, text: Buffer.from(n.data).toString('latin1') });
    }
    for (const w of waiters.splice(0)) w();
  });
  poller.start(true, false);
  return {
    got,
    /** Resolves with the first notification (from index `from` on) that matches. */
    async wait(pred: (n: { type: number; text: string }) => boolean, from = 0, ms = 60_000) {
      const end = Date.now() + ms;
      for (;;) {
        const hit = got.slice(from).find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`no such notification; got ${JSON.stringify(got)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close() {
      poller.close();
      native.close(fd);
    },
  };
}

export async function until(f: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}
