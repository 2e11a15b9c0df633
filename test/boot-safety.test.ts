// Integration: the ways a boot must end, or refuse to start, when the user or the guest
// says so: bad kernel and initrd files, guest kernel panics (panic=, noreboot), signals and
// mconsole halt while a console waits for its telnet client, root=/dev/ubd0, input that
// arrives before the guest reads its console, options tuml does not implement.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const image = join(root, 'images', 'default');
const work = mkdtempSync(join(tmpdir(), 'tuml-safety-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  out: string;
  err: string;
  code: number | null;
}

/** Runs tuml to its end with `input` on stdin (then EOF); kills it after `timeoutMs` (code null). */
function run(args: string[], input = '', timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    p.stdin.on('error', () => {});
    p.stdin.end(input);
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ out, err, code: sig ? null : code });
    });
  });
}

function rootDisk(): string {
  const f = join(work, `root-${Math.random().toString(36).slice(2)}.ext4`);
  copyFileSync(join(image, 'rootfs.ext4'), f);
  return f;
}

test('--kernel= and initrd= take only regular files that fit, and only a RISC-V Image as the kernel', { timeout: 60_000 }, async () => {
  const text = join(work, 'passwd');
  writeFileSync(text, 'root:x:0:0:root:/root:/bin/sh\n'.repeat(10));
  const cases: Array<[string[], RegExp]> = [
    [['--kernel=/dev/zero'], /^tuml: \/dev\/zero: not a regular file$/],
    [[`--kernel=${text}`], new RegExp(`^tuml: ${text}: not a RISC-V Linux kernel Image$`)],
    [[`--kernel=${work}`], /is a directory$/],
    [['--kernel=/nonexistent/Image'], /^tuml: \/nonexistent\/Image: no such file$/],
    [[`initrd=${work}`], /^tuml: initrd: .*: is a directory$/],
    [['initrd=/nonexistent.cpio'], /^tuml: initrd: \/nonexistent\.cpio: no such file$/],
    [['initrd=/dev/zero'], /^tuml: initrd: \/dev\/zero: not a regular file$/],
    // 40 MiB of initrd cannot fit in 32 MiB of RAM: refused before it is read.
    [['mem=32M', `initrd=${sparse(40 << 20)}`], /too large \(41943040 bytes; at most 33554432 fit in guest RAM\)$/],
  ];
  for (const [args, want] of cases) {
    const r = await run(['umid=safety-k', ...args], '', 20_000);
    const lines = r.err.trim().split('\n');
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.equal(lines.length, 1, `${args.join(' ')}: one line: ${r.err}`);
    assert.match(lines[0], want, args.join(' '));
    assert.equal(r.out, '');
  }
});

function sparse(size: number): string {
  const f = join(work, `sparse-${size}`);
  spawnSync('truncate', ['-s', String(size), f]);
  return f;
}

test('a guest kernel panic ends the process with status 134 and the message on stderr; panic=N restarts', { timeout: 180_000 }, async () => {
  // No init on the root disk: the kernel panics. -- mode too: the message still reaches stderr.
  const disk = rootDisk();
  const r = await run([`ubd0=${disk}`, 'root=/dev/ubda', 'init=/nonexistent', 'mem=48M', '--', 'true'], '', 60_000);
  assert.equal(r.code, 134, r.err);
  assert.match(r.err, /tuml: Kernel panic - not syncing: Requested init \/nonexistent failed/);
  assert.equal(r.err.split('Kernel panic').length - 1, 1, 'once');

  // A panic from a running guest (sysrq c) in the interactive mode.
  const c = await run(['mem=48M'], 'echo c > /proc/sysrq-trigger\n', 60_000);
  assert.equal(c.code, 134, c.err);
  assert.match(c.err, /Kernel panic - not syncing: sysrq triggered crash/);

  // panic=1: the kernel restarts itself a second later; noreboot makes that the end, still a failure.
  const n = await run([`ubd0=${disk}`, 'root=/dev/ubda', 'init=/nonexistent', 'panic=1', 'noreboot', 'mem=48M'], '', 60_000);
  assert.equal(n.code, 134, n.err);
  assert.match(n.out, /Rebooting in 1 seconds/);

  // panic=-1 without noreboot: an immediate restart (which panics again): a second boot shows it went on.
  const p = spawn(process.execPath, [tuml, `ubd0=${disk}`, 'root=/dev/ubda', 'init=/nonexistent', 'panic=-1', 'mem=48M'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const boots = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(out.split('Linux version').length - 1), 60_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.split('Linux version').length - 1 >= 2) {
        clearTimeout(timer);
        resolve(2);
      }
    });
    p.on('exit', () => {
      clearTimeout(timer);
      resolve(out.split('Linux version').length - 1);
    });
  });
  p.kill('SIGKILL');
  assert.ok(boots >= 2, `restarted after the panic: ${err}`);
});

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('SIGTERM, SIGINT and mconsole halt end an instance whose console waits for its telnet client', { timeout: 120_000 }, async () => {
  const home = mkdtempSync(join(work, 'home-'));
  const umlDir = join(home, '.uml');
  for (const how of ['SIGTERM', 'SIGINT', 'halt'] as const) {
    const port = await freePort();
    const p = spawn(process.execPath, [tuml, `con0=port:${port}`, `umid=wait-${how}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !/waiting for a telnet client/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(err, /waiting for a telnet client/);
    if (how === 'halt') {
      const m = spawnSync('uml_mconsole', [join(umlDir, `wait-${how}`, 'mconsole'), 'halt'], { encoding: 'utf8', timeout: 10_000 });
      assert.match(m.stdout, /^OK/, m.stderr);
    } else p.kill(how);
    const killer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(killer);
    assert.equal(code, how === 'halt' ? 0 : 1, `${how}: ${err}`);
    assert.ok(!existsSync(join(umlDir, `wait-${how}`)), `${how}: the instance directory is removed`);
  }
  assert.deepEqual(readdirSync(umlDir), []);
});

test('root=/dev/ubd0 (and /dev/ubd1) name units 0 and 1, as in the HowTo', { timeout: 90_000 }, async () => {
  const disk = rootDisk();
  const empty = join(work, 'empty.img');
  writeFileSync(empty, Buffer.alloc(1 << 20));
  const r = await run([`ubd0=${empty}`, `ubd1=${disk}`, 'root=/dev/ubd1', 'mem=48M'], 'grep " / " /proc/mounts; poweroff -f\n');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\/dev\/root \/ ext4 /);
  assert.match(r.out, /root=\/dev\/vdb /, 'the kernel was told the second disk');
});

test('console input sent before the guest reads it is kept (a pipe written at once)', { timeout: 90_000 }, async () => {
  const r = await run(['mem=48M'], 'echo "typed $((40 + 2)) early"; poweroff -f\n');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /typed 42 early/);
});

test('options tuml does not implement are named on stderr, not passed on silently; --showconfig prints the configuration', { timeout: 90_000 }, async () => {
  const args = ['time-travel', 'dtb=x.dtb', 'iomem=a,b', 'con1=/dev/tty8', 'virtio_uml.device=512@0x1000:1:1'];
  const r = await run([...args, 'mem=48M', '--', 'cat', '/proc/cmdline']);
  assert.equal(r.code, 0, r.err);
  for (const a of args) assert.match(r.err, new RegExp(`^tuml: ${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*`, 'm'), a);
  assert.match(r.err, /con1=\/dev\/tty8: .*con1=tty:\/dev\/tty8/, 'suggests the channel syntax');
  for (const a of args) assert.ok(!r.out.includes(a.split('=')[0] + '='), `${a} is not on the guest command line: ${r.out}`);

  const s = spawnSync(process.execPath, [tuml, '--showconfig'], { encoding: 'utf8' });
  assert.equal(s.status, 0);
  assert.match(s.stdout, /^CONFIG_VIRTIO_BLK=y$/m);
  assert.match(s.stdout, /^CONFIG_64BIT=y$/m);
});

test('tuml -- COMMAND with piped stdin: bytes are data, end of input is end of file, stderr stays apart', { timeout: 180_000 }, async () => {
  const wc = await run(['mem=48M', '--', 'wc', '-c'], 'abc');
  assert.equal(wc.code, 0, wc.err);
  assert.equal(wc.out.trim(), '3', 'no newline needed, no extra byte at the end');

  const od = await run(['mem=48M', '--', 'od', '-An', '-tx1'], 'a\x03b\x04c\r\n');
  assert.equal(od.code, 0, od.err);
  assert.equal(od.out.trim(), '61 03 62 04 63 0d 0a', 'control bytes pass unchanged');

  const eof = await run(['mem=48M', '--', 'sh', '-c', 'cat; echo END'], 'x');
  assert.equal(eof.out, 'xEND\n');

  const split = await run(['mem=48M', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(split.code, 3);
  assert.equal(split.out, 'out\n');
  assert.match(split.err, /^err$/m);

  // 4 MiB of every byte value through the guest and back, unchanged.
  const big = Buffer.alloc(4 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >> 11)) & 0xff;
  const echo = await new Promise<{ out: Buffer; code: number | null }>((resolve) => {
    const p = spawn(process.execPath, [tuml, 'mem=48M', '--', 'cat'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.stdin.end(big);
    const timer = setTimeout(() => p.kill('SIGKILL'), 150_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out: Buffer.concat(chunks), code });
    });
  });
  assert.equal(echo.code, 0);
  assert.equal(echo.out.length, big.length);
  assert.ok(echo.out.equals(big), 'the same bytes come back');
});

test('mconsole halt on a running guest: OK, then the process ends with status 0 and its directory goes', { timeout: 90_000 }, async () => {
  const home = mkdtempSync(join(work, 'home-'));
  const p = spawn(process.execPath, [tuml, 'con0=null', 'mem=48M', 'umid=halt-me'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: home } });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const sock = join(home, '.uml', 'halt-me', 'mconsole');
  let up = false;
  for (let i = 0; i < 600 && !up; i++) {
    up = spawnSync('uml_mconsole', [sock, 'proc', 'uptime'], { encoding: 'utf8', timeout: 5000 }).stdout?.startsWith('OK') ?? false;
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, `the guest answers: ${err}`);
  const m = spawnSync('uml_mconsole', [sock, 'halt'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(m.stdout, 'OK \n');
  assert.equal(await exited, 0, err);
  assert.ok(!existsSync(join(home, '.uml', 'halt-me')));
});
