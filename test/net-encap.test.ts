// The tunnel encapsulations on their own: pinned sequence numbers and counters, IPv4
// headers with options on receive, and the header lengths of every combination.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GreEncap, greParams } from '../src/host/net/gre.js';
import { L2tpEncap, l2tpParams } from '../src/host/net/l2tpv3.js';
import { NetOpenError } from '../src/host/net/common.js';
import { parseVec } from '../src/uml/cmdline/vec.js';

const cfg = (s: string) => {
  const r = parseVec(s);
  if ('error' in r) throw new Error(r.error);
  return r.config;
};

test('gre: header lengths, pinned sequence, and an IPv4 header with options on receive', () => {
  assert.equal(new GreEncap(greParams('vec0', cfg('vec0:transport=gre'))).txHeader, 4);
  assert.equal(new GreEncap(greParams('vec0', cfg('vec0:transport=gre,rx_key=1,tx_key=2'))).txHeader, 8);
  const e = new GreEncap(greParams('vec0', cfg('vec0:transport=gre,rx_key=1,tx_key=2,sequence=1,pin_sequence=1')));
  assert.equal(e.txHeader, 12);
  const buf = new Uint8Array(64);
  e.encap(buf, 32, 14);
  e.encap(buf, 32, 14);
  assert.deepEqual([...buf.subarray(20, 32)], [0x30, 0, 0x65, 0x58, 0, 0, 0, 2, 0, 0, 0, 0], 'pinned: always 0');
  // What a raw IPv4 socket delivers: a 24-byte header (one option word), then GRE.
  const k = new GreEncap(greParams('vec0', cfg('vec0:transport=gre,rx_key=1,tx_key=2')));
  const pkt = new Uint8Array(24 + 8 + 14);
  pkt[0] = 0x46;
  pkt.set([0x20, 0, 0x65, 0x58, 0, 0, 0, 1], 24);
  assert.equal(k.decap(pkt, 0, pkt.length), 32);
  pkt[0] = 0x44; // IHL below 5: not an IPv4 header
  assert.equal(k.decap(pkt, 0, pkt.length), -1);
  assert.throws(() => greParams('vec0', cfg('vec0:transport=gre,rx_key=1')), NetOpenError, 'rx_key alone');
  assert.equal(greParams('vec0', cfg('vec0:transport=gre,tx_key=1')).key, undefined, 'tx_key alone is ignored');
  assert.equal(greParams('vec0', cfg('vec0:transport=gre,rx_key=-1,tx_key=0x7fffffff')).key?.rx, 0xffffffff);
});

test('l2tpv3: header layout in UDP and IP mode, pinned counter, cookies both or neither', () => {
  const udp = new L2tpEncap(l2tpParams('vec0', cfg('vec0:transport=l2tpv3,udp=1,rx_session=1,tx_session=0xffffffff,rx_cookie=1,tx_cookie=0x0102030405060708,cookie64=1,counter=1,pin_counter=1')));
  assert.equal(udp.txHeader, 4 + 4 + 8 + 4);
  const buf = new Uint8Array(64);
  udp.encap(buf, 40, 14);
  assert.deepEqual([...buf.subarray(20, 40)], [0, 3, 0, 0, 255, 255, 255, 255, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  const ip = new L2tpEncap(l2tpParams('vec0', cfg('vec0:transport=l2tpv3,rx_session=7,tx_session=8,counter=1')));
  assert.equal(ip.txHeader, 8);
  ip.encap(buf, 40, 14);
  ip.encap(buf, 40, 14);
  assert.deepEqual([...buf.subarray(32, 40)], [0, 0, 0, 8, 0, 0, 0, 2], 'counter counts from 1');
  const pkt = new Uint8Array(20 + 8 + 14);
  pkt[0] = 0x45;
  pkt.set([0, 0, 0, 7], 20);
  assert.equal(ip.decap(pkt, 0, pkt.length), 28);
  pkt[23] = 6;
  assert.equal(ip.decap(pkt, 0, pkt.length), -1, 'session mismatch');
  assert.throws(() => l2tpParams('vec0', cfg('vec0:transport=l2tpv3,rx_session=1,tx_session=2,rx_cookie=5')), NetOpenError);
  assert.throws(() => l2tpParams('vec0', cfg('vec0:transport=l2tpv3,rx_session=1')), NetOpenError);
});
