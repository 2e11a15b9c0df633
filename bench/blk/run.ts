// Block benchmark: bench/blk/blkbench.c (riscv64, static, O_DIRECT) runs in the default guest
// on a virtio-blk disk backed by a host file: under tuml on a raw ubd and on a COW ubd (a fresh
// COW file over the same raw file), and under QEMU TCG (-M virt, same kernel, initramfs and
// command line) on the same raw file and on a fresh qcow2 overlay of it, in the same run,
// alternately. Prints medians of sequential 1 MiB and random 4 KiB write/read throughput and
// the tuml/QEMU ratios. blkbench checks every read against what it wrote.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, ftruncateSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeExec } from '../../src/uml/cmdline/index.js';
import { type GuestRun, QEMU, benchInitrd, checkQemu, commandOutput, defaultImage, median, runTuml } from '../boot/linux.js';

const RUNS = 3;
const DISK_MIB = 64;
const SEQ_MIB = '32';
const RAND_OPS = '2000';
const TESTS = ['seq-write', 'seq-read', 'rand-write', 'rand-read'] as const;
type Test = (typeof TESTS)[number];

function runQemu(initrd: string, drive: string, format: string, command: string[]): Promise<GuestRun> {
  const { kernel } = defaultImage();
  const args = [
    '-M', 'virt', '-nographic', '-no-reboot', '-m', '64M',
    '-kernel', kernel, '-initrd', initrd, '-append', `console=hvc0 tuml.exec=${encodeExec(command)} `,
    '-drive', `file=${drive},format=${format},if=none,id=hd0,cache=writeback`, '-device', 'virtio-blk-device,drive=hd0',
  ];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const bufs: Buffer[] = [];
    const chunks: GuestRun['chunks'] = [];
    let len = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.stdout.on('data', (d: Buffer) => {
      bufs.push(d);
      len += d.length;
      chunks.push({ t: Number(process.hrtime.bigint() - t0) / 1e9, end: len });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ who: `QEMU (${format})`, out: Buffer.concat(bufs), chunks, exitSeconds: Number(process.hrtime.bigint() - t0) / 1e9, code, stderr });
    });
  });
}

function parse(run: GuestRun): Record<Test, number> {
  const text = commandOutput(run, 'seq-write').text;
  const out = {} as Record<Test, number>;
  for (const t of TESTS) {
    const m = new RegExp(`^${t} (\\d+(?:\\.\\d+)?) `, 'm').exec(text);
    if (!m) throw new Error(`${run.who}: no ${t} result:\n${text}`);
    out[t] = Number(m[1]);
  }
  return out;
}

function blankDisk(path: string): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, DISK_MIB << 20);
  closeSync(fd);
}

export interface BlkBenchResult {
  [who: string]: Record<Test, number>;
}

export async function runBlkBench(log: (s: string) => void = console.log): Promise<BlkBenchResult> {
  checkQemu();
  const initrd = benchInitrd('blk');
  const dir = mkdtempSync(join(tmpdir(), 'tuml-blkbench-'));
  const command = ['/bench/blkbench', '/dev/vda', SEQ_MIB, RAND_OPS];
  const samples: Record<string, Array<Record<Test, number>>> = { 'tuml raw': [], 'tuml COW': [], 'QEMU raw': [], 'QEMU qcow2 overlay': [] };
  try {
    const raw = join(dir, 'disk.img');
    for (let i = 0; i < RUNS; i++) {
      // One after the other, never together; a fresh file (and a fresh overlay) for every run.
      blankDisk(raw);
      samples['tuml raw'].push(parse(await runTuml([`initrd=${initrd}`, `ubd0=${raw}`], command)));
      blankDisk(raw);
      samples['QEMU raw'].push(parse(await runQemu(initrd, raw, 'raw', command)));
      blankDisk(raw);
      rmSync(join(dir, 'disk.cow'), { force: true });
      samples['tuml COW'].push(parse(await runTuml([`initrd=${initrd}`, `ubd0=${join(dir, 'disk.cow')},${raw}`], command)));
      const overlay = join(dir, 'disk.qcow2');
      rmSync(overlay, { force: true });
      const mk = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', raw, '-F', 'raw', overlay], { encoding: 'utf8' });
      if (mk.error || mk.status !== 0) throw new Error(`qemu-img create failed: ${mk.error?.message ?? mk.stderr}`);
      samples['QEMU qcow2 overlay'].push(parse(await runQemu(initrd, overlay, 'qcow2', command)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const res: BlkBenchResult = {};
  for (const [who, runs] of Object.entries(samples)) {
    res[who] = {} as Record<Test, number>;
    for (const t of TESTS) res[who][t] = median(runs.map((r) => r[t]));
  }
  const unit = (t: Test) => (t.startsWith('seq') ? 'MiB/s' : 'IOPS');
  const f = (x: number) => x.toFixed(x < 100 ? 2 : 0).padStart(9);
  log(
    `blk (bench/blk/blkbench.c in the default guest, O_DIRECT on /dev/vda, a ${DISK_MIB} MiB host file; ` +
      `sequential ${SEQ_MIB} MiB in 1 MiB requests, ${RAND_OPS} random 4 KiB requests; medians of ${RUNS} runs; higher is better)`,
  );
  log(`  test         unit    tuml raw   QEMU raw  tuml/QEMU   tuml COW  QEMU qcow2  tuml COW/QEMU qcow2`);
  for (const t of TESTS) {
    const a = res['tuml raw'][t], b = res['QEMU raw'][t], c = res['tuml COW'][t], d = res['QEMU qcow2 overlay'][t];
    log(`  ${t.padEnd(11)}  ${unit(t).padEnd(5)} ${f(a)}  ${f(b)}  ${(a / b).toFixed(2).padStart(7)} x  ${f(c)}  ${f(d)}  ${(c / d).toFixed(2).padStart(7)} x`);
  }
  return res;
}
