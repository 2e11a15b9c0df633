// Debian's own mount(8) (util-linux from trixie, riscv64, run through its dynamic loader
// from a hostfs mount) does UML's HowTo mounts on the default kernel: the hostfs type needs
// nothing from the userland (util-linux 2.41 goes through fsopen/fsconfig, busybox through
// mount(2)).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const debs = join(root, 'images', 'work', 'debs');
const PACKAGES = ['mount', 'libmount1', 'libblkid1', 'libselinux1', 'libpcre2-8-0', 'libc6', 'libsmartcols1'];
const base = mkdtempSync(join(tmpdir(), 'tuml-hostfs-deb-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** The .debs, fetched with the image build's private trixie apt setup when missing; or why not. */
function fetchDebs(): string[] | string {
  const have = () => PACKAGES.map((p) => readdirSync(debs, { withFileTypes: true }).find((e) => e.name.startsWith(`${p}_`) && e.name.endsWith('_riscv64.deb'))?.name);
  mkdirSync(debs, { recursive: true });
  if (have().some((n) => !n)) {
    const r = spawnSync('bash', ['-c', `HERE=${join(root, 'images')}; WORK=${join(root, 'images', 'work')}; . "$HERE/lib.sh"; trixie_download ${PACKAGES.join(' ')}`], { encoding: 'utf8' });
    if (r.status !== 0) return `cannot fetch util-linux for riscv64: ${(r.stderr || '').trim().split('\n').pop()}`;
  }
  const names = have();
  return names.some((n) => !n) ? 'util-linux .debs missing' : names.map((n) => join(debs, n!));
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 150_000);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('Debian\'s mount(8): mount -t hostfs none DIR and -o HOSTPATH, as the HowTo writes them', { timeout: 240_000 }, async (t) => {
  const files = fetchDebs();
  if (typeof files === 'string') return t.skip(files);
  const share = join(base, 'share');
  const deb = join(share, 'debian');
  mkdirSync(join(share, 'home', 'user'), { recursive: true });
  writeFileSync(join(share, 'home', 'user', 'note'), 'in /home/user\n');
  for (const f of files) assert.equal(spawnSync('dpkg-deb', ['-x', f, deb]).status, 0, f);
  const ld = '/mnt/d/debian/usr/lib/ld-linux-riscv64-lp64d.so.1';
  assert.ok(existsSync(join(share, ld.slice('/mnt/d/'.length))), 'the dynamic loader is in libc6');
  const mount = `${ld} --library-path /mnt/d/debian/usr/lib/riscv64-linux-gnu /mnt/d/debian/usr/bin/mount`;
  const r = await run([`hostfs=${share}`, '--', 'sh', '-c', [
    'mkdir -p /mnt/d /mnt/host /mnt/home && mount -t hostfs none /mnt/d',
    `${mount} --version | head -1 | cut -d" " -f1-2`,
    `${mount} none /mnt/host -t hostfs && cat /mnt/host/home/user/note`,
    `${mount} none /mnt/home -t hostfs -o /home && cat /mnt/home/user/note`,
    'grep -c " hostfs " /proc/mounts',
  ].join(' && ')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, 'mount from\nin /home/user\nin /home/user\n3\n');
});
