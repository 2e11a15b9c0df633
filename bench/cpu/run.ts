// CPU benchmark: the bare-metal program in this folder, run by `tuml elf` and by QEMU
// (qemu-system-riscv64 -M spike) one after the other. Prints both wall times, tuml's MIPS
// and the tuml/QEMU time ratio; fails when the program's checksum differs between them.

import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/host/wasm.js';

const CC = process.env.RISCV_CC ?? 'riscv64-linux-gnu-gcc';
const QEMU = process.env.QEMU ?? 'qemu-system-riscv64';

export interface CpuBenchResult {
  tumlSeconds: number;
  qemuSeconds: number;
  instructions: number;
  checksum: string;
}

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

/** Builds build/bench/cpu.elf when a source is newer; returns its path. */
export function buildCpuBench(): string {
  const root = packageRoot();
  const dir = join(root, 'bench', 'cpu');
  const srcs = [join(dir, 'start.S'), join(dir, 'bench.c')];
  const ld = join(root, 'test', 'isa', 'include', 'link.ld');
  const elf = join(root, 'build', 'bench', 'cpu.elf');
  if (mtime(elf) >= Math.max(...[...srcs, ld].map(mtime))) return elf;
  mkdirSync(dirname(elf), { recursive: true });
  const r = spawnSync(
    CC,
    [
      '-O2', '-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-ffreestanding', '-fno-math-errno', '-ffp-contract=off',
      '-fno-pic', '-no-pie', '-nostdlib', '-nostartfiles', '-static', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments',
      '-T', ld, ...srcs, '-o', elf,
    ],
    { encoding: 'utf8' },
  );
  if (r.error) throw new Error(`${CC} not found: install gcc-riscv64-linux-gnu`);
  if (r.status !== 0) throw new Error(`building the CPU benchmark failed:\n${r.stderr}`);
  return elf;
}

function timed(cmd: string, args: string[]): { seconds: number; out: string; code: number | null; err: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return { seconds, out: (r.stdout ?? '') + (r.stderr ?? ''), code: r.status, err: r.stderr ?? '' };
}

const LINE = /tuml-cpubench checksum=([0-9a-f]{16}) instret=(\d+)/;

export function runCpuBench(log: (s: string) => void = console.log): CpuBenchResult {
  const elf = buildCpuBench();
  const tumlJs = join(packageRoot(), 'dist', 'tools', 'tuml.js');

  const t = timed(process.execPath, [tumlJs, 'elf', elf]);
  const tm = LINE.exec(t.out);
  if (t.code !== 0 || !tm) throw new Error(`tuml elf failed (exit ${t.code}):\n${t.out}`);

  const q = timed(QEMU, ['-M', 'spike', '-bios', 'none', '-kernel', elf, '-nographic', '-semihosting-config', 'enable=on,target=native']);
  const qm = LINE.exec(q.out);
  if (q.code !== 0 || !qm) throw new Error(`QEMU failed (exit ${q.code}):\n${q.out}`);

  if (tm[1] !== qm[1]) {
    throw new Error(`CHECKSUM MISMATCH: tuml computed ${tm[1]}, QEMU computed ${qm[1]} — tuml executes something wrongly`);
  }
  const instructions = Number(tm[2]);
  const res = { tumlSeconds: t.seconds, qemuSeconds: q.seconds, instructions, checksum: tm[1] };
  log(`cpu (bare metal: integer, interpreter, sort, memcpy/checksum, double FP; checksum ${res.checksum})`);
  log(`  tuml elf   ${res.tumlSeconds.toFixed(2).padStart(7)} s   ${(instructions / res.tumlSeconds / 1e6).toFixed(0).padStart(5)} MIPS   (${(instructions / 1e9).toFixed(2)} G instructions)`);
  log(`  QEMU spike ${res.qemuSeconds.toFixed(2).padStart(7)} s`);
  log(`  tuml/QEMU  ${(res.tumlSeconds / res.qemuSeconds).toFixed(2).padStart(7)} x`);
  return res;
}
