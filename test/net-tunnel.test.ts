// gre and l2tpv3 between two tuml instances, inside a namespace the test makes (the
// tunnels run over its loopback): ping and a TCP transfer between the guests, for
// keyed and sequenced GRE, L2TPv3 over UDP with 64-bit cookies and a counter over
// IPv6, and L2TPv3 straight over IP with 32-bit cookies.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Netns, assertTransfer, available, receiverLines, runTuml, senderLines } from './helpers/netns.js';

const skip = available ? false : 'needs root to create network namespaces';
const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
});

const BYTES = 1 << 20;

interface Variant {
  name: string;
  a: string;
  b: string;
  v6lo?: boolean;
}

const variants: Variant[] = [
  {
    name: 'gre with keys and sequence numbers (IPv4)',
    a: 'vec0:transport=gre,src=127.0.0.1,dst=127.0.0.2,rx_key=0x1234,tx_key=-7,sequence=1',
    b: 'vec0:transport=gre,src=127.0.0.2,dst=127.0.0.1,rx_key=-7,tx_key=0x1234,sequence=1',
  },
  {
    name: 'gre over IPv6, no key',
    a: 'vec0:transport=gre,v6=1,src=::1,dst=fd00::2',
    b: 'vec0:transport=gre,v6=1,src=fd00::2,dst=::1',
    v6lo: true,
  },
  {
    name: 'l2tpv3 over UDP/IPv6 with 64-bit cookies and a counter',
    a: 'vec0:transport=l2tpv3,udp=1,v6=1,src=::1,dst=::1,srcport=1706,dstport=1707,rx_session=0xffffffff,tx_session=0xffff,rx_cookie=0x0102030405060708,tx_cookie=0x1112131415161718,cookie64=1,counter=1',
    b: 'vec0:transport=l2tpv3,udp=1,v6=1,src=::1,dst=::1,srcport=1707,dstport=1706,rx_session=0xffff,tx_session=0xffffffff,rx_cookie=0x1112131415161718,tx_cookie=0x0102030405060708,cookie64=1,counter=1',
  },
  {
    name: 'l2tpv3 over IP (protocol 115) with 32-bit cookies, one side with vec=0',
    a: 'vec0:transport=l2tpv3,src=127.0.0.1,dst=127.0.0.2,rx_session=1,tx_session=2,rx_cookie=0xcafe,tx_cookie=0xbeef',
    b: 'vec0:transport=l2tpv3,src=127.0.0.2,dst=127.0.0.1,rx_session=2,tx_session=1,rx_cookie=0xbeef,tx_cookie=0xcafe,vec=0',
  },
];

for (const v of variants) {
  test(`tuml ↔ tuml over ${v.name}: ping and TCP`, { skip, timeout: 180_000 }, async () => {
    const ns = new Netns();
    made.push(ns);
    if (v.v6lo) ns.ip('addr add fd00::2/128 dev lo nodad');
    const server = runTuml(ns, [v.a], [
      'ip link set eth0 up && ip addr add 10.0.0.1/24 dev eth0',
      ...receiverLines('10.0.0.2'),
    ].join('\n'));
    const client = runTuml(ns, [v.b], [
      'ip link set eth0 up && ip addr add 10.0.0.2/24 dev eth0',
      'ping -c 1 -w 60 10.0.0.1 >/dev/null && echo ping-ok',
      ...senderLines('10.0.0.1', BYTES),
    ].join('\n'));
    const [s, c] = await Promise.all([server, client]);
    assert.equal(c.code, 0, c.err);
    assert.equal(s.code, 0, s.err);
    assert.match(c.out, /ping-ok/);
    assertTransfer(c.out, s.out, BYTES);
  });
}
