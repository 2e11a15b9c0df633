// ubd COW files shared with the real thing: Debian's UML kernel (user-mode-linux) and
// uml-utilities. Real UML's guest writes a COW file that tuml's guest then reads and extends;
// tuml's guest writes a COW file that real UML boots and uml_moo merges; a COW file tuml
// creates at boot is byte-identical to uml_mkcow's.
// Real UML runs an x86-64 guest: its root is a small ext4 made from the host's static busybox.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { realUmlMissing, stageUmlRoot, umlBin } from './helpers/real-uml.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const missing = realUmlMissing('/usr/bin/uml_moo');
const opts = { skip: missing, timeout: 240_000 };

const dir = mkdtempSync(join(tmpdir(), 'tuml-ubd-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string): string => join(dir, name);

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      // Real UML forks helpers: end the whole group.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      reject(new Error(`${cmd} timed out; stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

const tumlRun = (...args: string[]): Promise<Run> => run(process.execPath, [tuml, ...args]);
/** Real UML with an x86 root on ubd0; its init reports the marker files and writes /uml-wrote. */
const realUml = (ubd0: string): Promise<Run> =>
  run(umlBin, [`ubd0=${ubd0}`, 'root=/dev/ubda', 'rw', 'init=/init', 'mem=64M', 'con=null', 'con0=fd:0,fd:1']);
/** Debian's UML 6.1 cannot run guest programs on CPUs with a large XSAVE area unless wrapped. */
const cpuRefused = (r: Run): boolean => /ptrace set fp regs failed/.test(r.stdout + r.stderr);
const CPU_REASON = "real UML cannot run guest programs on this CPU (XSAVE area too large) without the project's real-uml wrapper";
const debugfsCat = (img: string, file: string): string => spawnSync('debugfs', ['-R', `cat ${file}`, img], { encoding: 'utf8' }).stdout;
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** An x86-64 ext4 root for real UML: static busybox and an init that reports and writes. */
function makeBase(): void {
  const t = p('tree');
  stageUmlRoot(t, ['dev', 'proc', 'sys', 'mnt', 'tmp', 'etc'], [
    '#!/bin/sh',
    'B=/bin/busybox',
    '$B mount -t proc proc /proc',
    'for f in /tuml-wrote /uml-wrote; do [ -f $f ] && $B echo "MARK $f: $($B cat $f)"; done',
    '$B echo from-real-uml > /uml-wrote',
    '$B sync',
    '$B poweroff -f',
    '',
  ].join('\n'));
  const mk = spawnSync('mkfs.ext4', ['-q', '-F', '-d', t, p('base.ext4'), '16M'], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  utimesSync(p('base.ext4'), 1700000000, 1700000000);
}

test('real UML writes a COW file; tuml\'s guest reads its files from it and writes on; real UML sees both', opts, async (ctx) => {
  makeBase();
  const base = sha(p('base.ext4'));
  const u = await realUml('uml.cow,base.ext4');
  if (cpuRefused(u)) return ctx.skip(CPU_REASON);
  assert.match(u.stdout + u.stderr, /Creating "uml\.cow" as COW file for "base\.ext4"/);
  assert.doesNotMatch(u.stdout, /MARK/);

  const t = await tumlRun('ubd1=uml.cow', '--', 'sh', '-c',
    'mount -t ext4 /dev/ubdb /mnt && cat /mnt/uml-wrote && echo from-tuml > /mnt/tuml-wrote && umount /mnt');
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.equal(t.stdout, 'from-real-uml\n');

  const u2 = await realUml('uml.cow');
  assert.match(u2.stdout, /MARK \/tuml-wrote: from-tuml/, u2.stdout.slice(-3000));
  assert.match(u2.stdout, /MARK \/uml-wrote: from-real-uml/);
  assert.equal(sha(p('base.ext4')), base, 'the backing file changed');
});

test('tuml\'s guest writes a COW file: real UML boots it, uml_moo merges it; tuml\'s COW file is uml_mkcow\'s byte for byte', opts, async (ctx) => {
  if (!existsSync(p('base.ext4'))) makeBase();
  const t = await tumlRun('ubd1=tuml.cow,base.ext4', '--', 'sh', '-c',
    'mount -t ext4 /dev/ubdb /mnt && echo from-tuml > /mnt/tuml-wrote && umount /mnt');
  assert.equal(t.code, 0, t.stdout + t.stderr);

  const m = spawnSync('/usr/bin/uml_moo', [p('tuml.cow'), p('merged.ext4')], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  assert.equal(debugfsCat(p('merged.ext4'), '/tuml-wrote'), 'from-tuml\n');
  const fsck = spawnSync('e2fsck', ['-fn', p('merged.ext4')], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);

  const u = await realUml('tuml.cow');
  if (cpuRefused(u)) return ctx.skip(CPU_REASON);
  assert.match(u.stdout, /MARK \/tuml-wrote: from-tuml/, u.stdout.slice(-3000));

  // A COW file created at boot, before the guest touches it, against uml_mkcow's.
  const e = await tumlRun('ubd1=fresh.cow,base.ext4', '--', 'true');
  assert.equal(e.code, 0, e.stderr);
  const mk = spawnSync('/usr/bin/uml_mkcow', [p('mkcow.cow'), p('base.ext4')], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  assert.equal(sha(p('fresh.cow')), sha(p('mkcow.cow')));
});

test('a COW file made by uml_mkcow is used by tuml\'s guest, and real UML reads what it wrote', opts, async (ctx) => {
  if (!existsSync(p('base.ext4'))) makeBase();
  const mk = spawnSync('/usr/bin/uml_mkcow', [p('made.cow'), p('base.ext4')], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  const t = await tumlRun('ubd0=made.cow,base.ext4', '--', 'sh', '-c',
    'mount -t ext4 /dev/ubda /mnt && echo into-mkcow > /mnt/tuml-wrote && umount /mnt');
  assert.equal(t.code, 0, t.stdout + t.stderr);
  const u = await realUml('made.cow,base.ext4');
  if (cpuRefused(u)) return ctx.skip(CPU_REASON);
  assert.match(u.stdout, /MARK \/tuml-wrote: into-mkcow/, u.stdout.slice(-3000));
});
