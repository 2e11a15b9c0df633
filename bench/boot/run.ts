// Boot benchmark: the default image runs `echo hello` and powers off, under tuml
// (`tuml -- echo hello`) and under QEMU (-M virt, same kernel, initramfs and command line),
// alternately, several times. Prints the median wall times from process start to the
// command's first output byte and to the process's exit, and the tuml/QEMU ratios.

import { checkQemu, commandOutput, defaultImage, median, runQemu, runTuml } from './linux.js';
import { runGuestCpuBench } from '../guest/run.js';

export interface BootBenchResult {
  runs: number;
  tuml: { firstSeconds: number; exitSeconds: number };
  qemu: { firstSeconds: number; exitSeconds: number };
}

const COMMAND = ['echo', 'hello'];
const EXPECTED = 'hello\n';

export async function runBootBench(runs = 5, log: (s: string) => void = console.log): Promise<BootBenchResult> {
  checkQemu();
  const { initrd } = defaultImage();
  const t = { first: [] as number[], exit: [] as number[] };
  const q = { first: [] as number[], exit: [] as number[] };
  for (let i = 0; i < runs; i++) {
    // One after the other, never together: they would compete for the host's cores.
    const tr = await runTuml([], COMMAND);
    const qr = await runQemu(initrd, COMMAND);
    for (const [side, run] of [[t, tr], [q, qr]] as const) {
      const o = commandOutput(run, EXPECTED);
      if (o.text !== EXPECTED) throw new Error(`${run.who}: expected ${JSON.stringify(EXPECTED)}, got ${JSON.stringify(o.text)}`);
      side.first.push(o.firstSeconds);
      side.exit.push(run.exitSeconds);
    }
  }
  const res = {
    runs,
    tuml: { firstSeconds: median(t.first), exitSeconds: median(t.exit) },
    qemu: { firstSeconds: median(q.first), exitSeconds: median(q.exit) },
  };
  const s = (x: number) => `${x.toFixed(2).padStart(7)} s`;
  const r = (a: number, b: number) => `${(a / b).toFixed(2).padStart(7)} x`;
  log(`boot (default image: process start → \`${COMMAND.join(' ')}\` output → exit after poweroff; median of ${runs})`);
  log(`                  to output      to exit`);
  log(`  tuml          ${s(res.tuml.firstSeconds)}    ${s(res.tuml.exitSeconds)}`);
  log(`  QEMU virt     ${s(res.qemu.firstSeconds)}    ${s(res.qemu.exitSeconds)}`);
  log(`  tuml/QEMU     ${r(res.tuml.firstSeconds, res.qemu.firstSeconds)}    ${r(res.tuml.exitSeconds, res.qemu.exitSeconds)}`);
  return res;
}

/** The "Boot Linux" benchmarks: boot, then the in-guest CPU benchmark; fails if either fails. */
export async function runLinuxBenches(log: (s: string) => void = console.log): Promise<void> {
  const errors: string[] = [];
  for (const [name, run] of [
    ['boot', () => runBootBench(5, log)],
    ['guest-cpu', () => runGuestCpuBench(log)],
  ] as const) {
    try {
      await run();
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new Error(errors.join('\n'));
}
