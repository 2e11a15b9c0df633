// hostfs benchmark: bench/fs/fsbench.c runs in the default guest on `mount -t hostfs`
// of a fresh host directory, under tuml (hostfs=DIR) and under QEMU TCG (-M virt, the
// same kernel, initramfs and command, QEMU's virtio-9p `local` fsdev on a directory of
// the same kind, passthrough security model), alternately in the same run. Prints
// medians of: untar of a source tree (a tarball of /usr/include/linux), nftw+lstat of
// the tree, sequential 256 MiB write (with fsync) and read in 1 MiB requests, and 500
// 1 KiB files created then deleted; and the tuml/QEMU ratios (higher is better for tuml).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeExec } from '../../src/uml/cmdline/index.js';
import { type GuestRun, QEMU, benchInitrd, checkQemu, commandOutput, defaultImage, median, runTuml } from '../boot/linux.js';

const RUNS = Number(process.env.FS_BENCH_RUNS ?? 1);
const MIB = process.env.FS_BENCH_MIB ?? '256';
const SOURCE_TREE = process.env.FS_BENCH_TREE ?? '/usr/include/linux';
const TESTS = [
  { name: 'untar', unit: 's', lowerIsBetter: true },
  { name: 'find-stat', unit: 'entries/s', lowerIsBetter: false },
  { name: 'seq-write', unit: 'MiB/s', lowerIsBetter: false },
  { name: 'seq-read', unit: 'MiB/s', lowerIsBetter: false },
  { name: 'small-files', unit: 'files/s', lowerIsBetter: false },
] as const;
type Test = (typeof TESTS)[number]['name'];

function runQemu(initrd: string, share: string, command: string[]): Promise<GuestRun> {
  const { kernel } = defaultImage();
  const args = [
    '-M', 'virt', '-nographic', '-no-reboot', '-m', '64M',
    '-kernel', kernel, '-initrd', initrd, '-append', `console=hvc0 tuml.exec=${encodeExec(command)} `,
    '-fsdev', `local,id=fs0,path=${share},security_model=passthrough`,
    '-device', 'virtio-9p-device,fsdev=fs0,mount_tag=hostfs',
  ];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const bufs: Buffer[] = [];
    const chunks: GuestRun['chunks'] = [];
    let len = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.stdout.on('data', (d: Buffer) => {
      bufs.push(d);
      len += d.length;
      chunks.push({ t: Number(process.hrtime.bigint() - t0) / 1e9, end: len });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ who: 'QEMU', out: Buffer.concat(bufs), chunks, exitSeconds: Number(process.hrtime.bigint() - t0) / 1e9, code, stderr });
    });
  });
}

function parse(run: GuestRun): Record<Test, number> {
  const text = commandOutput(run, 'untar').text;
  const out = {} as Record<Test, number>;
  for (const t of TESTS) {
    const m = new RegExp(`^${t.name} (\\d+(?:\\.\\d+)?) `, 'm').exec(text);
    if (!m) throw new Error(`${run.who}: no ${t.name} result:\n${text}`);
    out[t.name] = Number(m[1]);
  }
  return out;
}

export async function runFsBench(log: (s: string) => void = console.log): Promise<Record<string, Record<Test, number>>> {
  checkQemu();
  const initrd = benchInitrd('fs');
  const dir = mkdtempSync(join(tmpdir(), 'tuml-fsbench-'));
  const tarball = join(dir, 'src.tar');
  const tar = spawnSync('tar', ['-cf', tarball, '-C', join(SOURCE_TREE, '..'), SOURCE_TREE.split('/').pop()!]);
  if (tar.status !== 0) throw new Error(`tar of ${SOURCE_TREE} failed: ${tar.stderr}`);
  const command = ['sh', '-c', `mkdir -p /mnt/h && mount -t hostfs none /mnt/h && /bench/fsbench /mnt/h /mnt/h/src.tar ${MIB}`];
  const samples: Record<string, Array<Record<Test, number>>> = { tuml: [], QEMU: [] };
  const fresh = (name: string): string => {
    const share = join(dir, name);
    rmSync(share, { recursive: true, force: true });
    mkdirSync(share);
    spawnSync('cp', [tarball, join(share, 'src.tar')]);
    return share;
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      const a = fresh('tuml');
      samples.tuml.push(parse(await runTuml([`initrd=${initrd}`, `hostfs=${a}`], command)));
      rmSync(a, { recursive: true, force: true });
      const b = fresh('qemu');
      samples.QEMU.push(parse(await runQemu(initrd, b, command)));
      rmSync(b, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const res: Record<string, Record<Test, number>> = {};
  for (const [who, runs] of Object.entries(samples)) {
    res[who] = {} as Record<Test, number>;
    for (const t of TESTS) res[who][t.name] = median(runs.map((r) => r[t.name]));
  }
  const f = (x: number) => x.toFixed(x < 100 ? 2 : 0).padStart(10);
  log(
    `fs (bench/fs/fsbench.c in the default guest on mount -t hostfs; tree: ${SOURCE_TREE}; ${MIB} MiB sequential in 1 MiB ` +
      `requests; 500 1 KiB files; medians of ${RUNS} run(s); tuml/QEMU > 1 means tuml is faster)`,
  );
  log(`  test         unit              tuml        QEMU  tuml/QEMU`);
  for (const t of TESTS) {
    const a = res.tuml[t.name], b = res.QEMU[t.name];
    const ratio = t.lowerIsBetter ? b / a : a / b;
    log(`  ${t.name.padEnd(11)}  ${t.unit.padEnd(10)} ${f(a)}  ${f(b)}  ${ratio.toFixed(2).padStart(7)} x`);
  }
  return res;
}
