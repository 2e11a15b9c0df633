// Network benchmark: TCP throughput both ways and ping latency between a guest and the
// host over one tap, inside a network namespace made for the run, for tuml
// (vec0:transport=tap), QEMU TCG (virtio-net-device on the same tap, same kernel and
// initramfs) and real UML (vec0:transport=tap, its own x86 busybox guest), one after the
// other; then tuml ↔ tuml and real UML ↔ real UML over l2tpv3 (UDP) and gre on the
// namespace's loopback. The host end of every transfer is the same Node peer, which
// times it. Medians of RUNS runs; ratios are tuml / anchor (higher is better for
// throughput, lower for latency). iperf3 rows are in iperf.ts.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/host/wasm.js';
import { encodeExec } from '../../src/uml/cmdline/index.js';
import { QEMU, checkQemu, defaultImage, median } from '../boot/linux.js';
import { realUmlMissing, stageUmlRoot, umlBin } from '../../test/helpers/real-uml.js';

const RUNS = Number(process.env.NET_BENCH_RUNS ?? 3);
const MIB = Number(process.env.NET_BENCH_MIB ?? 16);
const HOST = '192.168.90.1';
const GUEST = '192.168.90.2';

interface Result {
  /** guest → host and host → guest, Mbit/s. */
  up: number;
  down: number;
  /** ping round trip average, ms. */
  rtt: number;
}

export function sh(cmd: string): void {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
}

/** The guest's half, for a busybox shell: `bb` prefixes applets (real UML's root has no links). */
function guestScript(ifname: string, bb: string, peer = HOST, self: string | undefined = GUEST, down = true, ping = true): string {
  return [
    // A user-mode network's guest got its address by DHCP already (self undefined).
    self ? `${bb}ip link set ${ifname} up && ${bb}ip addr add ${self}/24 dev ${ifname}` : 'true',
    // (passt's ICMP goes through ping sockets of the host, which it may not have: no latency row there.)
    ping ? `${bb}ping -c 1 -w 60 ${peer} >/dev/null` : 'true',
    ping ? `echo "rtt $(${bb}ping -c 20 -i 0.2 ${peer} | ${bb}tail -1)"` : 'true',
    down ? `${bb}mkfifo /tmp/hold; ${bb}nc -l -p 5002 < /tmp/hold > /dev/null & exec 3> /tmp/hold` : 'true',
    `${bb}dd if=/dev/zero bs=65536 count=${MIB * 16} 2>/dev/null | ${bb}nc ${peer} 5001`,
    down ? 'wait $!; exec 3>&-' : 'true',
    'echo net-bench-done',
  ].join('\n');
}

/** The host's half: receives on 5001 (timing it), then sends to the guest's 5002 (`guest:port`, or none). Prints JSON. */
function hostPeerSource(listen: string, guest: string | undefined, guestPort = 5002): string {
  return `
const net = require('net');
const N = ${MIB} << 20;
const out = {};
const srv = net.createServer((c) => {
  let n = 0, t0 = 0;
  c.on('data', (d) => { if (!t0) t0 = process.hrtime.bigint(); n += d.length; });
  c.on('end', () => {
    out.up = n * 8 / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6; out.upBytes = n;
    c.end(); srv.close(); ${guest === undefined ? 'console.log(JSON.stringify(out)); process.exit(0);' : 'down();'}
  });
});
srv.listen(5001, '${listen}');
function down() {
  const data = Buffer.alloc(N);
  let tries = 0;
  (function go() {
    const t0 = process.hrtime.bigint();
    const c = net.connect(${guestPort}, '${guest}');
    c.on('error', () => { if (++tries < 100) setTimeout(go, 100); else { console.log(JSON.stringify(out)); process.exit(0); } });
    c.on('connect', () => c.end(data));
    c.on('close', (err) => { if (err) return; out.down = N * 8 / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6; console.log(JSON.stringify(out)); process.exit(0); });
  })();
}
setTimeout(() => { console.log(JSON.stringify(out)); process.exit(0); }, 300000).unref();
`;
}

/** A guest run that takes longer than this has hung: it is killed and reported. */
const RUN_TIMEOUT_MS = 180_000;

export function spawnIn(ns: string, argv: string[], delayMs = 0): Promise<{ out: string; err: string; code: number | null }> {
  if (delayMs) return new Promise((r) => setTimeout(r, delayMs)).then(() => spawnIn(ns, argv));
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // A hung run is killed; its children may keep the pipes open, so do not wait for them.
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      setTimeout(() => resolve({ out, err, code: null }), 1000);
    }, RUN_TIMEOUT_MS);
    p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    });
  });
}

function rttOf(who: string, text: string): number {
  const m = /rtt .*= [\d.]+\/([\d.]+)\//.exec(text);
  if (!m) throw new Error(`${who}: no ping result:\n${text.slice(-1500)}`);
  return Number(m[1]);
}

/** tuml's command; NET_BENCH_TUML names another build's dist/tools/tuml.js (to compare two builds in one run). */
export const tumlJs = () => process.env.NET_BENCH_TUML ?? join(packageRoot(), 'dist', 'tools', 'tuml.js');

/** A real UML root image whose init runs `script` and powers off. */
function umlImage(dir: string, name: string, script: string): string {
  const root = join(dir, `${name}-root`);
  stageUmlRoot(root, ['proc', 'sys', 'dev', 'tmp'], `#!/bin/sh\n/bin/busybox mount -t proc proc /proc\n${script}\n/bin/busybox poweroff -f\n`);
  const img = join(dir, `${name}.ext4`);
  sh(`mkfs.ext4 -q -d ${root} ${img} 16M`);
  return img;
}

export function umlArgs(dir: string, img: string, name: string, vec: string): string[] {
  return [umlBin, `ubd0=${join(dir, `${name}.cow`)},${img}`, 'root=/dev/ubda', 'rw', 'init=/init', 'mem=64M', 'con=null', 'con0=fd:0,fd:1', `umid=${name}`, `uml_dir=${dir}/`, vec];
}

async function guestToHost(ns: string, who: string, guestArgv: string[], listen = HOST, guest: string | null = GUEST, guestPort = 5002): Promise<Result> {
  const host = spawnIn(ns, [process.execPath, '-e', hostPeerSource(listen, guest ?? undefined, guestPort)]);
  const g = await spawnIn(ns, guestArgv);
  const h = await host;
  if (!g.out.includes('net-bench-done')) throw new Error(`${who}: the guest did not finish (${g.code}):\n${g.out.slice(-1500)}\n${g.err.slice(-1500)}`);
  let r: { up?: number; down?: number; upBytes?: number };
  try {
    r = JSON.parse(h.out.trim().split('\n').pop() || '{}');
  } catch {
    throw new Error(`${who}: the host peer said: ${h.out.slice(-500)} ${h.err.slice(-500)}`);
  }
  if (r.up === undefined || (guest !== null && r.down === undefined) || r.upBytes !== MIB << 20) throw new Error(`${who}: incomplete transfer: ${h.out} ${h.err} | guest: ${g.out.slice(-300)} ${g.err.slice(-600)}`.replace(/\n/g, ' / '));
  return { up: r.up, down: r.down ?? NaN, rtt: g.out.includes('rtt ') ? rttOf(who, g.out) : NaN };
}

/** Two instances on one tunnel: B sends to A's host-style peer role is played by A's guest. */
async function pair(who: string, ns: string, a: string[], b: string[]): Promise<Result> {
  // A is up (or nearly) before B starts sending: a tunnel peer that is not there yet
  // answers with ICMP errors, which real UML treats as fatal for the interface.
  const [ra, rb] = await Promise.all([spawnIn(ns, a), spawnIn(ns, b, 1500)]);
  if (!rb.out.includes('net-bench-done')) throw new Error(`${who}: the sender did not finish:\n${rb.out.slice(-1500)}\n${rb.err.slice(-800)}`);
  const m = /pair-up ([\d.]+)/.exec(ra.out);
  const d = /pair-down ([\d.]+)/.exec(rb.out);
  if (!m || !d) throw new Error(`${who}: no timing:\n${ra.out.slice(-1500)}\n${rb.out.slice(-1500)}`);
  return { up: Number(m[1]), down: Number(d[1]), rtt: rttOf(who, rb.out) };
}

/**
 * The instance-to-instance scripts: B pings A, then each side times what it receives with
 * the guest's clock (`date +%s.%N` is not in busybox: /proc/uptime has 10 ms steps, enough
 * for transfers of seconds).
 */
function pairScripts(ifname: string, bb: string): { a: string; b: string } {
  const recv = (port: number, tag: string, peer: string) => [
    `${bb}mkfifo /tmp/h${port}; ${bb}nc -l -p ${port} < /tmp/h${port} > /tmp/r${port} & P=$!; exec 3> /tmp/h${port}`,
    `while [ ! -s /tmp/r${port} ]; do ${bb}sleep 0.01; done; T0=$(${bb}cut -d' ' -f1 /proc/uptime)`,
    `wait $P; exec 3>&-; T1=$(${bb}cut -d' ' -f1 /proc/uptime)`,
    `echo "${tag} $(${bb}awk -v n=$(${bb}wc -c < /tmp/r${port}) -v a=$T0 -v b=$T1 'BEGIN{printf "%.1f", n*8/(b-a)/1e6}')"`,
    // (until, not a counted loop: the script rides on the kernel command line, 1023 bytes at most)
    `until echo ok | ${bb}nc ${peer} ${port + 100}; do ${bb}sleep 0.2; done`,
  ];
  const send = (port: number, peer: string) => [
    `${bb}nc -l -p ${port + 100} > /dev/null &`,
    `until ${bb}dd if=/dev/zero bs=65536 count=${MIB * 16} 2>/dev/null | ${bb}nc ${peer} ${port}; do ${bb}sleep 0.3; done`,
    'wait',
  ];
  const up = (self: string) => `${bb}ip link set ${ifname} up && ${bb}ip addr add ${self}/24 dev ${ifname}`;
  return {
    a: [up('10.9.0.1'), ...recv(5001, 'pair-up', '10.9.0.2'), ...send(5002, '10.9.0.2'), 'echo net-bench-done'].join('\n'),
    b: [
      up('10.9.0.2'),
      `${bb}ping -c 1 -w 60 10.9.0.1 >/dev/null`,
      `echo "rtt $(${bb}ping -c 20 -i 0.2 10.9.0.1 | ${bb}tail -1)"`,
      ...send(5001, '10.9.0.1'),
      ...recv(5002, 'pair-down', '10.9.0.1'),
      'echo net-bench-done',
    ].join('\n'),
  };
}

export const TUNNELS: Record<string, { a: string; b: string }> = {
  l2tpv3: {
    a: 'vec0:transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1706,dstport=1707,rx_session=1,tx_session=2',
    b: 'vec0:transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1707,dstport=1706,rx_session=2,tx_session=1',
  },
  gre: {
    a: 'vec0:transport=gre,src=127.0.0.1,dst=127.0.0.2,rx_key=1,tx_key=2',
    b: 'vec0:transport=gre,src=127.0.0.2,dst=127.0.0.1,rx_key=2,tx_key=1',
  },
  // The legacy transports: a port each on Debian's uml_switch (started below), and UML's default multicast group.
  daemon: { a: 'eth0=daemon,,unix,SWITCH', b: 'eth0=daemon,,unix,SWITCH' },
  mcast: { a: 'eth0=mcast', b: 'eth0=mcast' },
};

/** The bench's namespace: loopback up and a tap whose host end is `host`/24. */
export function makeNetns(ns: string, host: string): void {
  sh(`ip netns add ${ns} && ip -n ${ns} link set lo up && ip -n ${ns} tuntap add tap0 mode tap && ip -n ${ns} addr add ${host}/24 dev tap0 && ip -n ${ns} link set tap0 up`);
}

/**
 * What the legacy and user-mode rows need in the bench's namespace; returns the control
 * socket of Debian's uml_switch, started here (the namespace's end kills it).
 */
export function legacyNetns(ns: string, dir: string): string {
  // mcast needs a multicast route. Its source is loopback's address: with another interface
  // up the kernel would pick that one's, and drop the looped-back frames as martians.
  sh(`ip -n ${ns} link set lo multicast on && ip -n ${ns} route add 224.0.0.0/4 dev lo src 127.0.0.1`);
  // passt and QEMU's user network need a routable interface (a veth with a default route
  // nothing answers) and ping sockets for the guest's ICMP.
  sh(`ip -n ${ns} link add bv0 type veth peer name bv1 && ip -n ${ns} addr add 192.0.2.1/24 dev bv0 && ip -n ${ns} link set bv0 up && ip -n ${ns} link set bv1 up && ip -n ${ns} route add default via 192.0.2.254`);
  sh(`ip netns exec ${ns} sysctl -qw net.ipv4.ping_group_range='0 2147483647'`);
  // A new namespace queues 10 datagrams per Unix socket; systemd raises that to 512 on
  // every host it boots. With 10, uml_switch drops most of a burst (real UML's and tuml's alike).
  sh(`ip netns exec ${ns} sysctl -qw net.unix.max_dgram_qlen=512`);
  const ctl = join(dir, 'switch.ctl');
  spawn('ip', ['netns', 'exec', ns, 'uml_switch', '-unix', ctl], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('test', ['-S', ctl]).status !== 0; i++) spawnSync('sleep', ['0.05']);
  return ctl;
}

/** Kills whatever a run left in the namespace (real UML's helper processes), deletes it and `dir`. */
export function dropNetns(ns: string, dir: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {}
  }
  spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
}

/** A table cell: the figure, or '-' when there is none. */
export const fmtRate = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '      -' : x.toFixed(x < 10 ? 2 : 1).padStart(7));
export const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || Number.isNaN(a / b) ? '     -' : `${(a / b).toFixed(3).padStart(6)}x`);

export async function runNetBench(log: (s: string) => void = console.log): Promise<Record<string, Result>> {
  if (process.getuid?.() !== 0) throw new Error('the network benchmark makes namespaces and taps: run it as root');
  checkQemu();
  const umlMissing = process.env.NET_BENCH_NO_UML ? 'left out (NET_BENCH_NO_UML)' : realUmlMissing('/usr/bin/uml_mconsole');
  const dir = mkdtempSync(join(tmpdir(), 'tuml-netbench-'));
  const ns = `tnbench${process.pid}`;
  const samples: Record<string, Result[]> = {};
  const add = (k: string, r: Result) => (samples[k] ??= []).push(r);
  // An anchor that fails (hangs, errors) is reported and left out of this run; tuml failing fails the bench.
  const anchor = async (k: string, f: () => Promise<Result>) => {
    try {
      add(k, await f());
    } catch (e) {
      log(`net: ${k}: ${(e as Error).message.split('\n').slice(0, 12).join('\n    ')}`);
    }
  };
  const { kernel, initrd } = defaultImage();
  try {
    makeNetns(ns, HOST);
    const ctl = legacyNetns(ns, dir);
    const tunnels = Object.entries(TUNNELS).map(([t, v]) => [t, { a: v.a.replace('SWITCH', ctl), b: v.b.replace('SWITCH', ctl) }] as const);
    // The user-mode networks: guest → host's loopback through 10.0.2.2 (passt maps it, as QEMU's slirp does).
    const userScript = guestScript('eth0', '', '10.0.2.2', undefined, false, false);
    const qemuUser = [QEMU, '-M', 'virt', '-nographic', '-no-reboot', '-m', '64M', '-kernel', kernel, '-initrd', initrd,
      '-append', `console=hvc0 tuml.dhcp=eth0 tuml.exec=${encodeExec(['sh', '-c', userScript])} `,
      '-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0'];
    const script = guestScript('eth0', '');
    const qemuArgs = [QEMU, '-M', 'virt', '-nographic', '-no-reboot', '-m', '64M', '-kernel', kernel, '-initrd', initrd,
      '-append', `console=hvc0 tuml.exec=${encodeExec(['sh', '-c', script])} `,
      '-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=off', '-device', 'virtio-net-device,netdev=n0'];
    const umlImg = umlMissing ? undefined : umlImage(dir, 'tapguest', guestScript('vec0', '/bin/busybox '));
    const pairs = pairScripts('eth0', '');
    const umlPair = umlMissing ? undefined : {
      a: umlImage(dir, 'paira', pairScripts('vec0', '/bin/busybox ').a),
      b: umlImage(dir, 'pairb', pairScripts('vec0', '/bin/busybox ').b),
    };
    // Real UML names legacy devices eth<N>.
    const umlPairEth = umlMissing ? undefined : {
      a: umlImage(dir, 'pairea', pairScripts('eth0', '/bin/busybox ').a),
      b: umlImage(dir, 'paireb', pairScripts('eth0', '/bin/busybox ').b),
    };
    const only = process.env.NET_BENCH_ONLY?.split(',');
    const want = (k: string) => !only || only.includes(k);
    for (let i = 0; i < RUNS; i++) {
      if (want('tap')) add('tap tuml', await guestToHost(ns, 'tuml', [process.execPath, tumlJs(), 'mem=64M', 'vec0:transport=tap,ifname=tap0,depth=128,gro=1', '--', 'sh', '-c', script]));
      if (want('tap')) await anchor('tap QEMU', () => guestToHost(ns, 'QEMU', qemuArgs));
      if (umlImg && want('tap')) {
        rmSync(join(dir, 'tapguest.cow'), { force: true });
        await anchor('tap UML', () => guestToHost(ns, 'real UML', umlArgs(dir, umlImg, 'tapguest', 'vec0:transport=tap,ifname=tap0,depth=128,gro=1')));
      }
      if (want('user')) add('user tuml', await guestToHost(ns, 'tuml passt', [process.execPath, tumlJs(), 'mem=64M', 'eth0=passt', '--', 'sh', '-c', userScript], '127.0.0.1', null));
      if (want('user')) await anchor('user QEMU', () => guestToHost(ns, 'QEMU -nic user', qemuUser, '127.0.0.1', null));
      for (const [t, v] of tunnels) {
        if (!want(t)) continue;
        add(`${t} tuml`, await pair(`tuml ${t}`, ns,
          [process.execPath, tumlJs(), 'mem=64M', v.a, '--', 'sh', '-c', pairs.a],
          [process.execPath, tumlJs(), 'mem=64M', v.b, '--', 'sh', '-c', pairs.b]));
        if (umlPair) {
          for (const c of ['paira', 'pairb', 'pairea', 'paireb']) rmSync(join(dir, `${c}.cow`), { force: true });
          const img = v.a.startsWith('eth') ? umlPairEth! : umlPair;
          await anchor(`${t} UML`, () => pair(`real UML ${t}`, ns, umlArgs(dir, img.a, img.a === umlPair.a ? 'paira' : 'pairea', v.a), umlArgs(dir, img.b, img.b === umlPair.b ? 'pairb' : 'paireb', v.b)));
        }
      }
    }
  } finally {
    dropNetns(ns, dir);
  }
  const res: Record<string, Result> = {};
  for (const [k, rs] of Object.entries(samples)) res[k] = { up: median(rs.map((r) => r.up)), down: median(rs.map((r) => r.down)), rtt: median(rs.map((r) => r.rtt)) };
  const f = fmtRate;
  log(`net (TCP ${MIB} MiB each way with busybox nc, ping -c 20 -i 0.2; medians of ${RUNS} runs; tap: guest ↔ host; l2tpv3, gre, daemon (Debian's uml_switch), mcast: instance ↔ instance on loopback; user: guest → host loopback via 10.0.2.2, tuml eth0=passt vs QEMU -nic user${umlMissing ? `; real UML: ${umlMissing}` : ''})`);
  log('  path    metric             tuml     QEMU  tuml/QEMU      UML  tuml/UML');
  for (const path of ['tap', 'l2tpv3', 'gre', 'daemon', 'mcast', 'user']) {
    const t = res[`${path} tuml`];
    const q = res[`${path} QEMU`];
    const u = res[`${path} UML`];
    for (const [m, label] of [['up', 'Mbit/s a→b'], ['down', 'Mbit/s b→a'], ['rtt', 'ping avg ms']] as const) {
      log(`  ${path.padEnd(7)} ${label.padEnd(13)} ${f(t?.[m])}  ${f(q?.[m])}  ${ratio(t?.[m], q?.[m])}  ${f(u?.[m])}  ${ratio(t?.[m], u?.[m])}`);
    }
  }
  return res;
}
