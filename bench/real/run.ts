// Real-program rows: a Debian trixie riscv64 root (images/real-root.sh, debootstrap) on a
// virtio-blk disk, booted by the default kernel and initramfs under tuml (through a fresh COW
// file) and under QEMU TCG (-M virt, snapshot=on), in the same run, alternately. The guest
// chroots into the disk and times each program there (coreutils `date +%s%N` around it, 3
// times, median); the same programs run natively on this host for reference. Every result
// (hashes, the loops' sums) must agree between tuml, QEMU and the host.
//
// Also the stock Debian kernel's boot with its modules (images/stock-debian.sh), process start
// to exit, when that image has been built.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../src/host/wasm.js';
import { type GuestRun, checkQemu, commandOutput, defaultImage, median, runQemu, runTuml } from '../boot/linux.js';

const RUNS = 3;

/** name, shell command (run in the chroot with /root as the working directory). */
const ROWS: Array<[string, string]> = [
  ['sha256sum 16 MiB', 'sha256sum data.bin'],
  ['gzip -9 16 MiB', 'gzip -9 -c data.bin | sha256sum'],
  ['perl loop', `perl -e '$s = 0; for $i (1 .. 2000000) { $s += ($i * $i) % 7 } print "$s\\n"'`],
  ['python3 loop', `python3 -c 'print(sum(i * i % 7 for i in range(1000000)))'`],
  ['dpkg -i hello', 'dpkg -i hello_*.deb >/dev/null && hello'],
];

/**
 * The guest side: mount the disk, chroot, run every row RUNS times. A row prints
 * `ROW <index> <microseconds> <last line of its output>`.
 */
function guestScript(): string {
  const rows = ROWS.map(([, cmd], i) => {
    const q = cmd.replace(/'/g, `'\\''`);
    return `for r in ${Array.from({ length: RUNS }, (_, k) => k + 1).join(' ')}; do s=$(date +%s%N); o=$(sh -c '${q}' 2>&1 | tail -n 1); e=$(date +%s%N); echo "ROW ${i} $(( (e - s) / 1000 )) $o"; done`;
  });
  const inner = ['cd /root', ...rows].join('\n');
  return [
    'mount -o ro /dev/vda /mnt 2>/dev/null || mount /dev/vda /mnt || exit 1',
    'mount -o remount,rw /mnt',
    'mount -t proc proc /mnt/proc',
    'mount -t devtmpfs dev /mnt/dev',
    'mount -t sysfs sys /mnt/sys',
    'mount -t tmpfs tmp /mnt/tmp',
    'echo real-start',
    `chroot /mnt /bin/sh -c '${inner.replace(/'/g, `'\\''`)}'`,
    'umount /mnt/tmp /mnt/sys /mnt/dev /mnt/proc; umount /mnt',
  ].join('\n');
}

/**
 * The default initramfs plus /bench/real.sh (a gzip'd cpio member appended: the kernel
 * unpacks them one after the other); the script is too long for the kernel command line.
 */
function scriptInitrd(dir: string): string {
  const stage = join(dir, 'stage');
  mkdirSync(join(stage, 'bench'), { recursive: true });
  writeFileSync(join(stage, 'bench', 'real.sh'), guestScript() + '\n', { mode: 0o755 });
  const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], { cwd: stage, input: 'bench\nbench/real.sh\n', maxBuffer: 1 << 20 });
  if (cpio.error || cpio.status !== 0) throw new Error(`cpio failed: ${cpio.error?.message ?? cpio.stderr.toString()}`);
  const out = join(dir, 'initramfs-real.cpio.gz');
  writeFileSync(out, Buffer.concat([readFileSync(defaultImage().initrd), gzipSync(cpio.stdout)]));
  return out;
}

function parse(run: GuestRun): Array<{ us: number[]; out: string }> {
  const text = commandOutput(run, 'real-start').text;
  const rows = ROWS.map(() => ({ us: [] as number[], out: '' }));
  for (const m of text.matchAll(/^ROW (\d+) (\d+) (.*)$/gm)) {
    const r = rows[Number(m[1])];
    r.us.push(Number(m[2]));
    if (r.out && r.out !== m[3]) throw new Error(`${run.who}: ${ROWS[Number(m[1])][0]} gave "${r.out}", then "${m[3]}"`);
    r.out = m[3];
  }
  rows.forEach((r, i) => {
    if (r.us.length !== RUNS) throw new Error(`${run.who}: ${ROWS[i][0]}: ${r.us.length} of ${RUNS} results:\n${text.slice(-3000)}`);
  });
  return rows;
}

/** The host's own figures for the rows it can run without touching the system (not dpkg -i). */
function native(dir: string, data: string): Array<{ s: number; out: string } | undefined> {
  symlinkSync(data, join(dir, 'data.bin'));
  return ROWS.map(([name, cmd]) => {
    if (name.startsWith('dpkg')) return undefined;
    const t: number[] = [];
    let out = '';
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
      t.push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (r.status !== 0) return undefined; // e.g. no python3 on this host
      out = r.stdout.trim().split('\n').pop() ?? '';
    }
    return { s: median(t), out };
  });
}

async function stockBoot(log: (s: string) => void): Promise<void> {
  const work = join(packageRoot(), 'images', 'work', 'stock');
  const kernel = join(work, 'Image');
  const initrd = join(work, 'initramfs.cpio.gz');
  if (!existsSync(kernel) || !existsSync(initrd)) {
    log('  stock Debian kernel boot: not measured (build it with: sudo bash images/stock-debian.sh)');
    return;
  }
  const t: number[] = [];
  const q: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await runTuml([`--kernel=${kernel}`, `initrd=${initrd}`, 'mem=256M'], ['echo', 'booted']);
    commandOutput(a, 'booted');
    t.push(a.exitSeconds);
    const b = await runQemu(initrd, ['echo', 'booted'], { kernel, mem: '256M' });
    commandOutput(b, 'booted');
    q.push(b.exitSeconds);
  }
  const a = median(t), b = median(q);
  log(`  ${'stock 6.12 boot + modules'.padEnd(26)} ${a.toFixed(2).padStart(8)} s ${b.toFixed(2).padStart(8)} s ${(a / b).toFixed(2).padStart(7)} x`);
}

export async function runRealBench(log: (s: string) => void = console.log): Promise<void> {
  checkQemu();
  const real = join(packageRoot(), 'images', 'work', 'real');
  const img = join(real, 'root.img');
  if (!existsSync(img)) throw new Error('no Debian root: build it with `sudo bash images/real-root.sh` (debootstrap, a few minutes)');
  const dir = mkdtempSync(join(tmpdir(), 'tuml-real-'));
  const initrd = scriptInitrd(dir);
  const command = ['sh', '/bench/real.sh'];
  const runs: Record<'tuml' | 'QEMU', Array<ReturnType<typeof parse>>> = { tuml: [], QEMU: [] };
  try {
    for (let i = 0; i < 2; i++) {
      const cow = join(dir, 'root.cow');
      rmSync(cow, { force: true });
      runs.tuml.push(parse(await runTuml(['mem=512M', `initrd=${initrd}`, `ubd0=${cow},${img}`], command)));
      const drive = `file=${img},format=raw,if=none,id=hd0,snapshot=on`;
      runs.QEMU.push(parse(await runQemu(initrd, command, { mem: '512M', args: ['-drive', drive, '-device', 'virtio-blk-device,drive=hd0'] })));
    }
    const host = native(dir, join(real, 'data.bin'));
    log('real (Debian trixie riscv64 root by debootstrap, programs timed inside the guest; medians of 6 runs over 2 boots; lower is better)');
    log(`  ${'row'.padEnd(26)} ${'tuml'.padStart(10)} ${'QEMU'.padStart(10)} ${'tuml/QEMU'.padStart(9)} ${'native'.padStart(10)}`);
    const ratios: number[] = [];
    ROWS.forEach(([name], i) => {
      const t = median(runs.tuml.flatMap((r) => r[i].us)) / 1e6;
      const q = median(runs.QEMU.flatMap((r) => r[i].us)) / 1e6;
      const outs = new Set([...runs.tuml, ...runs.QEMU].map((r) => r[i].out));
      if (outs.size !== 1) throw new Error(`${name}: results differ between tuml and QEMU: ${[...outs].join(' | ')}`);
      const h = host[i];
      if (h && !name.startsWith('dpkg') && h.out !== [...outs][0]) throw new Error(`${name}: the host computed "${h.out}", the guests "${[...outs][0]}"`);
      ratios.push(t / q);
      log(`  ${name.padEnd(26)} ${t.toFixed(2).padStart(8)} s ${q.toFixed(2).padStart(8)} s ${(t / q).toFixed(2).padStart(7)} x ${h ? `${h.s.toFixed(3).padStart(8)} s` : '       n/a'}`);
    });
    const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
    log(`  ${'geometric mean'.padEnd(26)} ${''.padStart(10)} ${''.padStart(10)} ${geo.toFixed(2).padStart(7)} x`);
    await stockBoot(log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
