// ubd disks end to end through the real kernel: UML's names in the guest, COW pairs created
// and used, single-file COW detection, read-only and serial, TRIM, host locks, the errors that
// stop a boot (with neither file touched), and crash consistency under SIGKILL.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cowGeometry, parseCowHeader } from '../src/host/block/cow/format.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const rootfs = join(root, 'images', 'default', 'rootfs.ext4');
const dir = mkdtempSync(join(tmpdir(), 'tuml-ubd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string): string => join(dir, name);

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs tuml; `onStdout` sees the output as it comes and may kill the process. */
function run(args: string[], opts: { timeoutMs?: number; cwd?: string; onStdout?: (all: string, kill: () => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tuml, ...args], { cwd: opts.cwd ?? dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 90_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
      opts.onStdout?.(stdout, () => child.kill('SIGKILL'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end();
  });
}

const sha = (f: string): string => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent');
const debugfsCat = (img: string, file: string): string =>
  spawnSync('debugfs', ['-R', `cat ${file}`, img], { encoding: 'utf8' }).stdout;
function fsck(img: string): void {
  const r = spawnSync('e2fsck', ['-fn', img], { encoding: 'utf8' });
  assert.equal(r.status, 0, `e2fsck ${img}:\n${r.stdout}${r.stderr}`);
}
function moo(cow: string, out: string): void {
  const r = spawnSync(process.execPath, [tuml, 'moo', cow, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('COW pair: created on first use, the guest writes into it, the backing file stays as it was; then found again from the COW file alone', { timeout: 180_000 }, async () => {
  copyFileSync(rootfs, p('base.ext4'));
  utimesSync(p('base.ext4'), 1700000000, 1700000000);
  const before = sha(p('base.ext4'));
  writeFileSync(p('plain.img'), Buffer.alloc(1 << 20, 0x5a));
  writeFileSync(p('ro.img'), Buffer.alloc(1 << 20, 0x11));

  const r = await run(['ubd0=base.cow,base.ext4', 'ubd2r=ro.img', 'ubd3=plain.img,,SER-3', '--', 'sh', '-c', [
    'ls /dev/ubd* | tr "\\n" " "; echo',
    'cat /sys/block/vdb/ro /sys/block/vdc/serial; echo',
    'dd if=/dev/zero of=/dev/ubdc bs=512 count=1 2>/dev/null && echo ro-write-worked',
    'mount -t ext4 /dev/ubda /mnt && echo from-the-guest > /mnt/guest.txt && umount /mnt && echo mounted-ok',
    'dd if=/dev/ubdd bs=512 count=1 2>/dev/null | od -An -tx1 | head -1',
    'fdisk -l /dev/ubda | sed -n 2p',
  ].join('; ')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '/dev/ubda /dev/ubdc /dev/ubdd ');
  assert.equal(lines[1], '1');
  assert.equal(lines[2], 'SER-3');
  assert.doesNotMatch(r.stdout, /ro-write-worked/);
  assert.match(r.stdout, /mounted-ok/);
  assert.match(r.stdout, /^ 5a 5a 5a/m);
  assert.match(r.stdout, /^8 cylinders, 128 heads, 32 sectors\/track$/m); // UML's geometry for 16 MiB
  assert.match(r.stderr, /Creating "base\.cow" as COW file for "base\.ext4"/);

  assert.equal(sha(p('base.ext4')), before, 'the backing file was written');
  assert.equal(sha(p('ro.img')), sha(p('ro.img')));
  assert.deepEqual([...readFileSync(p('ro.img'))].every((b) => b === 0x11), true);
  const h = parseCowHeader(readFileSync(p('base.cow')).subarray(0, 4136));
  assert.equal(h.version, 3);
  assert.equal(h.backingPath, p('base.ext4'));
  assert.equal(h.mtime, 1700000000);
  assert.equal(statSync(p('base.cow')).size, cowGeometry(h).fileLength);
  moo(p('base.cow'), p('merged.ext4'));
  fsck(p('merged.ext4'));
  assert.equal(debugfsCat(p('merged.ext4'), '/guest.txt'), 'from-the-guest\n');

  // The COW file alone: its header names the backing file.
  const r2 = await run(['ubd0=base.cow', '--', 'sh', '-c', 'mount -t ext4 /dev/ubda /mnt && cat /mnt/guest.txt']);
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.equal(r2.stdout, 'from-the-guest\n');
  // With d, the same file is a plain image: the guest sees the COW header's magic.
  const r3 = await run(['ubd0dr=base.cow', '--', 'sh', '-c', 'dd if=/dev/ubda bs=8 count=1 2>/dev/null | od -An -c']);
  assert.equal(r3.code, 0, r3.stdout + r3.stderr);
  assert.match(r3.stdout, /O {3}O {3}O {3}M/);
  assert.equal(sha(p('base.ext4')), before);
});

test('unit 0 defaults to root_fs in the current directory when the command line has no ubd0', { timeout: 120_000 }, async () => {
  const cwd = p('rootfs-cwd');
  mkdirSync(cwd);
  writeFileSync(join(cwd, 'root_fs'), Buffer.alloc(3 << 20, 0x2a));
  const r = await run(['ubd1=' + join(cwd, 'root_fs') + 'x', '--', 'sh', '-c', 'ls /dev/ubd*; cat /sys/block/vda/size; root=; for a in $(cat /proc/cmdline); do case $a in tuml.ubd=*) echo $a;; esac; done'], { cwd });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '/dev/ubda\n6144\ntuml.ubd=a\n');
  // ubd1 did not exist: reported, and the boot went on.
  assert.match(r.stderr, /Failed to initialize ubd device 1 :Couldn't determine size of device's file/);
  // A file that exists but cannot be opened as a disk: UML's open-failure lines, boot goes on.
  const d = await run(['ubd2=' + cwd, '--', 'ls', '/sys/block'], { cwd });
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout, 'vda\n');
  assert.match(d.stderr, /^tuml: Failed to open '.*rootfs-cwd', errno = 21\ntuml: ubdc: Can't open ".*rootfs-cwd": errno = 21\n$/);
});

test('an image on a read-only file system is opened read-only and the guest sees a read-only disk (EROFS fallback)', { timeout: 120_000 }, async (t) => {
  // A private mount namespace with a tmpfs remounted read-only: needs root and unshare.
  const probe = spawnSync('unshare', ['-m', 'true']);
  if (probe.error || probe.status !== 0) return t.skip('cannot create a mount namespace (unshare -m)');
  const mnt = p('rofs');
  mkdirSync(mnt);
  writeFileSync(p('rofs-src.img'), Buffer.alloc(1 << 20, 0x3c));
  const r = spawnSync('unshare', ['-m', 'sh', '-c',
    `mount -t tmpfs none "$1" && cp "$2" "$1/d.img" && mount -o remount,ro "$1" && exec "$3" "$4" "ubd0=$1/d.img" -- sh -c 'cat /sys/block/vda/ro; od -An -tx1 -N2 /dev/ubda'`,
    'sh', mnt, p('rofs-src.img'), process.execPath, tuml], { encoding: 'utf8', timeout: 100_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '1\n 3c 3c\n');
});

test('TRIM: discard punches holes in a raw image and in a COW file (which then reads zeros); t turns it off', { timeout: 180_000 }, async () => {
  const img = p('trim.img');
  writeFileSync(img, Buffer.alloc(4 << 20, 0x77));
  const allocated = (f: string): number => statSync(f).blocks * 512;
  assert.ok(allocated(img) >= 4 << 20);
  writeFileSync(p('trimbase.img'), Buffer.alloc(4 << 20, 0x33));
  const r = await run(['ubd0=trim.img', 'ubd1=trim.cow,trimbase.img', 'ubd2t=trimbase.img', '--', 'sh', '-c', [
    'cat /sys/block/vda/queue/discard_max_bytes /sys/block/vdc/queue/discard_max_bytes',
    'blkdiscard -o 1048576 -l 2097152 /dev/ubda && echo raw-ok',
    'dd if=/dev/ubda bs=512 skip=2048 count=1 2>/dev/null | od -An -tx1 | head -1',
    'blkdiscard -o 0 -l 65536 /dev/ubdb && echo cow-ok',
    'dd if=/dev/ubdb bs=512 count=1 2>/dev/null | od -An -tx1 | head -1',
    'dd if=/dev/ubdb bs=512 skip=128 count=1 2>/dev/null | od -An -tx1 | head -1',
    'blkdiscard /dev/ubdc 2>/dev/null || echo t-refused',
  ].join('; ')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const l = r.stdout.split('\n');
  assert.ok(Number(l[0]) > 0, r.stdout);
  assert.equal(l[1], '0');
  assert.equal(l[2], 'raw-ok');
  assert.match(l[3], /^ 00 00 00 00/);
  assert.equal(l[4], 'cow-ok');
  assert.match(l[5], /^ 00 00 00 00/); // discarded: zeros from the COW file, not the backing file
  assert.match(l[6], /^ 33 33 33 33/); // untouched: the backing file
  assert.equal(l[7], 't-refused');
  assert.ok(allocated(img) <= (2 << 20) + 65536, `raw image still has ${allocated(img)} bytes allocated`);
  const buf = readFileSync(img);
  assert.equal(buf[(1 << 20) - 1], 0x77);
  assert.equal(buf[1 << 20], 0);
  assert.equal(buf[(3 << 20) - 1], 0);
  assert.equal(buf[3 << 20], 0x77);
  assert.ok([...readFileSync(p('trimbase.img'))].every((b) => b === 0x33), 'the backing file changed');
});

test('host locks: a second instance cannot open a disk in use (UML\'s message, non-zero exit, nothing written); c takes no lock', { timeout: 180_000 }, async () => {
  copyFileSync(rootfs, p('locked.ext4'));
  let up: () => void = () => {};
  const isUp = new Promise<void>((resolve) => (up = resolve));
  const first = run(['ubd0=locked.ext4', '--', 'sh', '-c', 'echo up; sleep 4'], { onStdout: (all) => all.includes('up') && up() });
  await isUp; // its disk is open and locked
  const before = sha(p('locked.ext4'));
  const second = await run(['ubd0=locked.ext4', '--', 'true']);
  assert.equal(second.code, 1);
  assert.equal(second.stdout, '');
  assert.match(second.stderr, /^tuml: ubda: F_SETLK failed, file already locked by pid \d+; Failed to lock '.*locked\.ext4', err = 11\n$/);
  // As a backing file: refused before any COW file is created.
  const third = await run(['ubd0=locked.cow,locked.ext4', '--', 'true']);
  assert.equal(third.code, 1);
  assert.match(third.stderr, /file already locked by pid \d+/);
  assert.equal(existsSync(p('locked.cow')), false);
  const shared = await run(['ubd0cr=locked.ext4', '--', 'true']);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stderr, /Not locking ".*locked\.ext4" on the host/);
  assert.equal(sha(p('locked.ext4')), before);
  assert.equal((await first).code, 0);
});

test('unusable COW setups stop the boot with one line and leave both files as they were', { timeout: 120_000 }, async () => {
  writeFileSync(p('b.img'), Buffer.alloc(1 << 20, 0x42));
  utimesSync(p('b.img'), 1700000000, 1700000000);
  const mk = spawnSync(process.execPath, [tuml, 'mkcow', p('good.cow'), p('b.img')], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  const good = readFileSync(p('good.cow'));
  const cases: Array<[string, (f: string) => void, string[], RegExp]> = [
    ['bad version', (f) => { const b = Buffer.from(good); b.writeUInt32BE(99, 4); writeFileSync(f, b); }, [], /Failed to read COW header from COW file ".*": invalid COW version 99/],
    ['zero alignment', (f) => { const b = Buffer.from(good); b.writeUInt32BE(0, 24); writeFileSync(f, b); }, [], /align == 0/],
    ['truncated bitmap', (f) => { writeFileSync(f, good); truncateSync(f, 4096 + 100); }, [], /is truncated/],
    ['missing backing file', (f) => { const b = Buffer.from(good); b.write('/nonexistent/b.img\0', 32); writeFileSync(f, b); }, [], /Couldn't stat backing file "\/nonexistent\/b\.img"/],
    ['changed backing file', (f) => { writeFileSync(f, good); utimesSync(p('b.img'), 1700000100, 1700000100); }, [], /mtime mismatch \(1700000000 vs 1700000100\) of COW header vs backing file ".*b\.img"/],
    ['not a COW file', (f) => writeFileSync(f, Buffer.alloc(8192, 1)), [',b.img'], /Failed to read COW header from COW file/],
  ];
  for (const [what, make, extra, re] of cases) {
    utimesSync(p('b.img'), 1700000000, 1700000000);
    const f = p(`case.cow`);
    make(f);
    const cowBefore = sha(f);
    const backBefore = sha(p('b.img'));
    const mtime = statSync(p('b.img')).mtimeMs;
    const r = await run([`ubd1=case.cow${extra.join('')}`, '--', 'true']);
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    assert.equal(r.stdout, '', what);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /^tuml: ubdb: /, what);
    assert.match(r.stderr, re, what);
    assert.equal(sha(f), cowBefore, `${what}: the COW file changed`);
    assert.equal(sha(p('b.img')), backBefore, `${what}: the backing file changed`);
    assert.equal(statSync(p('b.img')).mtimeMs, mtime, what);
  }
});

/**
 * The guest writes files of known content, fsyncs each (sync FILE) and says so; the host kills
 * tuml mid-way, boots again, and everything announced as synced must be there, intact, with a
 * clean file system.
 */
async function crashAndCheck(flags: string): Promise<void> {
  const base = p(`crash${flags}.ext4`);
  const cow = p(`crash${flags}.cow`);
  copyFileSync(rootfs, base);
  const spec = `ubd0${flags}=${cow},${base}`;
  const writer = [
    'mount -t ext4 /dev/ubda /mnt || exit 9',
    'i=0',
    'while [ $i -lt 400 ]; do i=$((i+1)); yes "block $i" | head -c 49152 > /mnt/f$i; sync /mnt/f$i; echo "synced $i"; done',
  ].join('\n');
  let synced = 0;
  let killedAt = 0;
  const r = await run([spec, '--', 'sh', '-c', writer], {
    timeoutMs: 180_000,
    onStdout: (all, kill) => {
      const m = all.match(/synced (\d+)\n/g);
      if (!m) return;
      synced = Number(/(\d+)/.exec(m[m.length - 1])![1]);
      if (synced >= 12 && !killedAt) {
        killedAt = synced;
        // Let the guest get into its next writes, then pull the plug.
        setTimeout(kill, 150);
      }
    },
  });
  assert.ok(killedAt > 0, `the guest never got going: ${r.stdout.slice(-500)} ${r.stderr}`);
  assert.equal(r.code, null, 'tuml was meant to be killed');
  const check = [
    'mount -t ext4 /dev/ubda /mnt || exit 9',
    `i=0; while [ $i -lt ${synced} ]; do i=$((i+1)); yes "block $i" | head -c 49152 | cmp -s - /mnt/f$i || echo "lost $i"; done`,
    'umount /mnt && echo checked',
  ].join('\n');
  const r2 = await run([spec, '--', 'sh', '-c', check], { timeoutMs: 180_000 });
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.equal(r2.stdout, 'checked\n', `after ${synced} synced writes: ${r2.stdout}`);
  moo(cow, p(`crash${flags}.merged`));
  fsck(p(`crash${flags}.merged`));
}

test('SIGKILL mid-write: every write the guest synced survives, the file system is clean (COW, no s)', { timeout: 400_000 }, () => crashAndCheck(''));
test('SIGKILL mid-write: every write the guest synced survives, the file system is clean (COW, s)', { timeout: 400_000 }, () => crashAndCheck('s'));

test('all sixteen units at once: /dev/ubda … /dev/ubdp, each reading its own image', { timeout: 120_000 }, async () => {
  const args: string[] = [];
  for (let u = 0; u < 16; u++) {
    const letter = String.fromCharCode(0x61 + u);
    writeFileSync(p(`u${u}.img`), Buffer.concat([Buffer.from(`disk-${letter}\n`), Buffer.alloc(65536 - 7)]));
    args.push(`ubd${letter}=u${u}.img`);
  }
  const r = await run([...args, '--', 'sh', '-c', 'for d in /dev/ubd?; do head -c 7 $d; done | tr "\\n" " "']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const want = Array.from({ length: 16 }, (_, u) => `disk-${String.fromCharCode(0x61 + u)}`).join(' ');
  assert.equal(r.stdout.trim(), want);
});
