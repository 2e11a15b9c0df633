// Integration: the real kernel through `tuml [args] -- COMMAND`: what the guest
// prints is the command's own output, its exit status is tuml's, stdin flows
// in, ubd disks are real ext4 images, and the stock Debian kernel boots too.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const image = join(root, 'images', 'default');

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(args: string[], input = '', timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`timed out; stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    p.stdin.end(input);
  });
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tuml-linux-'));
}

test('-- uname -a: only the command output, status 0', { timeout: 120_000 }, async () => {
  const r = await run(['--', 'uname', '-a']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Linux tuml 6\.1\.\d+ #1 .* riscv64 GNU\/Linux\n$/);
});

test('/proc/cpuinfo describes the emulated hart', { timeout: 120_000 }, async () => {
  const r = await run(['mem=96M', '--', 'sh', '-c', 'cat /proc/cpuinfo; grep MemTotal /proc/meminfo']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^isa\s+: rv64imafdc/m);
  assert.match(r.stdout, /^mmu\s+: sv39$/m);
  assert.match(r.stdout, /^hart\s+: 0$/m);
  const kb = Number(/MemTotal:\s+(\d+) kB/.exec(r.stdout)?.[1]);
  assert.ok(kb > 80_000 && kb <= 96 * 1024, `MemTotal ${kb} kB for mem=96M`);
});

test('a non-zero exit status is carried through --', { timeout: 120_000 }, async () => {
  const r = await run(['--', 'sh', '-c', 'echo going; exit 42']);
  assert.equal(r.stdout, 'going\n');
  assert.equal(r.code, 42);
});

test('stdin reaches the command, and its end is end-of-file', { timeout: 120_000 }, async () => {
  const r = await run(['--', 'tr', 'a-z', 'A-Z'], 'hello\nworld\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'HELLO\nWORLD\n');
});

test('ubd0 is an ext4 image the guest mounts and writes; the host reads the file back', { timeout: 120_000 }, async () => {
  const disk = join(scratch(), 'disk.ext4');
  copyFileSync(join(image, 'rootfs.ext4'), disk);
  const r = await run([`ubd0=${disk}`, '--', 'sh', '-c',
    'mount -t ext4 /dev/vda /mnt && echo written-by-the-guest > /mnt/hello && ls /mnt/etc/hostname && umount /mnt']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '/mnt/etc/hostname\n');
  const fsck = spawnSync('e2fsck', ['-fn', disk], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  const cat = spawnSync('debugfs', ['-R', 'cat /hello', disk], { encoding: 'utf8' });
  assert.equal(cat.stdout, 'written-by-the-guest\n', cat.stderr);
});

test('root=/dev/ubda boots from the ext4 disk instead of the initramfs', { timeout: 120_000 }, async () => {
  const disk = join(scratch(), 'root.ext4');
  copyFileSync(join(image, 'rootfs.ext4'), disk);
  const r = await run([`ubd0=${disk}`, 'root=/dev/ubda', '--', 'sh', '-c', 'grep " / " /proc/mounts; cat /proc/cmdline']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\/dev\/root \/ ext4 /m);
  assert.match(r.stdout, /root=\/dev\/vda/);
});

test('a ubd image that cannot be opened is reported and the boot goes on without it', { timeout: 120_000 }, async () => {
  const r = await run(['ubd1=/nonexistent/disk.img', '--', 'cat', '/proc/partitions']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /Failed to initialize ubd device 1 :Couldn't determine size of device's file/);
  assert.doesNotMatch(r.stdout, /vda/);
});

test('bad arguments: one error line, non-zero status, no boot', async () => {
  for (const args of [['mem=12Q'], ['--'], ['--kernel='], ['mem=5000G']]) {
    const r = await run(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^tuml: /);
  }
  const r = await run(['--kernel=/nonexistent/Image', '--', 'true']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^tuml: \/nonexistent\/Image: no such file\n$/);
});

test('the stock Debian trixie kernel (6.12, modules in its initramfs) boots and runs a command', { timeout: 600_000 }, async () => {
  const stock = join(root, 'images', 'work', 'stock');
  // Built once and kept; built again when the default image's init (which it carries) is newer.
  const initramfs = join(stock, 'initramfs.cpio.gz');
  if (!existsSync(initramfs) || statSync(initramfs).mtimeMs < statSync(join(root, 'images', 'rootfs', 'init')).mtimeMs) {
    const b = spawnSync('bash', [join(root, 'images', 'stock-debian.sh')], { encoding: 'utf8', timeout: 400_000 });
    assert.equal(b.status, 0, `images/stock-debian.sh failed:\n${b.stdout.slice(-3000)}\n${b.stderr.slice(-3000)}`);
  }
  const r = await run([`--kernel=${join(stock, 'Image')}`, `initrd=${join(stock, 'initramfs.cpio.gz')}`, 'mem=256M',
    '--', 'sh', '-c', 'uname -r; ls /sys/bus/virtio/drivers'], '', 300_000);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^6\.12\.\d+\+deb13-riscv64$/m);
  assert.match(r.stdout, /virtio_blk/);
});
