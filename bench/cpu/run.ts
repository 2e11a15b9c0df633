// CPU benchmark: the bare-metal program in this folder, run by `tuml elf` and by QEMU
// (qemu-system-riscv64 -M spike) one after the other. Prints both wall times, tuml's MIPS
// and the tuml/QEMU time ratio; fails when the program's checksum differs between them.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { coreModule, packageRoot } from '../../src/host/wasm.js';
import { runBareMetal } from '../../src/baremetal/index.js';
import { jitTotals } from '../../src/cpu/jit.js';

const CC = process.env.RISCV_CC ?? 'riscv64-linux-gnu-gcc';
const QEMU = process.env.QEMU ?? 'qemu-system-riscv64';

export interface CpuBenchResult {
  /** With the translator. */
  tumlSeconds: number;
  tumlInterpSeconds: number;
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

export async function runCpuBench(log: (s: string) => void = console.log): Promise<CpuBenchResult> {
  const elf = buildCpuBench();
  const tumlJs = join(packageRoot(), 'dist', 'tools', 'tuml.js');
  // Both engines, interleaved with QEMU; each 3 times, medians (the machine is shared).
  const runs = { interp: [] as number[], jit: [] as number[], qemu: [] as number[] };
  let sum = '';
  let instructions = 0;
  for (let rep = 0; rep < 3; rep++) {
    for (const jit of ['0', '1'] as const) {
      process.env.TUML_JIT = jit;
      const t = timed(process.execPath, [tumlJs, 'elf', elf]);
      const tm = LINE.exec(t.out);
      if (t.code !== 0 || !tm) throw new Error(`tuml elf (TUML_JIT=${jit}) failed (exit ${t.code}):\n${t.out}`);
      if (sum && tm[1] !== sum) throw new Error(`CHECKSUM MISMATCH between tuml's engines: ${sum} vs ${tm[1]}`);
      sum = tm[1];
      instructions = Number(tm[2]);
      (jit === '1' ? runs.jit : runs.interp).push(t.seconds);
    }
    const q = timed(QEMU, ['-M', 'spike', '-bios', 'none', '-kernel', elf, '-nographic', '-semihosting-config', 'enable=on,target=native']);
    const qm = LINE.exec(q.out);
    if (q.code !== 0 || !qm) throw new Error(`QEMU failed (exit ${q.code}):\n${q.out}`);
    if (sum !== qm[1]) {
      throw new Error(`CHECKSUM MISMATCH: tuml computed ${sum}, QEMU computed ${qm[1]} — tuml executes something wrongly`);
    }
    runs.qemu.push(q.seconds);
  }
  delete process.env.TUML_JIT;
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const res = { tumlSeconds: med(runs.jit), tumlInterpSeconds: med(runs.interp), qemuSeconds: med(runs.qemu), instructions, checksum: sum };
  const mips = (sec: number) => (instructions / sec / 1e6).toFixed(0).padStart(5);
  log(`cpu (bare metal: integer, interpreter, sort, memcpy/checksum, double FP; checksum ${res.checksum}; medians of 3)`);
  log(`  tuml interp ${res.tumlInterpSeconds.toFixed(2).padStart(7)} s   ${mips(res.tumlInterpSeconds)} MIPS   (${(instructions / 1e9).toFixed(2)} G instructions)`);
  log(`  tuml jit    ${res.tumlSeconds.toFixed(2).padStart(7)} s   ${mips(res.tumlSeconds)} MIPS`);
  log(`  QEMU spike  ${res.qemuSeconds.toFixed(2).padStart(7)} s`);
  log(`  tuml/QEMU   ${(res.tumlInterpSeconds / res.qemuSeconds).toFixed(2).padStart(7)} x interp   ${(res.tumlSeconds / res.qemuSeconds).toFixed(2).padStart(5)} x jit`);

  // The translator's counters, from one more run in this process.
  process.env.TUML_JIT = '1';
  try {
    const before = { ...jitTotals };
    const t0 = performance.now();
    await runBareMetal(await coreModule(), new Uint8Array(readFileSync(elf)), { yieldMs: 0 });
    const sec = (performance.now() - t0) / 1000;
    const d = (k: keyof typeof jitTotals) => jitTotals[k] - before[k];
    log(
      `  jit stats (in-process run ${sec.toFixed(2)} s): ${d('translated')} regions, ${d('instructions')} guest instructions translated ` +
        `in ${d('compileMs').toFixed(0)} ms, ${(d('codeBytes') / 1024).toFixed(0)} KiB wasm, ${jitTotals.slots} table slots; ` +
        `${((100 * d('insnsRun')) / instructions).toFixed(1)}% of instructions ran translated; ` +
        `dispatch hit rate ${((100 * d('blocksRun')) / (d('blocksRun') + d('misses'))).toFixed(1)}%`,
    );
  } finally {
    delete process.env.TUML_JIT;
  }
  return res;
}
