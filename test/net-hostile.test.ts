// The tunnel transports on real loopback sockets, with a virtio-net device driven by
// the test driver: the wire format tuml sends (spec §3.5/3.6, byte for byte), and what a
// hostile peer sends (runts, giants, wrong keys, cookies, sessions, headers, a flood) is
// dropped and counted while good frames still arrive.

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { type DatagramPump } from '../src/host/net/pump.js';
import { openTransport } from '../src/host/net/index.js';
import * as native from '../src/host/native/index.js';
import { parseVec } from '../src/uml/cmdline/vec.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { GUEST_HDR_LEN, VirtioNet } from '../src/virtio/net.js';
import { FakeIrq, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

const MAC = Uint8Array.of(2, 0, 0, 0, 0, 9);

function nic(spec: string) {
  const r = parseVec(spec);
  if ('error' in r) throw new Error(r.error);
  const logs: string[] = [];
  const backend = openTransport('vec0', r.config, MAC, (l) => logs.push(l)) as DatagramPump;
  const net = new VirtioNet(backend, { mac: MAC, mtu: r.config.mtu });
  const mem = makeMemory(16 << 20);
  const drv = new MmioDriver(new VirtioMmio(mem, net, new FakeIrq()), mem);
  drv.init([256, 256], (f) => f);
  const rx = drv.queues[0];
  const heads: number[] = [];
  for (let i = 0; i < 200; i++) heads.push(rx.add([{ len: 2048, writable: true }]));
  drv.kick(0);
  /** Frames the guest got so far. */
  const received = (): Uint8Array[] =>
    rx.takeUsed().map((u) => rx.written(u.id, u.len).slice(GUEST_HDR_LEN));
  const send = (frames: Uint8Array[]) => {
    for (const f of frames) drv.queues[1].add([{ data: new Uint8Array(GUEST_HDR_LEN) }, { data: f }]);
    drv.kick(1);
  };
  return { backend, net, received, send, logs, close: () => backend.close() };
}

function frame(len: number, tag: number): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5]);
  for (let i = 14; i < len; i++) f[i] = (tag + i) & 0xff;
  return f;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const be32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

test('l2tpv3 over UDP: the wire format, and hostile datagrams dropped and counted', async () => {
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  const peerPort = peer.address().port;
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const myPort = probe.address().port;
  probe.close(); // a free port for the instance
  const n = nic(`vec0:transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=${myPort},dstport=${peerPort},rx_session=0x10,tx_session=0x20,rx_cookie=0xa1a2a3a4,tx_cookie=0xb1b2b3b4,counter=1`);
  const got: Buffer[] = [];
  peer.on('message', (m) => got.push(m));
  try {
    // What tuml sends: data word, session, cookie, counter from 1.
    const out = [frame(60, 1), frame(1514, 2), frame(100, 3)];
    n.send(out);
    await until(() => got.length === 3, 'three datagrams at the peer');
    got.forEach((m, i) => {
      assert.deepEqual(new Uint8Array(m.subarray(0, 16)), cat(be32(0x00030000), be32(0x20), be32(0xb1b2b3b4), be32(i + 1)));
      assert.deepEqual(new Uint8Array(m.subarray(16)), out[i]);
    });

    const good = (tag: number) => cat(be32(0x00030000), be32(0x10), be32(0xa1a2a3a4), be32(99), frame(80, tag));
    const hostile = [
      Uint8Array.of(1, 2, 3), // shorter than the header
      cat(be32(0x00030000), be32(0x10), be32(0xa1a2a3a4), be32(1)), // header, no frame
      cat(be32(0x00030000), be32(0x10), be32(0xa1a2a3a4), be32(1), new Uint8Array(5)), // runt frame
      cat(be32(0x00030000), be32(0x11), be32(0xa1a2a3a4), be32(1), frame(80, 9)), // wrong session
      cat(be32(0x00030000), be32(0x10), be32(0xa1a2a3a5), be32(1), frame(80, 9)), // wrong cookie
      cat(be32(0x00030000), be32(0x10), be32(0xa1a2a3a4), be32(1), frame(9000, 9)), // giant for mtu 1500
    ];
    const sendTo = (d: Uint8Array) => new Promise<void>((r) => peer.send(d, myPort, '127.0.0.1', () => r()));
    await sendTo(good(1));
    for (const h of hostile) await sendTo(h);
    await sendTo(good(2));
    await until(() => n.net.stats.rxFrames === 2, 'the two good frames');
    const frames = n.received();
    assert.deepEqual(frames, [frame(80, 1), frame(80, 2)]);
    assert.equal(n.backend.stats.rxEncapErrors, 3, 'short, wrong session, wrong cookie');
    assert.equal(n.backend.stats.rxTruncated, 1, 'the giant');
    assert.equal(n.net.stats.rxErrors, 6, 'every hostile datagram dropped at the device too');

    // A flood of bad datagrams: the instance keeps up, counts, and good frames still arrive.
    const bad = cat(be32(0x00030000), be32(0x99), be32(0xa1a2a3a4), be32(1), frame(60, 0));
    for (let i = 0; i < 3000; i++) peer.send(bad, myPort, '127.0.0.1');
    // The host may drop part of the flood (and what follows it) when the socket's buffer
    // fills while this process is busy sending: good frames are repeated until one arrives.
    await until(() => {
      peer.send(good(3), myPort, '127.0.0.1');
      return n.net.stats.rxFrames >= 3;
    }, 'a good frame after the flood', 20_000);
    assert.ok(n.backend.stats.rxEncapErrors > 100, `flood counted (${n.backend.stats.rxEncapErrors})`);
    const after = n.received();
    assert.ok(after.length >= 1);
    for (const f of after) assert.deepEqual(f, frame(80, 3));
  } finally {
    n.close();
    peer.close();
  }
});

test('gre: keyed and sequenced wire format, and wrong headers or keys dropped and counted', async () => {
  // A raw GRE peer on loopback, as a gretap interface would be.
  const fd = native.socket(native.AF_INET, native.SOCK_RAW, 47);
  native.bindInet(fd, Uint8Array.of(127, 0, 0, 1));
  native.connectInet(fd, Uint8Array.of(127, 0, 0, 2));
  const n = nic('vec0:transport=gre,src=127.0.0.2,dst=127.0.0.1,rx_key=5,tx_key=6,sequence=1');
  const buf = new Uint8Array(4 * 2048);
  const offs = Int32Array.of(0, 2048, 4096, 6144);
  const lens = new Int32Array(4);
  const recvAll = (): Uint8Array[] => {
    lens.fill(2048);
    const k = native.recvMany(fd, buf, offs, lens, 4);
    return k > 0 ? Array.from({ length: k }, (_, i) => buf.slice(offs[i], offs[i] + lens[i])) : [];
  };
  try {
    const out = [frame(60, 1), frame(1000, 2)];
    n.send(out);
    const got: Uint8Array[] = [];
    await until(() => (got.push(...recvAll()), got.length >= 2), 'two GRE packets at the peer');
    got.forEach((p, i) => {
      const ihl = (p[0] & 15) * 4; // a raw IPv4 socket delivers the IP header
      assert.equal(p[9], 47);
      assert.deepEqual(p.subarray(ihl, ihl + 12), cat(Uint8Array.of(0x30, 0x00, 0x65, 0x58), be32(6), be32(i + 1)));
      assert.deepEqual(p.subarray(ihl + 12), out[i]);
    });

    const sendRaw = (d: Uint8Array) => {
      const b = new Uint8Array(d.length);
      b.set(d);
      assert.equal(native.sendMany(fd, b, Int32Array.of(0), Int32Array.of(b.length), 1), 1);
    };
    const hdr = (flags: number, proto: number, key: number) => cat(Uint8Array.of(flags >> 8, flags & 255, proto >> 8, proto & 255), be32(key), be32(7));
    sendRaw(cat(hdr(0x3000, 0x6558, 5), frame(70, 1)));
    sendRaw(Uint8Array.of(0x30, 0)); // short
    sendRaw(cat(hdr(0x2000, 0x6558, 5), frame(70, 9))); // no sequence: not the header we expect
    sendRaw(cat(hdr(0x3000, 0x0800, 5), frame(70, 9))); // not Ethernet
    sendRaw(cat(hdr(0x3000, 0x6558, 4), frame(70, 9))); // wrong key
    sendRaw(cat(hdr(0xb000, 0x6558, 5), frame(70, 9))); // checksum bit
    sendRaw(cat(hdr(0x3000, 0x6558, 5), new Uint8Array(3))); // runt frame
    sendRaw(cat(hdr(0x3000, 0x6558, 5), frame(70, 2)));
    await until(() => n.net.stats.rxFrames === 2, 'the two good frames');
    assert.deepEqual(n.received(), [frame(70, 1), frame(70, 2)]);
    assert.equal(n.backend.stats.rxEncapErrors, 5);
    assert.equal(n.net.stats.rxErrors, 6);
  } finally {
    n.close();
    native.close(fd);
  }
});
