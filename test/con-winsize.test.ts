// A pts console's window size follows its client: the size it has when it attaches and
// every later change reach the guest's tty (a virtio-console resize), as UML's SIGWINCH
// handling gives its lines.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as native from '../src/host/native/index.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const dir = mkdtempSync(join(tmpdir(), 'tuml-winsize-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('pts console: the client\'s window size and its changes reach the guest', { timeout: 120_000 }, async () => {
  const p = spawn(process.execPath, [tuml, 'mem=64M', 'con1=pts', `uml_dir=${dir}/`, 'umid=winsize'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
  p.stdout.resume();
  let slave = -1;
  try {
    const path = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no pts message; stderr:\n${stderr}`)), 60_000);
      const check = () => {
        const m = /Virtual console 1 assigned device '(\/dev\/pts\/\d+)'/.exec(stderr);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        } else setTimeout(check, 50);
      };
      check();
    });
    // The client side, as screen or minicom would have it: raw, with a window size.
    slave = openSync(path, 'r+');
    native.makeRaw(slave);
    native.setNonBlocking(slave, true);
    let text = '';
    const buf = new Uint8Array(4096);
    const send = (s: string) => native.write(slave, new TextEncoder().encode(s));
    const until = async (re: RegExp, what: string, poke?: string) => {
      const deadline = Date.now() + 60_000;
      for (let i = 0; ; i++) {
        for (let n; (n = native.read(slave, buf)) > 0; ) text += new TextDecoder().decode(buf.subarray(0, n));
        const m = re.exec(text);
        if (m) {
          text = text.slice(m.index + m[0].length);
          return m;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got:\n${text}\nstderr:\n${stderr}`);
        if (poke && i % 40 === 39) send(poke);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // The client sets its size as soon as it attaches; it must survive the login. (A pty's
    // size is sampled every 250 ms: a scripted login is faster than that, a person is not.)
    native.setWinsize(slave, 33, 111);
    await new Promise((r) => setTimeout(r, 600));
    send('\r');
    await until(/login: *$/, 'the login prompt', '\r');
    send('root\r');
    await until(/tuml:~# /, 'the shell');
    send('stty size\r');
    assert.equal((await until(/^(\d+ \d+)\r?$/m, 'the first size'))[1], '33 111');

    native.setWinsize(slave, 44, 122);
    await new Promise((r) => setTimeout(r, 1000));
    send('stty size\r');
    assert.equal((await until(/^(\d+ \d+)\r?$/m, 'the new size'))[1], '44 122');
  } finally {
    if (slave >= 0) closeSync(slave);
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }
});
