// iperf3 TCP throughput (3.18 from Debian trixie in the riscv64 guests, images/net-guest.sh;
// the host's own iperf3 in real UML's x86 guest and on the host): guest ↔ host over one tap
// for tuml, QEMU TCG (same kernel and initramfs, virtio-net on the same tap) and real UML;
// then instance ↔ instance over l2tpv3 and gre on the namespace's loopback and over the
// legacy daemon (Debian's uml_switch) and mcast transports, tuml beside real UML; then the
// user-mode network, guest → host loopback through 10.0.2.2: tuml's eth0=passt beside
// QEMU's -nic user (real UML has none). Medians of RUNS runs; ratios are tuml / anchor
// (higher is better).

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/host/wasm.js';
import { encodeExec } from '../../src/uml/cmdline/index.js';
import { QEMU, checkQemu, defaultImage, median } from '../boot/linux.js';
import { realUmlMissing, stageUmlRoot } from '../../test/helpers/real-uml.js';
import { TUNNELS, dropNetns, fmtRate, legacyNetns, makeNetns, ratio, sh, spawnIn, tumlJs, umlArgs } from './run.js';

const RUNS = Number(process.env.NET_BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.IPERF_SECONDS ?? 4);
const HOST = '192.168.91.1';
const GUEST = '192.168.91.2';

/** The riscv64 initramfs with iperf3, made (again) when missing or older than its sources. */
export function netGuestInitrd(): string {
  const root = packageRoot();
  const script = join(root, 'images', 'net-guest.sh');
  const out = join(root, 'images', 'work', 'net-guest', 'initramfs.cpio.gz');
  const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : 0);
  if (mtime(out) < Math.max(mtime(script), mtime(defaultImage().initrd))) {
    const r = spawnSync('bash', [script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`images/net-guest.sh failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  return out;
}

/** Receiver-side Mbit/s of each iperf3 run in `text`, in order. */
function receiverRates(text: string): number[] {
  return [...text.matchAll(/([\d.]+) ([MG])bits\/sec.*receiver/g)].map((m) => Number(m[1]) * (m[2] === 'G' ? 1000 : 1));
}

/** The client's half; `self` undefined: the address came by DHCP and the peer answers no ping (a user-mode network). */
function clientScript(iperf: string, bb: string, ifname: string, peer: string, self: string | undefined): string {
  return [
    self ? `${bb}ip link set ${ifname} up && ${bb}ip addr add ${self}/24 dev ${ifname}` : 'true',
    self ? `${bb}ping -c 1 -w 60 ${peer} >/dev/null` : 'true',
    // The server may still be starting: retry the first connection.
    `for i in $(${bb}seq 50); do ${iperf} -c ${peer} -t ${SECONDS} -f m > /tmp/up 2>&1 && break; ${bb}sleep 0.2; done; ${bb}cat /tmp/up`,
    // A one-shot server (the tunnel rows) is restarting after the first test: retry here too.
    `for i in $(${bb}seq 50); do ${iperf} -c ${peer} -t ${SECONDS} -f m -R > /tmp/down 2>&1 && break; ${bb}sleep 0.2; done; ${bb}cat /tmp/down`,
    'echo iperf-done',
  ].join('\n');
}

function serverScript(iperf: string, bb: string, ifname: string, self: string): string {
  return [
    `${bb}ip link set ${ifname} up && ${bb}ip addr add ${self}/24 dev ${ifname}`,
    // Two tests (one each way), then the server is done.
    `${iperf} -s -1 > /dev/null && ${iperf} -s -1 > /dev/null`,
    'echo iperf-done',
  ].join('\n');
}

/** A real UML root with busybox and the host's own iperf3 and the libraries it loads. */
function umlRoot(dir: string, name: string, script: string): string {
  const root = join(dir, `${name}-root`);
  stageUmlRoot(root, ['proc', 'sys', 'dev', 'tmp'], `#!/bin/sh\n/bin/busybox mount -t proc proc /proc\n${script}\n/bin/busybox poweroff -f\n`);
  const files = ['/usr/bin/iperf3', ...spawnSync('ldd', ['/usr/bin/iperf3'], { encoding: 'utf8' }).stdout.split('\n').map((l) => /(\/\S+) \(0x/.exec(l)?.[1]).filter((p): p is string => !!p)];
  for (const f of files) {
    mkdirSync(join(root, dirname(f)), { recursive: true });
    copyFileSync(f, join(root, f));
  }
  const img = join(dir, `${name}.ext4`);
  sh(`mkfs.ext4 -q -d ${root} ${img} 64M`);
  return img;
}

interface Rates {
  up: number;
  down: number;
}

export async function runIperfBench(log: (s: string) => void = console.log): Promise<Record<string, Rates>> {
  if (process.getuid?.() !== 0) throw new Error('the network benchmark makes namespaces and taps: run it as root');
  if (spawnSync('iperf3', ['--version']).error) throw new Error('iperf3 is not installed on the host (apt-get install iperf3)');
  checkQemu();
  const initrd = netGuestInitrd();
  const umlMissing = process.env.NET_BENCH_NO_UML ? 'left out (NET_BENCH_NO_UML)' : realUmlMissing('/usr/bin/uml_mconsole');
  const only = process.env.NET_BENCH_ONLY?.split(',');
  const want = (k: string) => !only || only.includes(k);
  const dir = mkdtempSync(join(tmpdir(), 'tuml-iperf-'));
  const ns = `tnperf${process.pid}`;
  const samples: Record<string, Rates[]> = {};
  const add = (k: string, r: Rates) => (samples[k] ??= []).push(r);
  const guarded = async (k: string, f: () => Promise<Rates>, fatal: boolean) => {
    try {
      add(k, await f());
    } catch (e) {
      if (fatal) throw e;
      log(`iperf: ${k}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  const riscvIperf = '/usr/local/bin/iperf3';
  try {
    makeNetns(ns, HOST);
    const ctl = legacyNetns(ns, dir);
    const toHost = async (who: string, argv: string[], bind = HOST): Promise<Rates> => {
      const server = spawnIn(ns, ['iperf3', '-s', '-B', bind]);
      try {
        const g = await spawnIn(ns, argv);
        const r = receiverRates(g.out);
        if (!g.out.includes('iperf-done') || r.length < 2) throw new Error(`${who}: no iperf3 result (${g.code}):\n${g.out.slice(-1500)}\n${g.err.slice(-800)}`);
        return { up: r[0], down: r[1] };
      } finally {
        spawnSync('ip', ['netns', 'exec', ns, 'pkill', '-f', `iperf3 -s -B ${bind}`]);
        await server;
      }
    };
    const pair = async (who: string, a: string[], b: string[]): Promise<Rates> => {
      const [ra, rb] = await Promise.all([spawnIn(ns, a), spawnIn(ns, b, 1500)]);
      const r = receiverRates(rb.out);
      if (!rb.out.includes('iperf-done') || r.length < 2) throw new Error(`${who}: no iperf3 result:\n${rb.out.slice(-1500)}\n${ra.out.slice(-800)}`);
      return { up: r[0], down: r[1] };
    };
    const tapScript = clientScript(riscvIperf, '', 'eth0', HOST, GUEST);
    const { kernel } = defaultImage();
    const qemuArgs = [QEMU, '-M', 'virt', '-nographic', '-no-reboot', '-m', '128M', '-kernel', kernel, '-initrd', initrd,
      '-append', `console=hvc0 tuml.exec=${encodeExec(['sh', '-c', tapScript])} `,
      '-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=off', '-device', 'virtio-net-device,netdev=n0'];
    const umlTap = umlMissing ? undefined : umlRoot(dir, 'tapguest', clientScript('/usr/bin/iperf3', '/bin/busybox ', 'vec0', HOST, GUEST));
    const umlPair = umlMissing ? undefined : {
      a: umlRoot(dir, 'paira', serverScript('/usr/bin/iperf3', '/bin/busybox ', 'vec0', '10.9.0.1')),
      b: umlRoot(dir, 'pairb', clientScript('/usr/bin/iperf3', '/bin/busybox ', 'vec0', '10.9.0.1', '10.9.0.2')),
    };
    // Real UML names legacy devices eth<N>.
    const umlPairEth = umlMissing ? undefined : {
      a: umlRoot(dir, 'pairea', serverScript('/usr/bin/iperf3', '/bin/busybox ', 'eth0', '10.9.0.1')),
      b: umlRoot(dir, 'paireb', clientScript('/usr/bin/iperf3', '/bin/busybox ', 'eth0', '10.9.0.1', '10.9.0.2')),
    };
    const userScript = clientScript(riscvIperf, '', 'eth0', '10.0.2.2', undefined);
    const qemuUser = [QEMU, '-M', 'virt', '-nographic', '-no-reboot', '-m', '128M', '-kernel', kernel, '-initrd', initrd,
      '-append', `console=hvc0 tuml.dhcp=eth0 tuml.exec=${encodeExec(['sh', '-c', userScript])} `,
      '-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0'];
    const tuml = (vec: string, script: string) => [process.execPath, tumlJs(), 'mem=128M', `initrd=${initrd}`, vec, '--', 'sh', '-c', script];
    for (let i = 0; i < RUNS; i++) {
      if (want('tap')) await guarded('tap tuml', () => toHost('tuml', tuml('vec0:transport=tap,ifname=tap0,depth=128,gro=1', tapScript)), true);
      if (want('tap')) await guarded('tap QEMU', () => toHost('QEMU', qemuArgs), false);
      if (umlTap && want('tap')) {
        rmSync(join(dir, 'tapguest.cow'), { force: true });
        await guarded('tap UML', () => toHost('real UML', umlArgs(dir, umlTap, 'tapguest', 'vec0:transport=tap,ifname=tap0,depth=128,gro=1')), false);
      }
      for (const t of ['l2tpv3', 'gre', 'daemon', 'mcast']) {
        if (!want(t)) continue;
        const v = { a: TUNNELS[t].a.replace('SWITCH', ctl), b: TUNNELS[t].b.replace('SWITCH', ctl) };
        const up = v.a.startsWith('eth') ? umlPairEth : umlPair;
        await guarded(`${t} tuml`, () => pair(`tuml ${t}`,
          tuml(v.a, serverScript(riscvIperf, '', 'eth0', '10.9.0.1')),
          tuml(v.b, clientScript(riscvIperf, '', 'eth0', '10.9.0.1', '10.9.0.2'))), true);
        if (up) {
          const [na, nb] = up === umlPair ? ['paira', 'pairb'] : ['pairea', 'paireb'];
          rmSync(join(dir, `${na}.cow`), { force: true });
          rmSync(join(dir, `${nb}.cow`), { force: true });
          await guarded(`${t} UML`, () => pair(`real UML ${t}`, umlArgs(dir, up.a, na, v.a), umlArgs(dir, up.b, nb, v.b)), false);
        }
      }
      if (want('user')) {
        await guarded('user tuml', () => toHost('tuml passt', tuml('eth0=passt', userScript), '127.0.0.1'), true);
        await guarded('user QEMU', () => toHost('QEMU -nic user', qemuUser, '127.0.0.1'), false);
      }
    }
  } finally {
    dropNetns(ns, dir);
  }
  const res: Record<string, Rates> = {};
  for (const [k, rs] of Object.entries(samples)) res[k] = { up: median(rs.map((r) => r.up)), down: median(rs.map((r) => r.down)) };
  const f = fmtRate;
  log(`iperf3 (TCP, ${SECONDS} s each way, Mbit/s at the receiver; medians of ${RUNS} runs; tap: guest ↔ host; l2tpv3, gre, daemon (Debian's uml_switch), mcast: instance ↔ instance on loopback; user: guest → host loopback via 10.0.2.2, tuml eth0=passt vs QEMU -nic user${umlMissing ? `; real UML: ${umlMissing}` : ''})`);
  log('  path    direction          tuml     QEMU  tuml/QEMU      UML  tuml/UML');
  for (const path of ['tap', 'l2tpv3', 'gre', 'daemon', 'mcast', 'user']) {
    if (!want(path)) continue;
    const t = res[`${path} tuml`];
    const q = res[`${path} QEMU`];
    const u = res[`${path} UML`];
    for (const [m, label] of [['up', 'a→b (client)'], ['down', 'b→a (-R)']] as const) {
      log(`  ${path.padEnd(7)} ${label.padEnd(13)} ${f(t?.[m])}  ${f(q?.[m])}  ${ratio(t?.[m], q?.[m])}  ${f(u?.[m])}  ${ratio(t?.[m], u?.[m])}`);
    }
  }
  return res;
}
