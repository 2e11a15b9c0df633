// In-guest CPU benchmark: cpubench.c built for riscv64 (static) runs inside tuml's guest and
// inside QEMU's guest (the default image plus a second cpio archive with /bench/cpubench,
// concatenated after it), and built for the host runs natively. Prints each kernel's median
// time per machine and the ratios; fails when a checksum differs anywhere.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../src/host/wasm.js';
import { checkQemu, commandOutput, defaultImage, median, runQemu, runTuml } from '../boot/linux.js';

const CC = process.env.RISCV_CC ?? 'riscv64-linux-gnu-gcc';
const HOST_CC = process.env.HOST_CC ?? 'gcc';
/** cpubench's scale argument: about 0.3 s per kernel under QEMU. */
const SCALE = '2';
const GUEST_RUNS = 3;
const NATIVE_RUNS = 5;
/** -ffp-contract=off keeps the double kernel bit-exact (no fused multiply-add on riscv64). */
const CFLAGS = ['-O2', '-ffp-contract=off'];

const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

function compile(cc: string, args: string[], what: string): void {
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cc} not found (${what})`);
  if (r.status !== 0) throw new Error(`building ${what} failed:\n${r.stderr}`);
}

/** Builds (when a source is newer) the riscv64 and native binaries and the benchmark's initrd. */
export function buildGuestCpuBench(): { native: string; initrd: string } {
  const root = packageRoot();
  const src = join(root, 'bench', 'guest', 'cpubench.c');
  const dir = join(root, 'build', 'bench', 'guest');
  const stage = join(dir, 'stage');
  const riscv = join(stage, 'bench', 'cpubench');
  const native = join(dir, 'cpubench-native');
  const initrd = join(dir, 'initramfs-cpubench.cpio.gz');
  const base = defaultImage().initrd;
  mkdirSync(join(stage, 'bench'), { recursive: true });
  if (mtime(riscv) < mtime(src)) {
    compile(CC, [...CFLAGS, '-static', src, '-o', riscv], 'cpubench for riscv64: install gcc-riscv64-linux-gnu');
  }
  if (mtime(native) < mtime(src)) compile(HOST_CC, [...CFLAGS, src, '-o', native], 'cpubench for the host');
  if (mtime(initrd) < Math.max(mtime(riscv), mtime(base))) {
    // The kernel unpacks concatenated (compressed) cpio archives one after the other.
    const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], {
      cwd: stage,
      input: 'bench\nbench/cpubench\n',
      maxBuffer: 64 << 20,
    });
    if (cpio.error) throw new Error('cpio not found: install cpio');
    if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr.toString()}`);
    writeFileSync(initrd, Buffer.concat([readFileSync(base), gzipSync(cpio.stdout)]));
  }
  return { native, initrd };
}

const LINE = /^(\w+) (\d+\.\d+) ([0-9a-f]{16})$/;
type Results = Map<string, { seconds: number; checksum: string }>;

function parse(text: string, who: string): Results {
  const res: Results = new Map();
  for (const l of text.split('\n')) {
    const m = LINE.exec(l);
    if (m) res.set(m[1], { seconds: Number(m[2]), checksum: m[3] });
  }
  if (res.size === 0) throw new Error(`${who}: no results in the output:\n${text}`);
  return res;
}

export interface GuestCpuBenchResult {
  kernels: Array<{ name: string; checksum: string; native: number; qemu: number; tuml: number }>;
}

export async function runGuestCpuBench(log: (s: string) => void = console.log): Promise<GuestCpuBenchResult> {
  checkQemu();
  const { native, initrd } = buildGuestCpuBench();
  const command = ['/bench/cpubench', SCALE];
  const all: Array<{ who: 'native' | 'qemu' | 'tuml'; res: Results }> = [];

  for (let i = 0; i < NATIVE_RUNS; i++) {
    const r = spawnSync(native, [SCALE], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`native cpubench failed (exit ${r.status}): ${r.error?.message ?? r.stderr}`);
    all.push({ who: 'native', res: parse(r.stdout, 'native') });
  }
  for (let i = 0; i < GUEST_RUNS; i++) {
    // One after the other, never together: they would compete for the host's cores.
    const t = await runTuml([`initrd=${initrd}`], command);
    all.push({ who: 'tuml', res: parse(commandOutput(t, 'integer ').text, 'tuml') });
    const q = await runQemu(initrd, command);
    all.push({ who: 'qemu', res: parse(commandOutput(q, 'integer ').text, 'QEMU') });
  }

  const names = [...all[0].res.keys()];
  const kernels: GuestCpuBenchResult['kernels'] = [];
  const mismatches: string[] = [];
  for (const name of names) {
    const want = all[0].res.get(name)!.checksum;
    const times = { native: [] as number[], qemu: [] as number[], tuml: [] as number[] };
    for (const { who, res } of all) {
      const r = res.get(name);
      if (!r) throw new Error(`${who}: no result for the ${name} kernel`);
      if (r.checksum !== want) mismatches.push(`${name}: native ${want}, ${who} ${r.checksum}`);
      times[who].push(r.seconds);
    }
    kernels.push({ name, checksum: want, native: median(times.native), qemu: median(times.qemu), tuml: median(times.tuml) });
  }
  if (mismatches.length) {
    throw new Error(`CHECKSUM MISMATCH — a machine computes something wrongly:\n  ${[...new Set(mismatches)].join('\n  ')}`);
  }

  const s = (x: number) => `${x.toFixed(3).padStart(7)} s`;
  const r = (a: number, b: number) => `${(a / b).toFixed(1).padStart(7)} x`;
  log(
    `guest-cpu (bench/guest/cpubench.c, scale ${SCALE}, gcc -O2; in the default image under tuml and QEMU virt; ` +
      `medians of ${GUEST_RUNS} guest / ${NATIVE_RUNS} native runs; checksums agree)`,
  );
  log(`  kernel       native       QEMU       tuml   tuml/QEMU  QEMU/native  tuml/native`);
  for (const k of kernels) {
    log(
      `  ${k.name.padEnd(8)} ${s(k.native)}  ${s(k.qemu)}  ${s(k.tuml)}   ${r(k.tuml, k.qemu)}    ${r(k.qemu, k.native)}    ${r(k.tuml, k.native)}`,
    );
  }
  return { kernels };
}
