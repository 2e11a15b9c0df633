// hostfs beside Debian's real UML: both mount the same host directory with UML's own
// command and list what the guest sees (sizes, blocks, modes, numeric owners, link
// counts, inode numbers, types, mtimes, link targets, directory contents, the statfs
// magic); the listings must be the same.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { realUmlMissing, stageUmlRoot, umlBin } from './helpers/real-uml.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const missing = realUmlMissing('/usr/bin/uml_mconsole');
const dir = mkdtempSync(join(tmpdir(), 'tuml-hostfs-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

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

/** What both guests print about the mount at $M (busybox, so the same applets on both). */
const LISTING = [
  'cd $M',
  'echo BEGIN',
  'ls -A | sort | tr "\\n" " "; echo',
  'for f in . $(ls -A | sort); do stat -c "%n %s %b %a %u %g %h %i %F %Y" $f; done',
  'readlink abs; readlink rel',
  'cat sub/text',
  'stat -f -c "%t" .',
  'ls -A sub | sort | tr "\\n" " "; echo',
  'echo END',
].join('; ');

function share(): string {
  const s = join(dir, 'share');
  mkdirSync(join(s, 'sub'), { recursive: true });
  writeFileSync(join(s, 'sub', 'text'), 'same text\n');
  writeFileSync(join(s, 'modes'), 'x');
  spawnSync('chmod', ['0751', join(s, 'modes')]);
  spawnSync('chown', ['1234:567', join(s, 'modes')]);
  linkSync(join(s, 'sub', 'text'), join(s, 'hard'));
  symlinkSync('/etc/passwd', join(s, 'abs'));
  symlinkSync('sub/text', join(s, 'rel'));
  writeFileSync(join(s, 'sparse'), 'a');
  truncateSync(join(s, 'sparse'), 6 * 2 ** 30);
  spawnSync('mkfifo', [join(s, 'fifo')]);
  for (const f of ['modes', 'hard', 'sparse', 'sub']) utimesSync(join(s, f), 1700000000, 1700000000);
  return s;
}

const section = (raw: string): string => {
  const out = raw.replace(/\r/g, '');
  const a = out.indexOf('BEGIN\n');
  const b = out.indexOf('END\n', a);
  assert.ok(a >= 0 && b > a, out.slice(-3000));
  return out.slice(a, b);
};

test('real UML and tuml show the same host directory the same way through hostfs', { skip: missing, timeout: 300_000 }, async (ctx) => {
  const s = share();
  const t = stageDir();
  stageUmlRoot(t, ['dev', 'proc', 'sys', 'mnt', 'tmp'], [
    '#!/bin/sh',
    'export PATH=/bin',
    '/bin/busybox --install -s /bin 2>/dev/null',
    'mount -t proc proc /proc',
    'M=/mnt; mount none /mnt -t hostfs -o ' + s,
    LISTING,
    'poweroff -f',
    '',
  ].join('\n'));
  const img = join(dir, 'uml-root.ext4');
  const mk = spawnSync('mkfs.ext4', ['-q', '-F', '-d', t, img, '16M'], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  const u = await run(umlBin, [`ubd0=${img}`, 'root=/dev/ubda', 'rw', 'init=/init', 'mem=64M', 'con=null', 'con0=fd:0,fd:1']);
  if (/ptrace set fp regs failed/.test(u.stdout + u.stderr)) return ctx.skip('real UML cannot run guest programs on this CPU');
  const uml = section(u.stdout);

  const r = await run(process.execPath, [tuml, `hostfs=${s}`, '--', 'sh', '-c', `mkdir -p /mnt/h; mount none /mnt/h -t hostfs; M=/mnt/h; ${LISTING}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const ours = section(r.stdout);
  assert.match(uml, /^modes 1 8 751 1234 567 1 /m, uml);
  assert.equal(ours, uml);
});

function stageDir(): string {
  const t = join(dir, 'uml-tree');
  rmSync(t, { recursive: true, force: true });
  return t;
}
