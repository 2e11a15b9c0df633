// eth<N>= as UML's eth_setup and each transport's *_setup read it: positional fields where an
// empty one keeps the default, UML's defaults and messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEth, parseForward, splitIfSpec } from '../src/uml/cmdline/eth.js';
import { parseCommandLine } from '../src/uml/cmdline/index.js';

const cfg = (s: string) => {
  const r = parseEth(s);
  assert.ok('config' in r, JSON.stringify(r));
  return r.config;
};

test('split_if_spec: empty fields stay unset, the rest after the last field is returned', () => {
  assert.deepEqual(splitIfSpec('', 3), { fields: [] });
  assert.deepEqual(splitIfSpec('a,,c', 3), { fields: ['a', undefined, 'c'] });
  assert.deepEqual(splitIfSpec('a,b,c,d,e', 3), { fields: ['a', 'b', 'c'], rest: 'd,e' });
});

test('device numbers and transports as eth_setup reads them', () => {
  assert.deepEqual(parseEth('x=mcast'), { error: "eth_setup - Couldn't parse 'x=mcast' : Bad device number" });
  assert.deepEqual(parseEth('1mcast'), { error: "eth_setup - Couldn't parse '1mcast' : Expected '=' after device number" });
  assert.deepEqual(parseEth('1=mcast', new Set([1])), { error: "eth_setup - Couldn't parse '1=mcast' : Device already configured" });
  assert.equal(cfg('0x2=mcast').unit, 2);
  assert.deepEqual(parseEth('0=mcastx'), { unknown: 'mcastx' });
  assert.deepEqual(parseEth('0=slip,10.0.0.1').hasOwnProperty('refused'), true);
  assert.deepEqual(parseEth('0=ethertap'), { refused: ['ethertap_setup : Missing tap device name'] });
});

test("each transport's defaults, fields and messages", () => {
  assert.deepEqual(cfg('0=mcast').settings, { kind: 'mcast', addr: '239.192.168.1', lport: 1102, rport: 1102, ttl: 1 });
  assert.deepEqual(cfg('0=mcast').setupLog, ['Configured mcast device: 239.192.168.1:1102-1']);
  assert.deepEqual(parseEth('0=mcast,,,99x'), { refused: ["mcast_setup - Bad port : '99x'"] });
  assert.deepEqual(parseEth('0=mcast,,,1,t'), { refused: ["mcast_setup - Bad ttl : 't'"] });
  assert.deepEqual(parseEth('0=mcast,,,1,1,extra'), { refused: ["mcast_setup - Extra garbage on specification : 'extra'"] });
  assert.deepEqual(cfg('0=ucast,,127.0.0.1,5555,5556').setupLog, ['Configured ucast device: :5555 -> 127.0.0.1:5556']);
  assert.deepEqual(parseEth('0=ucast,,1.2.3.4,x'), { refused: ["ucast_setup - Bad listen port : 'x'"] });
  assert.deepEqual(cfg('0=daemon').settings, { kind: 'daemon', sockType: 'unix', ctl: '/var/run/uml-utilities/uml_switch.ctl' });
  assert.deepEqual(cfg('0=daemon,,unix,/s,/data').setupLog, ['daemon_setup : Ignoring data socket specification']);
  assert.deepEqual(cfg('0=tuntap,tap0,,10.0.0.1').settings, { kind: 'tuntap', dev: 'tap0', gate: '10.0.0.1' });
  assert.deepEqual(parseEth('0=tuntap,tap0,,10.0.0'), { refused: ["Invalid tap IP address - '10.0.0'"] });
  assert.deepEqual(cfg('0=slirp').settings, { kind: 'slirp', argv: ['slirp'] });
  assert.deepEqual(cfg('0=slirp,,/usr/bin/slirp,mtu_1500').settings, { kind: 'slirp', argv: ['/usr/bin/slirp', 'mtu 1500'] });
  assert.deepEqual(cfg('0=pcap').settings, { kind: 'pcap', hostIf: 'eth0', filter: undefined, promisc: true, optimize: false });
  assert.deepEqual(parseEth('0=pcap,eth0,,fast'), { refused: ["pcap_setup : bad option - 'fast'"] });
  assert.deepEqual(cfg('0=vde,/tmp/sw,,3,,0770').settings, { kind: 'vde', sock: '/tmp/sw', port: 3, group: undefined, mode: 0o770, descr: 'UML vde_transport' });
  assert.deepEqual(parseEth('0=vde,,,,,9'), { refused: ["vde_setup - Bad mode : '9'"] });
  // The MAC: the second field for most, the last for pcap.
  assert.deepEqual([...cfg('0=mcast,fe:fd:0:0:0:1').mac!], [0xfe, 0xfd, 0, 0, 0, 1]);
  assert.deepEqual([...cfg('0=pcap,lo,,,,fe:fd:0:0:0:2').mac!], [0xfe, 0xfd, 0, 0, 0, 2]);
  const bad = parseEth('0=mcast,zz');
  assert.ok('config' in bad && bad.warnings[0].includes("failed to parse 'zz'"));
});

test('passt forwards: hostfwd syntax, 127.0.0.1 unless an address is named', () => {
  assert.deepEqual(parseForward('tcp::8080-:80'), { proto: 'tcp', hostAddr: '127.0.0.1', hostPort: 8080, guestPort: 80 });
  assert.deepEqual(parseForward('hostfwd=udp:0.0.0.0:53-10.0.2.15:53'), { proto: 'udp', hostAddr: '0.0.0.0', hostPort: 53, guestPort: 53 });
  assert.match(parseForward('tcp::8080-10.0.2.9:80') as string, /guest's address is 10\.0\.2\.15/);
  assert.match(parseForward('tcp:8080:80') as string, /bad port forward/);
  assert.deepEqual(cfg('0=passt,,tcp::2222-:22,udp::5353-:53').settings, {
    kind: 'passt',
    forwards: [
      { proto: 'tcp', hostAddr: '127.0.0.1', hostPort: 2222, guestPort: 22 },
      { proto: 'udp', hostAddr: '127.0.0.1', hostPort: 5353, guestPort: 53 },
    ],
  });
});

test('on the command line: bad devices are reported and the boot goes on; eth args never reach the guest kernel', () => {
  const r = parseCommandLine(['eth0=mcast', 'eth1=bogus', 'eth2=mcast,,,x', 'ethx=y', 'quiet']);
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') return;
  assert.deepEqual(r.config.eth?.map((e) => e.unit), [0]);
  assert.ok(r.config.warnings.includes("mcast_setup - Bad port : 'x'"));
  assert.ok(r.config.warnings.includes("eth_setup - Couldn't parse 'x=y' : Bad device number"));
  assert.doesNotMatch(r.config.cmdline, /eth/);
});
