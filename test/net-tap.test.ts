// vec<N> over real host interfaces, in namespaces the tests make: the guest pings the
// host and moves data both ways over TCP through a tap and through a raw socket on
// one end of a veth pair; bad options stop with one line; a missing capability is one
// line and nothing else fails; a tap already in use is refused cleanly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { Netns, available, guestScript, hostPeer, runTuml, tcpPeerSource, tuml } from './helpers/netns.js';

const skip = available ? false : 'needs root to create network namespaces';
const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
});
function netns(): Netns {
  const ns = new Netns();
  made.push(ns);
  return ns;
}

const BYTES = 2 << 20;

function checkTransfer(guestOut: string, hostOut: string): void {
  assert.match(guestOut, /ping-ok/);
  const gs = /guest-sent ([0-9a-f]{64})/.exec(guestOut);
  const gr = /guest-received (\d+) ([0-9a-f]{64})/.exec(guestOut);
  const hs = /sending (\d+) ([0-9a-f]{64})/.exec(hostOut);
  const hr = /received (\d+) ([0-9a-f]{64})/.exec(hostOut);
  assert.ok(gs && gr && hs && hr, `guest:\n${guestOut}\nhost:\n${hostOut}`);
  assert.equal(hr[1], String(BYTES), 'host received everything the guest sent');
  assert.equal(hr[2], gs[1], 'guest → host data intact');
  assert.equal(gr[1], hs[1], 'guest received everything the host sent');
  assert.equal(gr[2], hs[2], 'host → guest data intact');
}

for (const [transport, gro] of [['tap', 0], ['tap', 1], ['hybrid', 1]] as const) {
  test(`${transport} (gro=${gro}): ping and TCP both ways between guest and host`, { skip, timeout: 180_000 }, async () => {
    const ns = netns();
    ns.ip('tuntap add tap0 mode tap');
    ns.ip('addr add 192.168.77.1/24 dev tap0');
    ns.ip('link set tap0 up');
    const host = hostPeer(ns, tcpPeerSource('192.168.77.1', 5555, '192.168.77.2', 6000, BYTES));
    const r = await runTuml(ns, [`vec0:transport=${transport},ifname=tap0,depth=128,gro=${gro}`], guestScript('192.168.77.2', '192.168.77.1', 5555, 6000, BYTES));
    const hostOut = await host.catch((e) => String(e));
    assert.equal(r.code, 0, r.err);
    if (transport === 'tap') assert.match(r.err, /vec0: tap tap0: using vnet headers/);
    checkTransfer(r.out, hostOut);
  });
}

test('raw on one end of a veth pair: ping and TCP both ways between guest and host', { skip, timeout: 180_000 }, async () => {
  const ns = netns();
  ns.ip('link add veth0 type veth peer name p-veth0');
  ns.ip('addr add 192.168.78.1/24 dev veth0');
  ns.ip('link set veth0 up');
  ns.ip('link set p-veth0 up');
  const host = hostPeer(ns, tcpPeerSource('192.168.78.1', 5555, '192.168.78.2', 6000, BYTES));
  const r = await runTuml(ns, ['vec0:transport=raw,ifname=p-veth0,depth=128,gro=1'], guestScript('192.168.78.2', '192.168.78.1', 5555, 6000, BYTES));
  const hostOut = await host.catch((e) => String(e));
  assert.equal(r.code, 0, r.err);
  checkTransfer(r.out, hostOut);
});

test('bad vec options stop with one line in UML\'s words and status 1', () => {
  const cases: [string, RegExp][] = [
    ['vec0transport=tap', /^tuml: vector_setup - Couldn't parse '0transport=tap' : Expected ':' after device number$/],
    ['vecx:transport=tap', /^tuml: vector_setup - Couldn't parse 'x:transport=tap' : Bad device number$/],
    ['vec0:transport=tap,ifname=a=b', /^tuml: vector_setup - Couldn't parse 'ifname=a=b'$/],
    ['vec0:ifname=tap0', /^tuml: missing transport for unit 0$/],
    ['vec0:transport=ppp', /^tuml: vec0: unknown transport 'ppp'/],
  ];
  for (const [arg, re] of cases) {
    const r = spawnSync(process.execPath, [tuml, arg, '--', 'true'], { encoding: 'utf8' });
    assert.equal(r.status, 1, arg);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${arg}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), re);
  }
  const dup = spawnSync(process.execPath, [tuml, 'vec0:transport=tap', 'vec0:transport=raw', '--', 'true'], { encoding: 'utf8' });
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /Couldn't parse '0:transport=raw' : Device already configured/);
});

test('without CAP_NET_ADMIN / CAP_NET_RAW: one line naming the capability, the guest still boots', { skip, timeout: 180_000 }, async () => {
  const ns = netns();
  ns.ip('link add veth0 type veth peer name p-veth0');
  // Root without CAP_NET_ADMIN may attach to an unowned tap but not create one.
  const a = await runTuml(ns, ['vec0:transport=tap,ifname=tapnew0'], 'ip link show eth0', { dropCaps: '-net_admin,-net_raw' });
  assert.equal(a.code, 0, a.err);
  const capLines = a.err.split('\n').filter((l) => l.includes('CAP_NET_ADMIN'));
  assert.equal(capLines.length, 1, a.err);
  assert.match(capLines[0], /^tuml: vec0: .*tapnew0.* needs CAP_NET_ADMIN: .*setcap cap_net_admin,cap_net_raw\+ep/);
  assert.match(a.out, /eth0: <BROADCAST,MULTICAST>/, 'the NIC exists, without carrier');
  assert.ok(!/tapnew0/.test(ns.ip('link show')), 'no tap was made');
  // An unprivileged user: raw sockets need CAP_NET_RAW.
  const b = await runTuml(ns, ['uml_dir=/tmp/', 'vec0:transport=raw,ifname=p-veth0'], 'true', { uid: 65534 });
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, /^tuml: vec0: a raw socket on p-veth0 needs CAP_NET_RAW: /m);
});

test('a second instance on the same tap is refused with one line; the first keeps it', { skip, timeout: 180_000 }, async () => {
  const ns = netns();
  ns.ip('tuntap add tap0 mode tap');
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const first = runTuml(ns, ['vec0:transport=tap,ifname=tap0'], 'sleep 60', { onErr: (s) => s.includes('using vnet headers') && opened() });
  try {
    await isOpen;
    const second = await runTuml(ns, ['vec0:transport=tap,ifname=tap0'], 'ip link show eth0');
    assert.equal(second.code, 0, second.err);
    assert.match(second.err, /^tuml: vec0: tap tap0 is in use by another process$/m);
    assert.match(second.out, /eth0: <BROADCAST,MULTICAST>/);
  } finally {
    first.child.kill('SIGTERM');
    await first.catch(() => undefined);
  }
});
