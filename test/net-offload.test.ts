// The device's own checksum and TCP segmentation for transports without a virtio-net
// header (daemon, mcast, passt ...): a guest super-frame goes out as MTU-sized frames
// that are byte-for-byte what a Linux stack would have sent, checksums of received frames
// are verified for the guest, and hostile offload requests are dropped and counted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { type Features } from '../src/virtio/device.js';
import {
  GUEST_HDR_LEN,
  type NetBackend,
  type NetPort,
  VIRTIO_NET_F_CSUM,
  VIRTIO_NET_F_GUEST_CSUM,
  VIRTIO_NET_F_HOST_ECN,
  VIRTIO_NET_F_HOST_TSO4,
  VirtioNet,
} from '../src/virtio/net.js';
import { checksumValid, fold, sum16 } from '../src/virtio/net-offload.js';
import { FakeIrq, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

const MAC = Uint8Array.of(0x02, 0x11, 0x22, 0x33, 0x44, 0x55);

class Wire implements NetBackend {
  readonly vnetHeader = false;
  sent: Uint8Array[] = [];
  sendCalls = 0;
  port!: NetPort;
  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    this.sendCalls++;
    // Takes at most 64 per call, as the datagram pump does.
    const n = Math.min(count, 64);
    for (let i = 0; i < n; i++) this.sent.push(buf.slice(offs[i], offs[i] + lens[i]));
    return n;
  }
  attach(port: NetPort): void {
    this.port = port;
  }
  rxSpace(): void {}
}

function setup(accept: (f: Features) => Features = (f) => f) {
  const mem = makeMemory(8 << 20);
  const wire = new Wire();
  const net = new VirtioNet(wire, { mac: MAC });
  const t = new VirtioMmio(mem, net, new FakeIrq());
  const drv = new MmioDriver(t, mem);
  drv.init([256, 256], accept);
  return { wire, net, drv, rx: drv.queues[0], tx: drv.queues[1] };
}

function hdr(flags: number, gso: number, gsoSize: number, csumStart: number, csumOff: number): Uint8Array {
  const h = new Uint8Array(GUEST_HDR_LEN);
  const v = new DataView(h.buffer);
  h[0] = flags;
  h[1] = gso;
  v.setUint16(4, gsoSize, true);
  v.setUint16(6, csumStart, true);
  v.setUint16(8, csumOff, true);
  return h;
}

const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/**
 * A TCP segment as a Linux guest hands it to a NIC with checksum offload: the checksum
 * field holds the pseudo-header's sum (without the length for GSO, as Linux does).
 */
function tcpFrame(v6: boolean, payload: Uint8Array, opts: { flags?: number; seq?: number; options?: number; gso?: boolean } = {}): Uint8Array {
  const l3 = 14;
  const ipLen = v6 ? 40 : 20;
  const doff = 20 + (opts.options ?? 12);
  const l4 = l3 + ipLen;
  const f = new Uint8Array(l4 + doff + payload.length);
  f.set([0x02, 0, 0, 0, 0, 2, ...MAC], 0);
  f[12] = v6 ? 0x86 : 0x08;
  f[13] = v6 ? 0xdd : 0x00;
  const put16 = (o: number, x: number) => ((f[o] = x >> 8), (f[o + 1] = x & 0xff));
  if (v6) {
    f[l3] = 0x60;
    put16(l3 + 4, doff + payload.length);
    f[l3 + 6] = 6;
    f[l3 + 7] = 64;
    f.set([0xfd, 0, ...new Array(13).fill(0), 1], l3 + 8);
    f.set([0xfd, 0, ...new Array(13).fill(0), 2], l3 + 24);
  } else {
    f[l3] = 0x45;
    put16(l3 + 2, ipLen + doff + payload.length);
    put16(l3 + 4, 0x1234);
    f[l3 + 6] = 0x40; // DF
    f[l3 + 8] = 64;
    f[l3 + 9] = 6;
    f.set([10, 0, 0, 1, 10, 0, 0, 2], l3 + 12);
    put16(l3 + 10, ~fold(sum16(f, l3, l3 + 20)) & 0xffff);
  }
  put16(l4, 40000);
  put16(l4 + 2, 5001);
  const seq = opts.seq ?? 0xfffff000; // wraps within the frame
  put16(l4 + 4, seq >>> 16);
  put16(l4 + 6, seq & 0xffff);
  f[l4 + 12] = (doff / 4) << 4;
  f[l4 + 13] = opts.flags ?? 0x18; // PSH ACK
  put16(l4 + 14, 65535);
  for (let i = 20; i < doff; i++) f[l4 + i] = 1; // NOPs
  f.set(payload, l4 + doff);
  const l4len = opts.gso ? 0 : doff + payload.length;
  const pseudo = v6 ? sum16(f, l3 + 8, l3 + 40) + 6 + l4len : sum16(f, l3 + 12, l3 + 20) + 6 + l4len;
  put16(l4 + 16, fold(pseudo));
  return f;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function ipv4HeaderOk(f: Uint8Array): boolean {
  return fold(sum16(f, 14, 14 + (f[14] & 15) * 4)) === 0xffff;
}

for (const v6 of [false, true]) {
  test(`TSO${v6 ? 6 : 4} without a wire header: the device cuts the super-frame into checksummed MSS-sized segments`, () => {
    const { wire, net, drv, tx } = setup();
    const payload = randomBytes(60000, 7);
    const mss = 1448;
    const f = tcpFrame(v6, payload, { flags: 0x80 | 0x18 | 0x01, gso: true }); // CWR PSH ACK FIN
    const l4 = 14 + (v6 ? 40 : 20);
    // The frame split across descriptors anywhere, header included.
    const whole = new Uint8Array([...hdr(1, v6 ? 4 : 1, mss, l4, 16), ...f]);
    const head = tx.add([{ data: whole.subarray(0, 7) }, { data: whole.subarray(7, 100) }, { data: whole.subarray(100) }]);
    drv.kick(1);
    const segs = Math.ceil(payload.length / mss);
    assert.equal(wire.sent.length, segs);
    assert.ok(wire.sendCalls >= 1);
    assert.deepEqual(tx.takeUsed(), [{ id: head, len: 0 }]);
    assert.equal(net.stats.txSegmented, 1);
    const got: Uint8Array[] = [];
    wire.sent.forEach((s, i) => {
      const n = Math.min(mss, payload.length - i * mss);
      assert.equal(s.length, l4 + 32 + n);
      assert.ok(checksumValid(s), `segment ${i}: TCP checksum`);
      if (v6) assert.equal(be16(s, 14 + 4), 32 + n);
      else {
        assert.ok(ipv4HeaderOk(s), `segment ${i}: IP header checksum`);
        assert.equal(be16(s, 16), 20 + 32 + n);
        assert.equal(be16(s, 18), (0x1234 + i) & 0xffff);
      }
      assert.equal(be32(s, l4 + 4), (0xfffff000 + i * mss) >>> 0);
      const flags = s[l4 + 13];
      assert.equal(flags & 0x10, 0x10, 'ACK on every segment');
      assert.equal(!!(flags & 0x80), i === 0, 'CWR on the first only');
      assert.equal(!!(flags & 0x09), i === segs - 1, 'FIN and PSH on the last only');
      assert.deepEqual(s.subarray(0, l4 - (v6 ? 40 : 20)), f.subarray(0, 14));
      got.push(s.subarray(l4 + 32));
    });
    assert.deepEqual(Buffer.concat(got), Buffer.from(payload));
  });
}

test('checksum offload without segmentation: the device completes TCP and UDP checksums', () => {
  const { wire, drv, tx } = setup();
  const t = tcpFrame(false, randomBytes(999, 3));
  tx.add([{ data: hdr(1, 0, 0, 34, 16) }, { data: t }]);
  // UDP over IPv6 with the pseudo-header's partial sum in place.
  const u = new Uint8Array(14 + 40 + 8 + 301);
  u[12] = 0x86;
  u[13] = 0xdd;
  u[14] = 0x60;
  u[18] = (8 + 301) >> 8;
  u[19] = (8 + 301) & 0xff;
  u[20] = 17;
  u.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9], 22);
  u.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8], 38);
  u[54 + 4] = (8 + 301) >> 8;
  u[54 + 5] = (8 + 301) & 0xff;
  u.set(randomBytes(301, 5), 62);
  const ps = fold(sum16(u, 22, 54) + 17 + 8 + 301);
  u[60] = ps >> 8;
  u[61] = ps & 0xff;
  tx.add([{ data: hdr(1, 0, 0, 54, 6) }, { data: u }]);
  drv.kick(1);
  assert.equal(wire.sent.length, 2);
  assert.ok(checksumValid(wire.sent[0]));
  assert.ok(checksumValid(wire.sent[1]));
  assert.equal(wire.sent[0].length, t.length, 'one frame stays one frame');
});

test('receive without a wire header: right TCP/UDP checksums are marked DATA_VALID, wrong ones are left to the guest', () => {
  const { wire, net, rx } = setup();
  const good = tcpFrame(false, randomBytes(500, 9));
  // Complete the checksum the way a sender does.
  good[50] = good[51] = 0;
  const l4len = good.length - 34;
  const c = ~fold(sum16(good, 34, good.length, sum16(good, 26, 34) + 6 + l4len)) & 0xffff;
  good[50] = c >> 8;
  good[51] = c & 0xff;
  assert.ok(checksumValid(good));
  const bad = good.slice();
  bad[200] ^= 1;
  const h1 = rx.add([{ len: 2048, writable: true }]);
  const h2 = rx.add([{ len: 2048, writable: true }]);
  const buf = new Uint8Array([...good, ...bad]);
  assert.equal(wire.port.deliver(buf, Int32Array.of(0, good.length), Int32Array.of(good.length, bad.length), 2), 2);
  assert.equal(rx.written(h1, 1)[0], 2, 'DATA_VALID');
  assert.equal(rx.written(h2, 1)[0], 0, 'a bad checksum is the guest\'s to find');
  assert.equal(net.stats.rxCsumVerified, 1);
  // A guest that did not take GUEST_CSUM is never told.
  const n = setup((f) => [f[0] & ~(1 << VIRTIO_NET_F_GUEST_CSUM), f[1]]);
  const h = n.rx.add([{ len: 2048, writable: true }]);
  n.wire.port.deliver(good, Int32Array.of(0), Int32Array.of(good.length), 1);
  assert.equal(n.rx.written(h, 1)[0], 0);
});

test('hostile segmentation requests from the guest are dropped and counted, and the queue goes on', () => {
  const { wire, net, drv, tx } = setup();
  const p = randomBytes(5000, 11);
  const v4 = tcpFrame(false, p, { gso: true });
  const bad: Array<[Uint8Array, Uint8Array]> = [];
  bad.push([hdr(1, 1, 0, 34, 16), v4]); // MSS 0
  bad.push([hdr(1, 1, 1448, 14, 16), v4]); // checksum not at the TCP header
  bad.push([hdr(0, 1, 1448, 34, 16), v4]); // segmentation without checksum offload
  bad.push([hdr(1, 4, 1448, 34, 16), v4]); // TCPv6 on an IPv4 frame
  bad.push([hdr(1, 3, 1448, 34, 6), v4]); // UDP fragmentation offload: never offered
  bad.push([hdr(1, 1, 1, 34, 16), tcpFrame(false, randomBytes(60000, 1), { gso: true })]); // 60000 segments
  const short = v4.slice();
  short[16] = 0xff; // IP total length past the frame
  bad.push([hdr(1, 1, 1448, 34, 16), short]);
  const frag = v4.slice();
  frag[20] = 0x20; // more fragments
  bad.push([hdr(1, 1, 1448, 34, 16), frag]);
  const doff = v4.slice();
  doff[34 + 12] = 0x40; // data offset 16 bytes
  bad.push([hdr(1, 1, 1448, 34, 16), doff]);
  const deep = v4.slice();
  deep[34 + 12] = 0xf0; // options past the end of a header-only frame
  bad.push([hdr(1, 1, 1448, 34, 16), deep.subarray(0, 60)]);
  const udp = v4.slice();
  udp[23] = 17; // not TCP
  bad.push([hdr(1, 1, 1448, 34, 16), udp]);
  bad.push([hdr(1, 1, 1448, 34, 16), tcpFrame(false, new Uint8Array(0), { gso: true })]); // nothing to cut
  const arp = v4.slice();
  arp[12] = 0x08;
  arp[13] = 0x06;
  bad.push([hdr(1, 1, 1448, 34, 16), arp]);
  bad.push([hdr(1, 0, 0, 60000, 16), v4]); // checksum start past the end
  bad.push([hdr(0x40, 0, 0, 0, 0), v4]); // unknown flag
  for (const [h, f] of bad) tx.add([{ data: h }, { data: f }]);
  drv.kick(1);
  assert.equal(wire.sent.length, 0);
  assert.equal(net.stats.txErrors, bad.length);
  assert.equal(tx.takeUsed().length, bad.length, 'every chain goes back to the guest');
  tx.add([{ data: hdr(1, 1, 1448, 34, 16) }, { data: v4 }]);
  drv.kick(1);
  assert.equal(wire.sent.length, Math.ceil(5000 / 1448));
  // ECN-marked segmentation needs HOST_ECN.
  const e = setup((f) => [f[0] & ~(1 << VIRTIO_NET_F_HOST_ECN), f[1]]);
  e.tx.add([{ data: hdr(1, 0x81, 1448, 34, 16) }, { data: v4 }]);
  e.drv.kick(1);
  assert.equal(e.wire.sent.length, 0);
  assert.equal(e.net.stats.txErrors, 1);
  // Offloads the guest turned down are refused too.
  const o = setup((f) => [f[0] & ~((1 << VIRTIO_NET_F_CSUM) | (1 << VIRTIO_NET_F_HOST_TSO4)), f[1]]);
  o.tx.add([{ data: hdr(1, 0, 0, 34, 16) }, { data: v4 }]);
  o.tx.add([{ data: hdr(1, 1, 1448, 34, 16) }, { data: v4 }]);
  o.drv.kick(1);
  assert.equal(o.wire.sent.length, 0);
  assert.equal(o.net.stats.txErrors, 2);
});

test('random offload headers over random and mutated frames never throw, and every chain is returned', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let round = 0; round < 20; round++) {
    const { drv, tx, net, wire } = setup();
    let added = 0;
    for (let i = 0; i < 60; i++) {
      const base = rnd(2) ? tcpFrame(rnd(2) === 1, randomBytes(rnd(9000), i + round), { gso: true, options: rnd(11) * 4 }) : randomBytes(14 + rnd(3000), i);
      for (let k = rnd(4); k > 0; k--) base[rnd(Math.min(base.length, 80))] = rnd(256);
      tx.add([{ data: hdr(rnd(4), [0, 1, 4, 0x81, 3, 0x7f][rnd(6)], rnd(3) ? 1 + rnd(3000) : 0, rnd(120), rnd(40)) }, { data: base }]);
      added++;
    }
    drv.kick(1);
    assert.equal(tx.takeUsed().length, added);
    for (const s of wire.sent) assert.ok(s.length >= 14);
    assert.ok(net.stats.txErrors + net.stats.txFrames >= 0);
  }
});

test('checksumValid: frames that are no TCP/UDP, truncated or fragmented are not vouched for', () => {
  const good = tcpFrame(false, randomBytes(100, 1));
  good[50] = good[51] = 0;
  const c = ~fold(sum16(good, 34, good.length, sum16(good, 26, 34) + 6 + good.length - 34)) & 0xffff;
  good[50] = c >> 8;
  good[51] = c & 0xff;
  assert.ok(checksumValid(good));
  assert.equal(checksumValid(good.subarray(0, 40)), false);
  const frag = good.slice();
  frag[21] = 1;
  assert.equal(checksumValid(frag), false);
  assert.equal(checksumValid(new Uint8Array(0)), false);
  assert.equal(checksumValid(new Uint8Array(13)), false);
  const udp0 = good.slice();
  udp0[23] = 17;
  assert.equal(checksumValid(udp0), false);
});

test('receive coalescing: in-order segments of one flow reach the guest as one TSO frame; anything else breaks the run', () => {
  // Segments as the device cuts them for the wire.
  const a = setup();
  const payload = randomBytes(20000, 21);
  a.tx.add([{ data: hdr(1, 1, 1448, 34, 16) }, { data: tcpFrame(false, payload, { gso: true, flags: 0x10 }) }]);
  a.drv.kick(1);
  const segs = a.wire.sent;
  assert.equal(segs.length, 14);
  const b = setup();
  const heads: number[] = [];
  for (let i = 0; i < 128; i++) heads.push(b.rx.add([{ len: 1536, writable: true }]));
  // Frame 5 corrupted, frame 7 again after 9: three runs, the bad frame, the repeat alone.
  const bad = segs[5].slice();
  bad[100] ^= 0xff;
  const list = [...segs.slice(0, 5), bad, ...segs.slice(6, 10), segs[7], ...segs.slice(10)];
  const total = list.reduce((n, f) => n + f.length, 0);
  const buf = new Uint8Array(total);
  const offs = new Int32Array(list.length);
  const lens = new Int32Array(list.length);
  let p = 0;
  list.forEach((f, i) => {
    buf.set(f, p);
    offs[i] = p;
    lens[i] = f.length;
    p += f.length;
  });
  assert.equal(b.wire.port.deliver(buf, offs, lens, list.length), list.length);
  // Reassemble what the guest got: header, then frame across num_buffers buffers.
  const used = b.rx.takeUsed();
  const frames: Array<{ h: Uint8Array; f: Uint8Array }> = [];
  for (let i = 0; i < used.length; ) {
    const first = b.rx.written(used[i].id, used[i].len);
    const nb = first[10] | (first[11] << 8);
    const parts = [first.subarray(GUEST_HDR_LEN)];
    for (let k = 1; k < nb; k++) parts.push(b.rx.written(used[i + k].id, used[i + k].len));
    frames.push({ h: first.subarray(0, GUEST_HDR_LEN), f: new Uint8Array(Buffer.concat(parts)) });
    i += nb;
  }
  assert.deepEqual(frames.map((x) => x.h[1]), [1, 0, 1, 0, 1], 'GSO, the bad one, GSO, the repeat, GSO');
  assert.deepEqual(frames.map((x) => x.h[0]), [1, 0, 1, 2, 1], 'NEEDS_CSUM on super-frames, DATA_VALID on a good lone frame');
  const data: Uint8Array[] = [];
  for (const i of [0, 2, 4]) {
    const { h, f } = frames[i];
    const v = new DataView(h.buffer, h.byteOffset);
    assert.equal(v.getUint16(4, true), 1448, 'gso_size');
    assert.equal(v.getUint16(6, true), 34);
    assert.equal(v.getUint16(8, true), 16);
    assert.equal(be16(f, 16), f.length - 14, 'IP total length');
    assert.ok(ipv4HeaderOk(f));
    // Completing the partial checksum gives a valid segment.
    const done = f.slice();
    const c = ~fold(sum16(done, 34, done.length)) & 0xffff;
    done[50] = c >> 8;
    done[51] = c & 0xff;
    assert.ok(checksumValid(done));
    data.push(f.subarray(66));
  }
  assert.deepEqual(Buffer.concat(data), Buffer.concat([Buffer.from(payload.subarray(0, 5 * 1448)), Buffer.from(payload.subarray(6 * 1448))]));
  assert.equal(b.net.stats.rxCoalesced, 5 + 4 + 4);
});
