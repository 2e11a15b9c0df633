// `npm run bench`: runs the benchmarks and prints tuml beside its anchor (QEMU).
// Exit status 1 when a benchmark fails (e.g. results differ between tuml and QEMU).

import { runCpuBench } from './cpu/run.js';
import { runLinuxBenches } from './boot/run.js';
import { runBlkBench } from './blk/run.js';
import { runFsBench } from './fs/run.js';
import { runNetBench } from './net/run.js';
import { runIperfBench } from './net/iperf.js';
import { runRealBench } from './real/run.js';

const benches: Array<[string, () => unknown]> = [
  ['cpu', () => runCpuBench()],
  ['linux', () => runLinuxBenches()],
  ['blk', () => runBlkBench()],
  ['fs', () => runFsBench()],
  ['net', async () => {
    await runNetBench();
    await runIperfBench();
  }],
  ['iperf', () => runIperfBench()],
  ['real', () => runRealBench()],
];

const only = process.argv.slice(2);
let failed = 0;
for (const [name, run] of benches) {
  if (only.length && !only.includes(name)) continue;
  try {
    await run();
  } catch (e) {
    failed++;
    console.error(`bench ${name}: FAILED: ${(e as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
