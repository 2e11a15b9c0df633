// The device's own segmentation, checksums and receive coalescing against real peers:
// tuml and Debian's real UML exchange several MiB each way over Debian's uml_switch and
// over a multicast LAN, hashes compared at both ends. tuml's guest counters show the
// offloads were in use (frames longer than the MTU in its own accounting), while real UML,
// which knows nothing of them, received plain frames it could check.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Netns, available, runTuml } from './helpers/netns.js';
import { realUmlMissing, stageUmlRoot, umlBin } from './helpers/real-uml.js';

const noNs = !available && 'needs root to create network namespaces';
const missing = noNs || realUmlMissing('/usr/bin/uml_switch') || (!existsSync('/usr/sbin/mkfs.ext4') && 'needs mkfs.ext4');
const dir = mkdtempSync(join(tmpdir(), 'tuml-net-offload-'));
const made: Netns[] = [];
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) p.kill('SIGKILL');
  for (const ns of made) ns.delete();
  rmSync(dir, { recursive: true, force: true });
});

const MIB = 6;

// Real UML: receive a stream on 6000 and report it, then send its own to the peer's 6002.
const INIT = `#!/bin/sh
B=/bin/busybox
$B mount -t proc proc /proc
$B ip link set eth0 up
$B ip addr add $UADDR/24 dev eth0
$B mkfifo /tmp/hold
$B nc -l -p 6000 < /tmp/hold > /tmp/in &
exec 3> /tmp/hold
wait $!
exec 3>&-
echo "received $($B wc -c < /tmp/in) $($B sha256sum < /tmp/in)"
$B head -c ${MIB << 20} /dev/urandom > /tmp/out
echo "sent $($B sha256sum < /tmp/out)"
for i in $($B seq 100); do $B nc $UPEER 6002 < /tmp/out && break; $B sleep 0.3; done
echo uml-done
$B poweroff -f
`;

function image(): string {
  const root = join(dir, 'root');
  const img = join(dir, 'root.ext4');
  if (existsSync(img)) return img;
  stageUmlRoot(root, ['proc', 'sys', 'dev', 'tmp'], INIT);
  const mk = spawnSync('mkfs.ext4', ['-q', '-d', root, img, '32M'], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  return img;
}

function startUml(ns: Netns, net: string, tag: string): Promise<string> {
  const out = join(dir, `${tag}.out`);
  const cmd = `exec ip netns exec ${ns.name} ${umlBin} ubd0=${join(dir, `${tag}.cow`)},${image()} root=/dev/ubda rw init=/init mem=64M con=null con0=fd:0,fd:1 umid=${tag} uml_dir=${dir}/ '${net}' UADDR=10.7.0.1 UPEER=10.7.0.2 < /dev/null > ${out} 2>&1`;
  const uml = spawn('sh', ['-c', cmd], { stdio: 'ignore', detached: true });
  procs.push(uml);
  const killer = setTimeout(() => {
    try {
      process.kill(-uml.pid!, 'SIGKILL');
    } catch {}
  }, 170_000);
  return new Promise((r) =>
    uml.on('exit', () => {
      clearTimeout(killer);
      r(readFileSync(out, 'latin1'));
    }),
  );
}

// tuml: send to real UML's 6000, then receive its stream on 6002; print the NIC's counters.
const TUML = [
  'ip link set eth0 up && ip addr add 10.7.0.2/24 dev eth0',
  'ping -c 1 -w 60 10.7.0.1 > /dev/null && echo ping-ok',
  'mkfifo /tmp/hold; nc -l -p 6002 < /tmp/hold > /tmp/in & P=$!; exec 3> /tmp/hold',
  `head -c ${MIB << 20} /dev/urandom > /tmp/out`,
  'echo "sent $(sha256sum < /tmp/out)"',
  'for i in $(seq 100); do nc 10.7.0.1 6000 < /tmp/out && break; sleep 0.3; done',
  'wait $P; exec 3>&-',
  'echo "received $(wc -c < /tmp/in) $(sha256sum < /tmp/in)"',
  // rx bytes, rx packets, tx bytes, tx packets
  `echo "counters $(grep eth0: /proc/net/dev | tr -s ' :' '  ' | cut -d' ' -f3,4,11,12)"`,
].join('\n');

function hashes(text: string): { sent?: string; got?: string; n?: number } {
  const s = /sent ([0-9a-f]{64})/.exec(text);
  const g = /received (\d+) ([0-9a-f]{64})/.exec(text);
  return { sent: s?.[1], got: g?.[2], n: g ? Number(g[1]) : undefined };
}

async function exchange(ns: Netns, net: string, tag: string): Promise<void> {
  const uml = startUml(ns, net, tag);
  const t = await runTuml(ns, [net], TUML, { timeoutMs: 170_000 });
  const u = await uml;
  const ctx = `tuml:\n${t.out.slice(-1500)}\n${t.err.slice(-800)}\nreal UML:\n${u.slice(-1500)}`;
  assert.match(t.out, /ping-ok/, ctx);
  const th = hashes(t.out);
  const uh = hashes(u);
  assert.equal(uh.n, MIB << 20, ctx);
  assert.equal(uh.got, th.sent, `tuml → real UML: ${ctx}`);
  assert.equal(th.n, MIB << 20, ctx);
  assert.equal(th.got, uh.sent, `real UML → tuml: ${ctx}`);
  const c = /counters (\d+) (\d+) (\d+) (\d+)/.exec(t.out);
  assert.ok(c, ctx);
  const [rxBytes, rxPackets, txBytes, txPackets] = c.slice(1).map(Number);
  // The guest's own accounting: no frame on the wire exceeds 1514 bytes, so an average
  // above that (acknowledgments included) means it sent TSO super-frames (the device cut
  // them) and received coalesced ones.
  assert.ok(txBytes / txPackets > 1514, `tuml's guest sent ${txPackets} frames for ${txBytes} bytes: no segmentation offload`);
  assert.ok(rxBytes / rxPackets > 1514, `tuml's guest received ${rxPackets} frames for ${rxBytes} bytes: no coalescing`);
}

test("several MiB each way between tuml and real UML over Debian's uml_switch: hashes match, offloads in use", { skip: missing, timeout: 200_000 }, async () => {
  const ns = new Netns();
  made.push(ns);
  // As on hosts that systemd boots (a new namespace queues only 10 datagrams per socket,
  // and uml_switch drops the rest of a burst, for real UML as for tuml).
  spawnSync('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.unix.max_dgram_qlen=512']);
  const ctl = join(dir, `${ns.name}.ctl`);
  const sw = ns.spawn(['uml_switch', '-unix', ctl]);
  procs.push(sw);
  for (let i = 0; i < 100 && !existsSync(ctl); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(ctl), 'uml_switch did not start');
  await exchange(ns, `eth0=daemon,,unix,${ctl}`, `sw${ns.name}`);
});

test('several MiB each way between tuml and real UML on a multicast LAN: hashes match, offloads in use', { skip: missing, timeout: 200_000 }, async () => {
  const ns = new Netns();
  made.push(ns);
  ns.ip('link set lo multicast on');
  ns.ip('route add 224.0.0.0/4 dev lo');
  await exchange(ns, 'eth0=mcast', `mc${ns.name}`);
});
