// UML's legacy eth<N>= transports against the real things, in namespaces the tests make:
// Debian's uml_switch with tuml and real UML as ports, multicast and unicast LANs of tuml
// and real UML, and a dead or lying switch handled with one line.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Netns, available, runTuml, tuml } from './helpers/netns.js';
import { realUmlMissing } from './helpers/real-uml.js';
import { startRealUml, tumlTalksToRealUml } from './helpers/uml-lan.js';

const noNs = !available && 'needs root to create network namespaces';
const missing = noNs || realUmlMissing('/usr/bin/uml_switch') || (!existsSync('/usr/sbin/mkfs.ext4') && 'needs mkfs.ext4');
const dir = mkdtempSync(join(tmpdir(), 'tuml-net-legacy-'));
const made: Netns[] = [];
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) p.kill('SIGKILL');
  for (const ns of made) ns.delete();
  rmSync(dir, { recursive: true, force: true });
});

function netns(): Netns {
  const ns = new Netns();
  made.push(ns);
  return ns;
}

/** Starts a program in `ns` and waits until `path` exists (its control socket). */
async function startIn(ns: Netns, argv: string[], path: string): Promise<ChildProcess> {
  const p = ns.spawn(argv);
  procs.push(p);
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(path), `${argv.join(' ')} did not create ${path}: ${err}`);
  return p;
}

test("tuml and real UML on Debian's uml_switch: ping and TCP", { skip: missing, timeout: 180_000 }, async () => {
  const ns = netns();
  const ctl = join(dir, `${ns.name}.ctl`);
  await startIn(ns, ['uml_switch', '-unix', ctl], ctl);
  const uml = startRealUml(ns, dir, `eth0=daemon,,unix,${ctl}`, { addr: '10.1.0.1', peer: '10.1.0.2', iface: 'eth0' });
  await tumlTalksToRealUml(ns, [`eth0=daemon,,unix,${ctl}`], '10.1.0.2', '10.1.0.1', uml);
});

test('tuml and real UML on a multicast LAN (default group and port): ping and TCP', { skip: missing, timeout: 180_000 }, async () => {
  const ns = netns();
  // The namespace's only interface carries the group.
  ns.ip('link set lo multicast on');
  ns.ip('route add 224.0.0.0/4 dev lo');
  const uml = startRealUml(ns, dir, 'eth0=mcast', { addr: '10.2.0.1', peer: '10.2.0.2', iface: 'eth0' });
  await tumlTalksToRealUml(ns, ['eth0=mcast'], '10.2.0.2', '10.2.0.1', uml);
});

test('tuml and real UML over ucast: ping and TCP', { skip: missing, timeout: 180_000 }, async () => {
  const ns = netns();
  const uml = startRealUml(ns, dir, 'eth0=ucast,,127.0.0.1,5555,5556', { addr: '10.3.0.1', peer: '10.3.0.2', iface: 'eth0' });
  await tumlTalksToRealUml(ns, ['eth0=ucast,,127.0.0.1,5556,5555'], '10.3.0.2', '10.3.0.1', uml);
});

test('boot messages: UML wording for bad fields, unknown and obsolete transports', { skip: noNs, timeout: 60_000 }, async () => {
  const ns = netns();
  const c = await runTuml(ns, ['eth0=mcast,,,x', 'eth1=nosuch,1', 'eth2=slip', 'eth3=ethertap', 'ethx=tuntap', 'eth4tuntap', 'eth5=ucast,,127.0.0.1,1,2,3', 'eth6=daemon,,unix,/nonexistent/ctl'], 'ls /sys/class/net | grep -c ^eth || true');
  assert.equal(c.code, 0, c.err);
  assert.match(c.err, /mcast_setup - Bad port : 'x'/);
  assert.doesNotMatch(c.err, /nosuch/);
  assert.match(c.err, /eth2: the slip transport is obsolete/);
  assert.match(c.err, /ethertap_setup : Missing tap device name/);
  assert.match(c.err, /eth_setup - Couldn't parse 'x=tuntap' : Bad device number/);
  assert.match(c.err, /eth_setup - Couldn't parse '4tuntap' : Expected '=' after device number/);
  assert.match(c.err, /ucast_setup - Extra garbage on specification : '3'/);
  assert.match(c.err, /Netdevice 6 \([0-9a-f:]{17}\) : /);
  assert.match(c.err, /eth6: daemon_open : control connect failed, errno = 2/);
  // No device came of any of them.
  assert.equal(c.out.trim(), '0');
});

test('a switch that dies, and one that answers nonsense: one line each, the guest runs on', { skip: missing, timeout: 90_000 }, async () => {
  const ns = netns();
  const ctl = join(dir, `${ns.name}.ctl`);
  const sw = await startIn(ns, ['uml_switch', '-unix', ctl], ctl);
  // A "switch" that answers every request with 3 bytes and hangs up.
  const liar = join(dir, `${ns.name}.liar`);
  const srv = createServer((s) => s.end(Buffer.from('bad'))).listen(liar);
  try {
    let killed = false;
    const c = await runTuml(ns, [`eth0=daemon,,unix,${ctl}`, `eth1=daemon,,unix,${liar}`], 'ip link set eth0 up; sleep 3; ls /sys/class/net | grep -c ^eth; echo done', {
      onErr: (e) => {
        if (!killed && /Netdevice 0/.test(e)) {
          killed = true;
          setTimeout(() => sw.kill('SIGKILL'), 500);
        }
      },
    });
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /^1\ndone/m);
    assert.match(c.err, /eth1: daemon_open : read of data socket failed \(short answer \(3 bytes\)\)/);
    assert.match(c.err, /eth0: the switch closed its control connection; link down/);
    assert.equal(c.err.match(/eth0: the switch closed/g)?.length, 1);
  } finally {
    srv.close();
  }
});

test('tuml switch: real UML and tuml on it (ping and TCP); bad requests cost one line each', { skip: missing, timeout: 180_000 }, async () => {
  const ns = netns();
  const ctl = join(dir, `${ns.name}.tctl`);
  const sw = await startIn(ns, [process.execPath, tuml, 'switch', '-unix', ctl], ctl);
  let log = '';
  sw.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  assert.equal(statSync(ctl).mode & 0o777, 0o600, 'the control socket is private');
  // Garbage, a wrong version, and a client that hangs up half-way.
  const bad = [Buffer.from('GET / HTTP/1.0\r\n\r\n'), (() => {
    const b = Buffer.alloc(124);
    b.writeUInt32LE(0xfeedface, 0);
    b.writeUInt32LE(2, 4);
    return b;
  })(), Buffer.from([0xce, 0xfa, 0xed, 0xfe, 3, 0, 0, 0])];
  for (const b of bad) {
    // A filesystem socket: reachable from outside the namespace.
    await new Promise<void>((resolve) => {
      const c = connect(ctl, () => c.write(b));
      c.on('close', () => resolve());
      c.on('error', () => resolve());
      setTimeout(() => c.destroy(), 500);
    });
  }
  const uml = startRealUml(ns, dir, `eth0=daemon,,unix,${ctl}`, { addr: '10.4.0.1', peer: '10.4.0.2', iface: 'eth0' });
  await tumlTalksToRealUml(ns, [`eth0=daemon,,unix,${ctl}`], '10.4.0.2', '10.4.0.1', uml);
  assert.match(log, /bad magic 0x20544547/);
  assert.match(log, /protocol version 2 is not supported/);
  assert.equal(sw.exitCode, null, 'the switch is still running');
});

const noVde = noNs || (!existsSync('/usr/bin/vde_switch') && 'needs vde2 (apt-get install vde2)');

test("vde: tuml on Debian's vde_switch reaches the host through the switch's tap port", { skip: noVde, timeout: 120_000 }, async () => {
  const ns = netns();
  const sw = join(dir, `${ns.name}.vde`);
  const pid = join(dir, `${ns.name}.vde.pid`);
  ns.spawn(['vde_switch', '-s', sw, '-t', 'vtap0', '-d', '-p', pid]).stdin!.end();
  for (let i = 0; i < 100 && !existsSync(join(sw, 'ctl')); i++) await new Promise((r) => setTimeout(r, 50));
  try {
    ns.ip('addr add 10.7.0.1/24 dev vtap0');
    ns.ip('link set vtap0 up');
    const c = await runTuml(ns, [`eth0=vde,${sw}`], 'ip link set eth0 up && ip addr add 10.7.0.2/24 dev eth0; ping -c 2 -w 20 10.7.0.1 >/dev/null && echo ping-ok');
    assert.equal(c.code, 0, c.err);
    assert.match(c.err, new RegExp(`Configured vde device: ${sw.replace(/[.]/g, '\\.')}`));
    assert.match(c.err, /vde backend - connection opened/);
    assert.match(c.out, /ping-ok/, c.err);
  } finally {
    try {
      process.kill(Number(readFileSync(pid, 'utf8')), 'SIGTERM');
    } catch {}
  }
});

test('pcap: receive only, through a libpcap filter compiled by tcpdump; a bad filter is one line', { skip: noNs, timeout: 120_000 }, async () => {
  const ns = netns();
  ns.ip('link add p0 type veth peer name p1');
  ns.ip('addr add 10.8.0.1/24 dev p0');
  ns.ip('link set p0 up');
  ns.ip('link set p1 up');
  ns.ip('neigh add 10.8.0.2 lladdr 02:00:00:00:08:02 dev p0');
  // Datagrams to the guest's ports 9 and 10 all along; only port 9 passes the filter.
  const traffic = ns.spawn([process.execPath, '-e', "const s = require('dgram').createSocket('udp4'); setInterval(() => { s.send('nine', 9, '10.8.0.2'); s.send('ten', 10, '10.8.0.2'); }, 100);"]);
  traffic.stdin!.end();
  procs.push(traffic);
  const c = await runTuml(ns, ['eth0=pcap,p1,udp port 9,,,02:00:00:00:08:02', 'eth1=pcap,p1,udp port 11', 'eth2=pcap,p1,no such filter'], [
    'ip link set eth0 up && ip link set eth1 up && ip addr add 10.8.0.2/24 dev eth0',
    'sleep 3',
    'echo "rx $(cat /sys/class/net/eth0/statistics/rx_packets) $(cat /sys/class/net/eth1/statistics/rx_packets)"',
    'ping -c 1 -W 1 10.8.0.1 >/dev/null || echo cannot-send',
  ].join('\n'));
  traffic.kill();
  assert.equal(c.code, 0, c.err);
  const rx = /rx (\d+) (\d+)/.exec(c.out);
  assert.ok(rx && Number(rx[1]) > 5, c.out + c.err);
  assert.equal(rx[2], '0', 'nothing passes a filter no traffic matches');
  assert.match(c.out, /cannot-send/);
  assert.match(c.err, /pcap backend, host interface p1/);
  assert.match(c.err, /eth0: pcap is receive-only/);
  assert.match(c.err, /eth2: pcap: bad filter 'no such filter': /);
});

test('tuntap: a named tap, plain Ethernet frames: the guest pings the host; no name says how to make one', { skip: noNs, timeout: 120_000 }, async () => {
  const ns = netns();
  ns.ip('tuntap add tap7 mode tap');
  ns.ip('addr add 10.6.0.1/24 dev tap7');
  ns.ip('link set tap7 up');
  const c = await runTuml(ns, ['eth0=tuntap,tap7,,10.6.0.1', 'eth1=tuntap', 'eth2=tuntap,,,10.6.0.300'], 'ip link set eth0 up && ip addr add 10.6.0.2/24 dev eth0; ping -c 2 -w 20 10.6.0.1 >/dev/null && echo ping-ok; ls /sys/class/net | grep -c ^eth');
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /ping-ok\n1/, c.out + c.err);
  assert.match(c.err, /TUN\/TAP backend - IP = 10\.6\.0\.1/);
  assert.match(c.err, /eth1: tuntap without a device name needs UML's uml_net helper/);
  assert.match(c.err, /Invalid tap IP address - '10\.6\.0\.300'/);
});
