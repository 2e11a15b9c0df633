// Misaligned accesses that cross into pages Linux has not populated yet, under Debian's
// stock trixie kernel (which measures misaligned access as fast, so trixie's glibc picks
// its unaligned memcpy) and trixie's glibc: test/guest/unaligned.c, dynamically linked,
// copies across fresh heap pages and does direct loads and stores across fresh pages.
// A core that reports the wrong page in stval makes the kernel fault the same access
// forever; the guest's `timeout` turns that into a failing status.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const script = join(root, 'images', 'unaligned-guest.sh');
const work = join(root, 'images', 'work');
const initrd = join(work, 'unaligned', 'initramfs.cpio.gz');
const kernel = join(work, 'stock', 'Image');

const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : -1);

function run(args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no result after ${timeoutMs / 1000} s; stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

test('misaligned memcpy, loads and stores into fresh pages under the stock kernel and trixie glibc', { timeout: 900_000 }, async () => {
  const sources = Math.max(mtime(script), mtime(join(root, 'test', 'guest', 'unaligned.c')), mtime(join(root, 'images', 'lib.sh')),
    mtime(join(work, 'stock', 'initramfs.cpio.gz')), mtime(join(root, 'images', 'rootfs', 'init')));
  if (mtime(initrd) < sources || !existsSync(kernel)) {
    const b = spawnSync('bash', [script], { encoding: 'utf8', timeout: 600_000 });
    assert.equal(b.status, 0, `images/unaligned-guest.sh failed:\n${b.stdout.slice(-3000)}\n${b.stderr.slice(-3000)}`);
  }
  // The program itself takes a few seconds; the guest's timeout catches an endless fault loop.
  const r = await run([`--kernel=${kernel}`, `initrd=${initrd}`, 'mem=256M', '--', 'timeout', '120', '/bin/unaligned'], 600_000);
  assert.match(r.stdout, /^misaligned access: fast$/m, 'the kernel must report fast misaligned access, or glibc keeps its aligned memcpy');
  assert.equal(r.code, 0, `exit ${r.code} (143: the guest's timeout killed it)\n${r.stdout}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /^heap copies: 56$/m);
  assert.match(r.stdout, /^direct accesses: 7$/m);
  assert.match(r.stdout, /^read-only second page: si_addr is the second page$/m);
  assert.match(r.stdout, /^unaligned: ok$/m);
});
