// Integration: boots the default guest image through `tuml` and talks to its
// shell on con0 (stdin/stdout), on each guest console device.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const ready = ['build/cpu.wasm', 'images/default/Image', 'images/default/initramfs.cpio.gz'].every((p) => existsSync(join(root, p)));
// The images are committed and npm install builds the core: missing parts are a failure, not a skip.
const skip = false;
test('the core and the default image are there', () => assert.ok(ready, 'needs build/cpu.wasm and images/default (npm run build, npm run images)'));
const PROMPT = 'tuml:/# ';

/** Boots, answers each prompt with the next command, returns the output and exit status. */
function session(args: string[], commands: string[], timeoutMs = 60_000): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [tuml, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let prompts = 0;
    let next = 0;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`timed out; output so far:\n${out.slice(-2000)}`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const n = out.split(PROMPT).length - 1;
      if (n > prompts) {
        prompts = n;
        if (next < commands.length) p.stdin.write(`${commands[next++]}\n`);
      }
    });
    p.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

// console= picks the kernel console; the lines give it (and the shell) a channel.
for (const [console, lines] of [
  ['tty0', []],
  ['ttyS0', ['ssl0=fd:0,fd:1', 'con0=null']],
  ['tty15', ['con15=fd:0,fd:1', 'con0=null']],
  ['ttyS5', ['ssl5=fd:0,fd:1', 'con0=null']],
] as const) {
  test(`boots to a shell on console=${console}, runs a command, powers off with status 0`, { skip, timeout: 90_000 }, async () => {
    const { out, code } = await session([`console=${console}`, 'mem=48M', ...lines],
      ['echo $((6 * 7)) $(tty) $(cat /proc/cmdline)', 'exit']);
    const dev = console.startsWith('ttyS') ? console : `hvc${console.slice(3)}`;
    assert.match(out, new RegExp(`\\n42 /dev/${dev} console=${dev} `), 'mem= is consumed, console= translated and passed');
    assert.equal(code, 0, out.slice(-2000));
  });
}

test('kernel log on the UART (earlycon): SBI 2.0, PLIC, 16550A, RTC with host time', { skip, timeout: 90_000 }, async () => {
  const { out, code } = await session(['earlycon', 'console=ttyS0', 'ssl0=fd:0,fd:1', 'con0=null'], ['date +%Y', 'exit']);
  assert.match(out, /SBI specification v2\.0 detected/);
  assert.match(out, /SBI implementation ID=0x74756d6c/);
  assert.match(out, /plic: .*mapped 95 interrupts with 1 handlers for 2 contexts/);
  assert.match(out, /goldfish_rtc .* registered as rtc0/);
  assert.match(out, /ttyS0 at MMIO 0x10000000 .* is a 16550A/);
  const year = Number(/\n(\d{4})\r?\n/.exec(out)?.[1]);
  assert.ok(year >= 2024, 'the guest clock comes from the host');
  assert.equal(code, 0);
});

test('reboot restarts the guest in the same process; noreboot exits with 0', { skip, timeout: 90_000 }, async () => {
  const again = await session(['mem=32M'], ['echo first', 'reboot -f', 'echo second', 'poweroff -f']);
  assert.equal(again.out.split('Linux version').length - 1, 2);
  assert.match(again.out, /second/);
  assert.equal(again.code, 0);
  const once = await session(['mem=32M', 'noreboot'], ['reboot -f']);
  assert.equal(once.out.split('Linux version').length - 1, 1);
  assert.equal(once.code, 0);
});

test('a bad command line is one error line and status 1', { skip: !existsSync(tuml) && 'not built' }, async () => {
  const { out, code } = await session(['mem=12Q'], []);
  assert.equal(out, 'tuml: mem=12Q: invalid size\n');
  assert.equal(code, 1);
});
