// hostfs end to end through the real kernel: UML's own commands in the guest
// (`mount -t hostfs none DIR [-o HOSTPATH]`, an fstab line, a hostfs root), round trips
// checked from the host, host ownership and modes as the guest sees them, and escape
// attempts made from inside the guest that must fail.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeExec } from '../src/uml/cmdline/index.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const base = mkdtempSync(join(tmpdir(), 'tuml-hostfs-'));
after(() => rmSync(base, { recursive: true, force: true }));

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: base });
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
    p.stdin.end();
  });
}

/** The guest's shell script's output, failing the test on a non-zero status. */
async function guest(args: string[], script: string): Promise<string> {
  const r = await run([...args, '--', 'sh', '-c', script]);
  assert.equal(r.code, 0, `status ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

function shared(): { dir: string; outside: string } {
  const d = mkdtempSync(join(base, 'share-'));
  const dir = join(d, 'export');
  const outside = join(d, 'outside');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'host secret\n');
  writeFileSync(join(dir, 'sub', 'from-host'), 'written on the host\n');
  symlinkSync('../outside', join(dir, 'up'));
  symlinkSync(outside, join(dir, 'abs'));
  return { dir, outside };
}

test('hostfs is a file system type of the guest; without hostfs= the mount is the host\'s /', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  const out = await guest([], [
    'grep -w hostfs /proc/filesystems',
    'mkdir -p /mnt/host && mount none /mnt/host -t hostfs',
    `cat /mnt/host${dir}/sub/from-host`,
    `echo guest-was-here > /mnt/host${dir}/sub/from-guest`,
    'grep " /mnt/host " /proc/mounts',
    'umount /mnt/host && echo unmounted',
  ].join(' && '));
  // /proc/mounts as UML's hostfs shows it: the source given, no options of the transport.
  assert.equal(out, 'nodev\thostfs\nwritten on the host\nnone /mnt/host hostfs rw,relatime 0 0\nunmounted\n');
  assert.equal(readFileSync(join(dir, 'sub', 'from-guest'), 'utf8'), 'guest-was-here\n');
});

test('hostfs=DIR confines the mounts: -o HOSTPATH is below DIR; a read-write round trip checked on the host', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  writeFileSync(join(dir, 'modes'), 'x');
  spawnSync('chmod', ['0751', join(dir, 'modes')]);
  spawnSync('chown', ['1234:567', join(dir, 'modes')]);
  const out = await guest([`hostfs=${dir}`], [
    'mkdir -p /mnt/host /mnt/sub',
    'mount none /mnt/host -t hostfs',
    'mount -t hostfs none /mnt/sub -o /sub',
    'ls /mnt/host | tr "\\n" " "; echo',
    'cat /mnt/sub/from-host',
    'stat -c "%a %u %g" /mnt/host/modes',
    'dd if=/dev/urandom of=/mnt/sub/blob bs=4096 count=64 2>/dev/null',
    'md5sum /mnt/sub/blob | cut -d" " -f1',
    'mkdir /mnt/sub/d && echo a > /mnt/sub/d/f && mv /mnt/sub/d/f /mnt/sub/d/g && ln /mnt/sub/d/g /mnt/sub/d/h && ln -s g /mnt/sub/d/s',
    'rm /mnt/host/sub/from-host',
    'truncate -s 3 /mnt/sub/blob2 && stat -c %s /mnt/sub/blob2',
    'grep " /mnt/sub " /proc/mounts',
    'stat -c %o /mnt/sub/blob',
    'sync',
  ].join(' && '));
  const lines = out.split('\n');
  assert.equal(lines[0], 'abs modes sub up ');
  assert.equal(lines[1], 'written on the host');
  assert.equal(lines[2], '751 1234 567', 'host owner and mode as they are');
  const md5 = spawnSync('md5sum', [join(dir, 'sub', 'blob')], { encoding: 'utf8' }).stdout.split(' ')[0];
  assert.equal(lines[3], md5);
  assert.equal(lines[4], '3');
  // UML shows the path given with -o as the mount's one option, and 1 KiB I/O blocks.
  assert.equal(lines[5], 'none /mnt/sub hostfs rw,relatime,/sub 0 0');
  assert.equal(lines[6], '1024');
  assert.equal(readFileSync(join(dir, 'sub', 'd', 'g'), 'utf8'), 'a\n');
  assert.equal(statSync(join(dir, 'sub', 'd', 'h')).ino, statSync(join(dir, 'sub', 'd', 'g')).ino);
  assert.equal(spawnSync('readlink', [join(dir, 'sub', 'd', 's')], { encoding: 'utf8' }).stdout, 'g\n');
  assert.equal(existsSync(join(dir, 'sub', 'from-host')), false);
});

test('escapes from inside the guest fail: .., host symlinks out, guest-made links, -o ../, /proc links', { timeout: 150_000 }, async () => {
  const { dir, outside } = shared();
  // The script is longer than a kernel command line can carry: it waits in the export.
  writeFileSync(join(dir, 'escape.sh'), [
    'mkdir -p /mnt/x /mnt/y /mnt/z',
    // The host's links are followed by the guest in its own namespace, never on the host.
    'cat /mnt/h/up/secret 2>/dev/null && echo ESCAPED-up',
    'cat /mnt/h/abs/secret 2>/dev/null && echo ESCAPED-abs',
    // Mount options climbing out resolve inside the root.
    'mount -t hostfs none /mnt/x -o ../outside 2>/dev/null && ls /mnt/x | grep -q secret && echo ESCAPED-mount-dotdot',
    'mount -t hostfs none /mnt/y -o /up 2>/dev/null && ls /mnt/y | grep -q secret && echo ESCAPED-mount-link',
    'mount -t hostfs none /mnt/z -o /abs 2>/dev/null && ls /mnt/z | grep -q secret && echo ESCAPED-mount-abs',
    // Links the guest makes to the host's outside, then writes through.
    `ln -s ${outside} /mnt/h/mine && echo pwned > /mnt/h/mine/planted 2>/dev/null`,
    'ln -s ../outside/secret /mnt/h/rel && echo pwned > /mnt/h/rel 2>/dev/null',
    'ln -s /proc/self/root /mnt/h/magic && ls /mnt/h/magic/ >/dev/null',
    'cd /mnt/h && cd .. && cd .. && ls >/dev/null',
    'echo done',
    '',
  ].join('\n'));
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && sh /mnt/h/escape.sh');
  assert.ok(!out.includes('ESCAPED'), out);
  assert.ok(out.endsWith('done\n'), out);
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'host secret\n');
  assert.equal(existsSync(join(outside, 'planted')), false);
});

test('fstab entries of type hostfs mount with mount -a', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  const out = await guest([`hostfs=${dir}`], [
    'mkdir -p /mnt/f',
    'echo "none /mnt/f hostfs defaults 0 0" > /etc/fstab',
    'mount -a',
    'cat /mnt/f/sub/from-host',
  ].join(' && '));
  assert.equal(out, 'written on the host\n');
});

test('a host directory as the root file system: root=/dev/root rootfstype=hostfs rootflags=DIR, and rootfstype=hostfs alone', { timeout: 200_000 }, async () => {
  const tree = mkdtempSync(join(base, 'rootdir-'));
  const cpio = spawnSync('sh', ['-c', `gzip -dc '${join(root, 'images', 'default', 'initramfs.cpio.gz')}' | cpio -idm --quiet`], { cwd: tree });
  assert.equal(cpio.status, 0, String(cpio.stderr));
  const out = await guest(['root=/dev/root', 'rootfstype=hostfs', `rootflags=${tree}`, 'rw'], 'grep " / " /proc/mounts | cut -d" " -f3; echo from-the-guest > /written');
  assert.ok(out.split('\n').includes('hostfs'), out);
  assert.equal(readFileSync(join(tree, 'written'), 'utf8'), 'from-the-guest\n');
  const out2 = await guest(['rootfstype=hostfs', `rootflags=${tree}`], 'cat /written');
  assert.equal(out2, 'from-the-guest\n');
});

const MMAP_C = `
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ftruncate(fd, 8192) < 0) return 1;
  char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return 2;
  memcpy(p + 4096, "through-mmap", 12);
  if (msync(p, 8192, MS_SYNC) < 0) return 3;
  munmap(p, 8192);
  close(fd);
  fd = open(argv[2], O_RDONLY);
  char *q = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (q == MAP_FAILED) return 4;
  fwrite(q, 1, 9, stdout);
  printf("\\n");
  return 0;
}
`;

test('mmap: a program run from the hostfs mount maps a host file shared, writes, msyncs; the host sees it', { timeout: 150_000 }, async (t) => {
  const { dir } = shared();
  writeFileSync(join(dir, 'mmap.c'), MMAP_C);
  writeFileSync(join(dir, 'host-data'), 'host-side and more');
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', join(dir, 'mmaptest'), join(dir, 'mmap.c')], { encoding: 'utf8' });
  if (cc.error) return t.skip('riscv64-linux-gnu-gcc is not installed');
  assert.equal(cc.status, 0, cc.stderr);
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && /mnt/h/mmaptest /mnt/h/mapped /mnt/h/host-data && sync');
  assert.equal(out, 'host-side\n');
  const b = readFileSync(join(dir, 'mapped'));
  assert.equal(b.length, 8192);
  assert.equal(b.subarray(4096, 4108).toString(), 'through-mmap');
});

test('host changes made while mounted are seen when the guest reads again', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  // The host changes the shared files once the guest has read them and says so.
  const watcher = setInterval(() => {
    if (!existsSync(join(dir, 'flag')) || existsSync(join(dir, 'changed'))) return;
    writeFileSync(join(dir, 'sub', 'from-host'), 'changed on the host, longer than before\n');
    writeFileSync(join(dir, 'sub', 'new-on-host'), '');
    writeFileSync(join(dir, 'changed'), '');
  }, 50);
  try {
    const out = await guest([`hostfs=${dir}`], [
      'mkdir -p /mnt/h && mount -t hostfs none /mnt/h',
      'cat /mnt/h/sub/from-host',
      'ls /mnt/h/sub | tr "\\n" " "; echo',
      'echo > /mnt/h/flag',
      'i=0; while [ ! -e /mnt/h/changed ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done',
      'cat /mnt/h/sub/from-host',
      'ls /mnt/h/sub | tr "\\n" " "; echo',
    ].join(' && '));
    assert.equal(out, 'written on the host\nfrom-host \nchanged on the host, longer than before\nfrom-host new-on-host \n');
  } finally {
    clearInterval(watcher);
  }
});

const RENAME_C = `
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static void try(const char *what, const char *a, const char *b, unsigned flags) {
  long r = syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
  printf("%s %s\\n", what, r == 0 ? "ok" : strerror(errno));
}
int main(void) {
  try("noreplace-absent", "a", "b", 1);
  try("noreplace-present", "c", "b", 1);
  try("plain-present", "c", "b", 0);
  return 0;
}
`;

test('rename: RENAME_NOREPLACE moves onto a free name and refuses an existing one', { timeout: 150_000 }, async (t) => {
  const { dir } = shared();
  const work = join(dir, 'ren');
  mkdirSync(work);
  writeFileSync(join(work, 'a'), 'A');
  writeFileSync(join(work, 'c'), 'C');
  writeFileSync(join(dir, 'rename.c'), RENAME_C);
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', join(dir, 'renametest'), join(dir, 'rename.c')], { encoding: 'utf8' });
  if (cc.error) return t.skip('riscv64-linux-gnu-gcc is not installed');
  assert.equal(cc.status, 0, cc.stderr);
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && cd /mnt/h/ren && /mnt/h/renametest');
  assert.equal(out, 'noreplace-absent ok\nnoreplace-present File exists\nplain-present ok\n');
  assert.equal(existsSync(join(work, 'a')), false);
  assert.equal(readFileSync(join(work, 'b'), 'utf8'), 'C');
  assert.equal(existsSync(join(work, 'c')), false);
});

const EXCHANGE_C = `
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static void try(const char *what, const char *a, const char *b, unsigned flags) {
  long r = syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
  printf("%s %s\\n", what, r == 0 ? "ok" : strerror(errno));
}
int main(void) {
  try("exchange-files", "x", "y", 2);
  try("exchange-dir-file", "dir", "x", 2);
  try("exchange-absent", "y", "absent", 2);
  try("exchange-noreplace", "x", "y", 3);
  return 0;
}
`;

/** EXCHANGE_C built into `dir`; undefined when there is no riscv64 compiler. */
function exchangeProgram(dir: string): string | undefined {
  writeFileSync(join(dir, 'exchange.c'), EXCHANGE_C);
  const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', join(dir, 'exchangetest'), join(dir, 'exchange.c')], { encoding: 'utf8' });
  if (cc.error) return undefined;
  assert.equal(cc.status, 0, cc.stderr);
  return join(dir, 'exchangetest');
}

function exchangeTree(dir: string): string {
  const work = join(dir, 'xchg');
  mkdirSync(join(work, 'dir'), { recursive: true });
  writeFileSync(join(work, 'dir', 'inner'), 'I');
  writeFileSync(join(work, 'x'), 'X');
  writeFileSync(join(work, 'y'), 'Y');
  return work;
}

test('rename: RENAME_EXCHANGE swaps two files, a directory and a file; the guest and the host agree', { timeout: 150_000 }, async (t) => {
  const { dir } = shared();
  const work = exchangeTree(dir);
  if (!exchangeProgram(dir)) return t.skip('riscv64-linux-gnu-gcc is not installed');
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && cd /mnt/h/xchg && /mnt/h/exchangetest && cat dir y x/inner && echo && ls -F | tr "\\n" " "');
  assert.equal(out, 'exchange-files ok\nexchange-dir-file ok\nexchange-absent No such file or directory\nexchange-noreplace Invalid argument\nYXI\ndir x/ y \n'.trimEnd() + ' ');
  assert.equal(readFileSync(join(work, 'dir'), 'utf8'), 'Y');
  assert.equal(readFileSync(join(work, 'y'), 'utf8'), 'X');
  assert.equal(readFileSync(join(work, 'x', 'inner'), 'utf8'), 'I');
});

test('rename: RENAME_EXCHANGE against a 9P server without Trenameat2 (QEMU\'s) is EINVAL and changes nothing', { timeout: 150_000 }, async (t) => {
  const qemu = process.env.QEMU ?? 'qemu-system-riscv64';
  if (spawnSync(qemu, ['--version']).error) return t.skip(`${qemu} is not installed`);
  const { dir } = shared();
  const work = exchangeTree(dir);
  if (!exchangeProgram(dir)) return t.skip('riscv64-linux-gnu-gcc is not installed');
  const script = 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && cd /mnt/h/xchg && /mnt/h/exchangetest && cat x y';
  const image = join(root, 'images', 'default');
  const r = spawnSync(qemu, [
    '-M', 'virt', '-nographic', '-no-reboot', '-m', '64M', '-kernel', join(image, 'Image'), '-initrd', join(image, 'initramfs.cpio.gz'),
    '-append', `console=hvc0 tuml.exec=${encodeExec(['sh', '-c', script])} `,
    '-fsdev', `local,id=fs0,path=${dir},security_model=none`, '-device', 'virtio-9p-device,fsdev=fs0,mount_tag=hostfs',
  ], { encoding: 'latin1', timeout: 120_000 });
  const text = r.stdout.replace(/\r/g, '');
  assert.match(text, /exchange-files Invalid argument\nexchange-dir-file Invalid argument\nexchange-absent No such file or directory\nexchange-noreplace Invalid argument\nXY/);
  assert.equal(readFileSync(join(work, 'x'), 'utf8'), 'X');
  assert.equal(readFileSync(join(work, 'y'), 'utf8'), 'Y');
});

test('hostfs=DIR,append: /proc/mounts shows append; writes append, truncation is dropped, unlink is refused', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  const out = await guest([`hostfs=${dir},append`], [
    'mkdir -p /mnt/h /mnt/s && mount -t hostfs none /mnt/h && mount -t hostfs none /mnt/s -o /sub',
    'grep " /mnt/h " /proc/mounts',
    'grep " /mnt/s " /proc/mounts',
    'echo more >> /mnt/h/sub/from-host',
    'echo over > /mnt/s/from-host',
    '{ rm /mnt/h/sub/from-host 2>/dev/null && echo removed || echo refused; }',
  ].join(' && '));
  assert.equal(out, 'none /mnt/h hostfs rw,relatime,append 0 0\nnone /mnt/s hostfs rw,relatime,/sub,append 0 0\nrefused\n');
  assert.equal(readFileSync(join(dir, 'sub', 'from-host'), 'utf8'), 'written on the host\nmore\nover\n');
});

test('1 MiB reads and writes: a file copied with dd bs=1M through the mount is the same on the host', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  const data = randomBytes((3 << 20) + 12345);
  writeFileSync(join(dir, 'src'), data);
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && dd if=/mnt/h/src of=/mnt/h/dst bs=1M 2>&1 | tail -1 && md5sum < /mnt/h/dst');
  const md5 = spawnSync('md5sum', [join(dir, 'src')], { encoding: 'utf8' }).stdout.split(' ')[0];
  assert.equal(out, `3+1 records out\n${md5}  -\n`);
  assert.ok(readFileSync(join(dir, 'dst')).equals(data));
});

test('reads of host data in and out of the host page cache return the same bytes', { timeout: 150_000 }, async () => {
  const { dir } = shared();
  const file = join(dir, 'data');
  writeFileSync(file, randomBytes(6 << 20));
  const md5 = spawnSync('md5sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
  // Drop the file's pages, so the first reads wait for the disk (the thread-pool path),
  // then read it again from the cache (copied at once).
  const drop = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
  assert.equal(drop.status, 0, String(drop.stderr));
  const out = await guest([`hostfs=${dir}`], 'mkdir -p /mnt/h && mount -t hostfs none /mnt/h && md5sum < /mnt/h/data && md5sum < /mnt/h/data');
  assert.equal(out, `${md5}  -\n${md5}  -\n`);
});
