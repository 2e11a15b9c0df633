// Running one command in a Linux guest, under tuml (`tuml [args] -- COMMAND`) and under QEMU
// (qemu-system-riscv64 -M virt, its bundled OpenSBI, the same kernel and initramfs, the same
// `tuml.exec=` command line), timing the host process. Both outputs are parsed the same way.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../src/host/wasm.js';
import { encodeExec } from '../../src/uml/cmdline/index.js';

export const QEMU = process.env.QEMU ?? 'qemu-system-riscv64';

/** The default image's kernel and initramfs. */
export function defaultImage(): { kernel: string; initrd: string } {
  const dir = join(packageRoot(), 'images', 'default');
  return { kernel: join(dir, 'Image'), initrd: join(dir, 'initramfs.cpio.gz') };
}

/** Throws a clear error when QEMU cannot be run. */
const CC = process.env.RISCV_CC ?? 'riscv64-linux-gnu-gcc';

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * The default initramfs plus bench/<name>/<name>bench.c, cross-compiled static as
 * /bench/<name>bench (gzip'd cpio members appended); rebuilt when a source is newer.
 */
export function benchInitrd(name: string): string {
  const prog = `${name}bench`;
  const src = join(packageRoot(), 'bench', name, `${prog}.c`);
  const dir = join(packageRoot(), 'build', 'bench', name);
  const stage = join(dir, 'stage');
  const bin = join(stage, 'bench', prog);
  const initrd = join(dir, `initramfs-${prog}.cpio.gz`);
  const base = defaultImage().initrd;
  mkdirSync(join(stage, 'bench'), { recursive: true });
  if (mtime(bin) < mtime(src)) {
    const r = spawnSync(CC, ['-O2', '-static', src, '-o', bin], { encoding: 'utf8' });
    if (r.error) throw new Error(`${CC} not found: install gcc-riscv64-linux-gnu`);
    if (r.status !== 0) throw new Error(`building ${prog} failed:\n${r.stderr}`);
  }
  if (mtime(initrd) < Math.max(mtime(bin), mtime(base))) {
    const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], { cwd: stage, input: `bench\nbench/${prog}\n`, maxBuffer: 64 << 20 });
    if (cpio.error || cpio.status !== 0) throw new Error(`cpio failed: ${cpio.error?.message ?? cpio.stderr.toString()}`);
    writeFileSync(initrd, Buffer.concat([readFileSync(base), gzipSync(cpio.stdout)]));
  }
  return initrd;
}

export function checkQemu(): void {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${QEMU} not found or not runnable: install qemu-system-misc (or set QEMU=)`);
  }
}

export interface GuestRun {
  who: string;
  /** Everything the process wrote to stdout. */
  out: Buffer;
  /** Seconds after the spawn at which each stdout chunk arrived, with the offset it ends at. */
  chunks: Array<{ t: number; end: number }>;
  /** Seconds from the spawn to the process's exit. */
  exitSeconds: number;
  code: number | null;
  stderr: string;
}

const TIMEOUT_MS = 300_000;

function runTimed(who: string, cmd: string, args: string[]): Promise<GuestRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const bufs: Buffer[] = [];
    const chunks: GuestRun['chunks'] = [];
    let len = 0;
    let stderr = '';
    let exitSeconds = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      const t = secs();
      bufs.push(d);
      len += d.length;
      chunks.push({ t, end: len });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('exit', () => (exitSeconds = secs()));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return reject(new Error(`${who} did not finish within ${TIMEOUT_MS / 1000} s`));
      resolve({ who, out: Buffer.concat(bufs), chunks, exitSeconds, code, stderr });
    });
  });
}

/** `node dist/tools/tuml.js [umlArgs] -- command...` */
export function runTuml(umlArgs: string[], command: string[]): Promise<GuestRun> {
  const tumlJs = join(packageRoot(), 'dist', 'tools', 'tuml.js');
  return runTimed('tuml', process.execPath, [tumlJs, ...umlArgs, '--', ...command]);
}

/**
 * QEMU's virt machine booting the same kernel with the same command line tuml builds in exec
 * mode (kernel messages on hvc0, the command on ttyS0). Under -nographic the UART is stdout
 * (with OpenSBI's banner); QEMU has no hvc0 here, so kernel messages go nowhere, as with
 * tuml's exec mode, where con0 is null. -no-reboot only
 * turns a guest crash into an exit instead of a loop.
 */
export function runQemu(
  initrd: string,
  command: string[],
  opts: { kernel?: string; mem?: string; args?: string[] } = {},
): Promise<GuestRun> {
  const kernel = opts.kernel ?? defaultImage().kernel;
  const append = `console=hvc0 tuml.exec=${encodeExec(command)} `;
  return runTimed('QEMU', QEMU, [
    '-M', 'virt', '-nographic', '-no-reboot', '-m', opts.mem ?? '64M',
    '-kernel', kernel, '-initrd', initrd, '-append', append, ...(opts.args ?? []),
  ]);
}

/** The guest init's mark: the command's output follows it (tuml's host drops it, and what precedes it). */
const READY = Buffer.from('\x1b]tuml;ready\x07', 'latin1');
/** A kernel message that reached the UART through the SBI console. */
const KERNEL_LINE = /^\[\s*\d+\.\d+\] /;

export interface CommandOutput {
  /** The command's output: after the ready mark, without CRs and kernel message lines. */
  text: string;
  /** Seconds from the spawn to the arrival of the first byte of `first` in the output. */
  firstSeconds: number;
}

/**
 * Parses a run's stdout (same rules for tuml and QEMU) and checks the exit status.
 * `first` is the text the command prints first; its arrival time is the "first output".
 */
export function commandOutput(run: GuestRun, first: string): CommandOutput {
  const fail = (why: string) =>
    new Error(`${run.who}: ${why} (exit ${run.code})\n${run.out.toString('latin1').slice(-2000)}${run.stderr}`);
  if (run.code !== 0) throw fail('non-zero exit status');
  const mark = run.out.indexOf(READY);
  const start = mark < 0 ? 0 : mark + READY.length;
  const at = run.out.indexOf(Buffer.from(first, 'latin1'), start);
  if (at < 0) throw fail(`the command's output ("${first}") is missing`);
  const chunk = run.chunks.find((c) => c.end > at)!;
  const text = run.out
    .subarray(start)
    .toString('latin1')
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => !KERNEL_LINE.test(l))
    .join('\n');
  return { text, firstSeconds: chunk.t };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
