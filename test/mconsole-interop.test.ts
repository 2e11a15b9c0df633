// tuml's mconsole client against Debian's real UML kernel: for every command,
// `tuml mconsole` prints exactly what the real uml_mconsole prints (text, stderr
// and exit status), one-shot and interactive. Real UML runs an x86-64 guest: its
// root is a small ext4 made from the host's static busybox.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exec as execIn } from './helpers/mconsole-guest.js';
import { realUmlMissing, stageUmlRoot, umlBin } from './helpers/real-uml.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const missing = realUmlMissing('/usr/bin/uml_mconsole');

const dir = mkdtempSync(join(tmpdir(), 'tuml-mc-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A client run in the test's home (clients find instances under $HOME/.uml). */
const exec = (cmd: string, args: string[], input = '') => execIn(dir, cmd, args, input, 20_000);

test('tuml mconsole drives the real UML kernel and prints what uml_mconsole prints', { skip: missing, timeout: 180_000 }, async () => {
  const rootDir = join(dir, 'root');
  stageUmlRoot(rootDir, ['proc', 'sys', 'dev', 'tmp'], '#!/bin/sh\n/bin/busybox mount -t proc proc /proc\nwhile :; do /bin/busybox sleep 1; done\n');
  const img = join(dir, 'root.ext4');
  const mk = await exec('mkfs.ext4', ['-q', '-d', rootDir, img, '16M']);
  assert.equal(mk.code, 0, mk.err);

  const uml = spawn(umlBin, [`ubd0=${img}`, 'root=/dev/ubda', 'rw', 'init=/init', 'mem=64M', 'con=null', 'con0=null',
    'umid=real', `uml_dir=${dir}/.uml`], { stdio: 'ignore', detached: true, env: { ...process.env, HOME: dir } });
  const umlExit = new Promise<number | null>((r) => uml.on('exit', (c) => r(c)));
  const killer = setTimeout(() => {
    try {
      process.kill(-uml.pid!, 'SIGKILL');
    } catch {}
  }, 150_000);
  const um = (...a: string[]) => exec('uml_mconsole', ['real', ...a]);
  const tm = (...a: string[]) => exec(process.execPath, [tuml, 'mconsole', 'real', ...a]);
  try {
    const end = Date.now() + 60_000;
    // Up: the drivers registered with mconsole (early in boot, `proc` already answers).
    const up = async () => (await um('config', 'con0')).code === 0 && (await um('proc', 'cmdline')).code === 0;
    while (!(await up())) {
      assert.ok(Date.now() < end, 'real UML did not come up');
      await new Promise((r) => setTimeout(r, 500));
    }
    // Commands whose answer does not change from one call to the next.
    const same = [
      ['version'], ['help'], ['proc', 'cmdline'], ['proc', 'no-such-file'], ['config', 'ubd0'], ['config', 'ubd99'],
      ['config', 'con0'], ['config', 'con16'], ['config', 'con=xterm'], ['config', 'bogus'], ['remove', 'ubd5'],
      ['remove', 'bogus'], ['stack'], ['stack', '0'], ['sysrq', 'h'], ['log', 'hello from the mconsole test'], ['go'],
      ['nonsense'], ['versionXYZ'], ['mconsole-version'],
    ];
    for (const c of same) assert.deepEqual(await tm(...c), await um(...c), c.join(' '));
    // Live values: the same shape. (Not `sysrq m`: real UML sometimes never answers it.)
    for (const c of [['proc', 'uptime'], ['proc', 'meminfo']]) {
      const a = await um(...c);
      const b = await tm(...c);
      assert.equal(b.code, a.code, c.join(' '));
      assert.equal(b.out.split('\n')[0], a.out.split('\n')[0], c.join(' '));
    }
    // stop / go from either client, in either order.
    assert.deepEqual(await tm('stop'), { out: 'OK stopped\n', err: '', code: 0 });
    assert.deepEqual(await um('stop'), await tm('stop'));
    assert.deepEqual(await tm('version'), await um('version'));
    assert.deepEqual(await tm('go'), { out: 'OK \n', err: '', code: 0 });
    // Interactive, local commands included.
    const session = 'version\nmconsole-version\nconfig con0\nlog a b c\nswitch real\nswitch nosuch\nhelp\nquit\nversion\n';
    assert.deepEqual(await exec(process.execPath, [tuml, 'mconsole', 'real'], session), await exec('uml_mconsole', ['real'], session));
    // cad (no init took Ctrl-Alt-Del over: the kernel restarts): the reply, then a new boot,
    // which makes a new socket (the old one may still answer, or refuse, for a moment).
    const sockIno = () => {
      try {
        const st = statSync(join(dir, '.uml', 'real', 'mconsole'), { bigint: true });
        return `${st.ino}:${st.ctimeNs}`;
      } catch {
        return '';
      }
    };
    let exited = false;
    void umlExit.then(() => (exited = true));
    const backUp = async (before: string) => {
      const end2 = Date.now() + 60_000;
      while (Date.now() < end2 && !exited) {
        if (sockIno() !== before && sockIno() !== '' && (await up())) return true;
        await new Promise((r) => setTimeout(r, 500));
      }
      return false;
    };
    let before = sockIno();
    assert.deepEqual(await tm('cad'), { out: 'OK \n', err: '', code: 0 }, 'cad');
    assert.ok(await backUp(before), 'real UML did not come back after cad');
    // reboot: the reply. (Whether real UML comes back from a second re-exec here is its own
    // affair: under the wrapper this CPU needs, it sometimes does not.)
    before = sockIno();
    assert.deepEqual(await tm('reboot'), { out: 'OK \n', err: '', code: 0 }, 'reboot');
    if (await backUp(before)) {
      // halt: the reply, then real UML exits and removes its directory. (Right after a
      // reboot's re-exec real UML's new socket may still refuse for a moment, though it
      // answered uml_mconsole just before: a refusal is tried again, for a while.)
      let halt = await tm('halt');
      for (let i = 0; i < 20 && halt.code !== 0 && /Connection refused/.test(halt.err); i++) {
        await new Promise((r) => setTimeout(r, 500));
        halt = await tm('halt');
      }
      assert.deepEqual(halt, { out: 'OK \n', err: '', code: 0 });
      // (Its status is not always 0 here: after a reboot's re-exec real UML may end by a signal.)
      await umlExit;
      assert.equal(existsSync(join(dir, '.uml', 'real')), false);
      assert.deepEqual(await tm('version'), await um('version'));
    }
  } finally {
    clearTimeout(killer);
    try {
      process.kill(-uml.pid!, 'SIGKILL');
    } catch {}
  }
});
