// virtio-net driven through virtio-mmio by the test driver: configuration, the header
// translation both ways, mergeable receive buffers, backpressure, and what a hostile
// guest or a hostile wire sends (runts, giants, offloads nobody negotiated, bad rings).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VIRTIO_F_VERSION_1, VIRTIO_STATUS_DEVICE_NEEDS_RESET, type Features, featureBits, hasFeature } from '../src/virtio/device.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import {
  GUEST_HDR_LEN,
  type NetBackend,
  type NetPort,
  TX_HEADROOM,
  VIRTIO_NET_F_CSUM,
  VIRTIO_NET_F_GUEST_CSUM,
  VIRTIO_NET_F_GUEST_TSO4,
  VIRTIO_NET_F_HOST_TSO4,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_NET_F_MTU,
  VIRTIO_NET_F_STATUS,
  VNET_HDR_LEN,
  VirtioNet,
} from '../src/virtio/net.js';
import { VIRTQ_DESC_F_WRITE } from '../src/virtio/queue.js';
import { FakeIrq, MMIO_REG, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

const MAC = Uint8Array.of(0x02, 0x11, 0x22, 0x33, 0x44, 0x55);

/** Records what the device sends; takes at most `room` frames per call when set. */
class RecordingBackend implements NetBackend {
  sent: Uint8Array[] = [];
  sendCalls = 0;
  room = Infinity;
  rxSpaceCalls = 0;
  port!: NetPort;
  offloads: boolean[] = [];
  constructor(readonly vnetHeader: boolean) {}
  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    this.sendCalls++;
    const n = Math.min(count, this.room);
    this.room -= n;
    for (let i = 0; i < n; i++) {
      // The headroom before each frame is the transport's to write.
      assert.ok(offs[i] >= TX_HEADROOM);
      buf.fill(0xee, offs[i] - TX_HEADROOM, offs[i]);
      this.sent.push(buf.slice(offs[i], offs[i] + lens[i]));
    }
    return n;
  }
  attach(port: NetPort): void {
    this.port = port;
  }
  rxSpace(): void {
    this.rxSpaceCalls++;
  }
  setOffloads(csum: boolean, tso4: boolean, tso6: boolean): void {
    this.offloads = [csum, tso4, tso6];
  }
}

function frame(len: number, seed = 1): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (i * 7 + seed) & 0xff;
  return f;
}

/** One batch in the layout the contract uses. */
function batch(frames: Uint8Array[]): [Uint8Array, Int32Array, Int32Array, number] {
  const total = frames.reduce((n, f) => n + f.length, 0);
  const buf = new Uint8Array(total);
  const offs = new Int32Array(frames.length);
  const lens = new Int32Array(frames.length);
  let p = 0;
  frames.forEach((f, i) => {
    buf.set(f, p);
    offs[i] = p;
    lens[i] = f.length;
    p += f.length;
  });
  return [buf, offs, lens, frames.length];
}

function setup(opts: { vnet?: boolean; accept?: (f: Features) => Features; gro?: boolean; mtu?: number } = {}) {
  const mem = makeMemory(8 << 20);
  const backend = new RecordingBackend(opts.vnet ?? false);
  const net = new VirtioNet(backend, { mac: MAC, mtu: opts.mtu, gro: opts.gro });
  const irq = new FakeIrq();
  const t = new VirtioMmio(mem, net, irq);
  const drv = new MmioDriver(t, mem);
  const accept = opts.accept ?? ((f: Features) => [f[0], f[1]] as Features);
  const status = drv.init([64, 64], accept);
  return { mem, backend, net, irq, t, drv, status, rx: drv.queues[0], tx: drv.queues[1] };
}

function guestHdr(flags = 0, gso = 0, csumStart = 0, csumOff = 0): Uint8Array {
  const h = new Uint8Array(GUEST_HDR_LEN);
  const dv = new DataView(h.buffer);
  h[0] = flags;
  h[1] = gso;
  dv.setUint16(6, csumStart, true);
  dv.setUint16(8, csumOff, true);
  return h;
}

test('config space: MAC, link status, MTU; features depend on the transport header', () => {
  const { t, drv } = setup({ mtu: 9000 });
  for (let i = 0; i < 6; i++) assert.equal(t.read(MMIO_REG.config + i, 1), MAC[i]);
  assert.equal(t.read(MMIO_REG.config + 6, 2), 1); // VIRTIO_NET_S_LINK_UP
  assert.equal(t.read(MMIO_REG.config + 10, 2), 9000);
  const f = drv.deviceFeatures();
  for (const b of [VIRTIO_NET_F_MAC, VIRTIO_NET_F_MTU, VIRTIO_NET_F_STATUS, VIRTIO_NET_F_MRG_RXBUF]) assert.ok(hasFeature(f, b));
  // Without a header on the wire the device does checksums and segmentation itself (net-offload.test.ts).
  assert.ok(hasFeature(f, VIRTIO_NET_F_CSUM) && hasFeature(f, VIRTIO_NET_F_HOST_TSO4) && hasFeature(f, VIRTIO_NET_F_GUEST_CSUM));
  // ... and joins received segments itself (GUEST_TSO4) whatever gro says.
  assert.ok(hasFeature(f, VIRTIO_NET_F_GUEST_TSO4));
  const v = setup({ vnet: true }).drv.deviceFeatures();
  assert.ok(hasFeature(v, VIRTIO_NET_F_CSUM) && hasFeature(v, VIRTIO_NET_F_HOST_TSO4) && hasFeature(v, VIRTIO_NET_F_GUEST_CSUM));
  assert.ok(!hasFeature(v, VIRTIO_NET_F_GUEST_TSO4), 'receive segmentation only with gro=1');
  assert.ok(hasFeature(setup({ vnet: true, gro: true }).drv.deviceFeatures(), VIRTIO_NET_F_GUEST_TSO4));
});

test('setLink toggles the status bit and raises a configuration interrupt', () => {
  const { t, net, drv, irq } = setup();
  const before = irq.raised;
  net.setLink(false);
  assert.equal(t.read(MMIO_REG.config + 6, 2), 0);
  assert.ok(irq.raised > before);
  assert.ok(drv.ackInterrupt() & 2);
  net.setLink(true);
  assert.equal(t.read(MMIO_REG.config + 6, 2), 1);
});

test('transmit without a wire header: the 12-byte guest header is stripped, frames batched in one send', () => {
  const { backend, tx, drv } = setup();
  const frames = [frame(60, 1), frame(1514, 2), frame(100, 3)];
  const heads = frames.map((f) => tx.add([{ data: guestHdr() }, { data: f }]));
  drv.kick(1);
  assert.equal(backend.sendCalls, 1);
  assert.deepEqual(backend.sent, frames);
  assert.deepEqual(tx.takeUsed().map((u) => u.id), heads);
});

test('transmit with a wire header: the legacy 10-byte header carries the offload request', () => {
  const { backend, tx, drv, net } = setup({ vnet: true });
  const f = frame(200);
  // The header and the frame split across descriptors anywhere.
  const h = guestHdr(1, 0, 34, 16);
  const whole = new Uint8Array([...h, ...f]);
  tx.add([{ data: whole.subarray(0, 5) }, { data: whole.subarray(5, 20) }, { data: whole.subarray(20) }]);
  drv.kick(1);
  assert.equal(backend.sent.length, 1);
  const got = backend.sent[0];
  assert.equal(got.length, VNET_HDR_LEN + 200);
  assert.deepEqual(got.subarray(0, VNET_HDR_LEN), h.subarray(0, VNET_HDR_LEN));
  assert.deepEqual(got.subarray(VNET_HDR_LEN), f);
  assert.equal(net.stats.txFrames, 1);
});

test('transmit backpressure: frames the backend could not take wait for txSpace', () => {
  const { backend, tx, drv, net } = setup();
  backend.room = 1;
  const frames = [frame(64, 1), frame(64, 2), frame(64, 3)];
  for (const f of frames) tx.add([{ data: guestHdr() }, { data: f }]);
  drv.kick(1);
  assert.equal(backend.sent.length, 1);
  assert.equal(tx.takeUsed().length, 1);
  drv.kick(1); // still blocked: nothing new is taken
  assert.equal(backend.sent.length, 1);
  backend.room = Infinity;
  net.txSpace();
  assert.deepEqual(backend.sent, frames);
  assert.equal(tx.takeUsed().length, 2);
});

test('receive into mergeable buffers: a frame spans buffers, num_buffers says how many', () => {
  const { backend, rx, net } = setup();
  const heads = [rx.add([{ len: 1024, writable: true }]), rx.add([{ len: 1024, writable: true }]), rx.add([{ len: 1024, writable: true }])];
  const f = frame(1800);
  assert.ok(backend.port.canReceive());
  assert.equal(backend.port.deliver(...batch([f])), 1);
  const used = rx.takeUsed();
  assert.deepEqual(used, [{ id: heads[0], len: 1024 }, { id: heads[1], len: GUEST_HDR_LEN + 1800 - 1024 }]);
  const first = rx.written(heads[0], 1024);
  assert.equal(first[10] | (first[11] << 8), 2);
  const got = new Uint8Array([...first.subarray(GUEST_HDR_LEN), ...rx.written(heads[1], used[1].len)]);
  assert.deepEqual(got, f);
  assert.equal(net.stats.rxFrames, 1);
});

test('receive without mergeable buffers: a frame larger than a buffer is dropped and counted, the buffer kept', () => {
  const noMrg = (f: Features): Features => [f[0] & ~(1 << VIRTIO_NET_F_MRG_RXBUF), f[1]];
  const { backend, rx, net } = setup({ accept: noMrg });
  const head = rx.add([{ len: 1526, writable: true }]);
  assert.equal(backend.port.deliver(...batch([frame(3000), frame(100)])), 2);
  assert.equal(net.stats.rxDropped, 1);
  const used = rx.takeUsed();
  assert.deepEqual(used, [{ id: head, len: GUEST_HDR_LEN + 100 }]);
  const w = rx.written(head, used[0].len);
  assert.equal(w[10] | (w[11] << 8), 1);
  assert.deepEqual(w.subarray(GUEST_HDR_LEN), frame(100));
});

test('receive with no buffers posted: delivery stops, and resumes when the guest posts some', () => {
  const { backend, rx, drv } = setup();
  const calls = backend.rxSpaceCalls;
  assert.equal(backend.port.canReceive(), false);
  assert.equal(backend.port.deliver(...batch([frame(100), frame(100)])), 0);
  rx.add([{ len: 2048, writable: true }]);
  drv.kick(0);
  assert.equal(backend.rxSpaceCalls, calls + 1);
  assert.equal(backend.port.deliver(...batch([frame(100), frame(100)])), 1, 'one buffer, one frame');
});

test('receive with the wire header: DATA_VALID and partial checksums pass through to a guest that accepted GUEST_CSUM', () => {
  const { backend, rx } = setup({ vnet: true });
  assert.deepEqual(backend.offloads, [true, false, false]);
  const head = rx.add([{ len: 2048, writable: true }]);
  const hdr = new Uint8Array(VNET_HDR_LEN);
  hdr[0] = 2; // DATA_VALID
  const f = frame(300);
  backend.port.deliver(...batch([new Uint8Array([...hdr, ...f])]));
  const w = rx.written(head, GUEST_HDR_LEN + 300);
  assert.equal(w[0], 2);
  assert.deepEqual(w.subarray(GUEST_HDR_LEN), f);
});

test('a partial checksum is completed for a guest that did not accept GUEST_CSUM', () => {
  const noCsum = (f: Features): Features => [f[0] & ~(1 << VIRTIO_NET_F_GUEST_CSUM), f[1]];
  const { backend, rx } = setup({ vnet: true, accept: noCsum });
  const head = rx.add([{ len: 2048, writable: true }]);
  const f = frame(100);
  f[40] = 0; // the checksum field holds the (here zero) partial sum
  f[41] = 0;
  const hdr = new Uint8Array(VNET_HDR_LEN);
  hdr[0] = 1;
  new DataView(hdr.buffer).setUint16(6, 34, true);
  new DataView(hdr.buffer).setUint16(8, 6, true);
  backend.port.deliver(...batch([new Uint8Array([...hdr, ...f])]));
  const w = rx.written(head, GUEST_HDR_LEN + 100).subarray(GUEST_HDR_LEN);
  assert.equal(rx.written(head, 1)[0], 0, 'NEEDS_CSUM cleared');
  // Summing the covered range with the checksum in place gives 0xffff.
  let sum = 0;
  for (let i = 34; i < 100; i += 2) sum += (w[i] << 8) | (w[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  assert.equal(sum, 0xffff);
});

test('hostile wire: runts, giants, unknown flags, GSO not negotiated and out-of-range checksum offsets are dropped and counted', () => {
  const { backend, rx, net } = setup({ vnet: true });
  const head = rx.add([{ len: 2048, writable: true }]);
  const hdr = (flags: number, gso: number, start = 0, off = 0) => {
    const h = new Uint8Array(VNET_HDR_LEN);
    h[0] = flags;
    h[1] = gso;
    new DataView(h.buffer).setUint16(6, start, true);
    new DataView(h.buffer).setUint16(8, off, true);
    return h;
  };
  const bad = [
    new Uint8Array(5), // shorter than the header
    new Uint8Array([...hdr(0, 0), ...frame(10)]), // runt
    new Uint8Array([...hdr(0, 0), ...frame(70000)]), // giant
    new Uint8Array([...hdr(0x40, 0), ...frame(100)]), // unknown flag
    new Uint8Array([...hdr(1, 1, 34, 16), ...frame(100)]), // TSO4 without GUEST_TSO4
    new Uint8Array([...hdr(1, 0, 90, 16), ...frame(100)]), // checksum past the end
  ];
  assert.equal(backend.port.deliver(...batch(bad)), bad.length);
  const [buf, offs, lens] = batch([frame(100)]);
  lens[0] = 1 << 20; // a length past the batch buffer
  assert.equal(backend.port.deliver(buf, offs, lens, 1), 1);
  assert.equal(net.stats.rxErrors, bad.length + 1);
  assert.equal(net.stats.rxFrames, 0);
  assert.deepEqual(rx.takeUsed(), [], 'the buffer is still the guest\'s');
  assert.equal(backend.port.deliver(...batch([new Uint8Array([...hdr(0, 0), ...frame(60)])])), 1);
  assert.deepEqual(rx.takeUsed(), [{ id: head, len: GUEST_HDR_LEN + 60 }]);
});

test('hostile guest: runts, giants and offloads not negotiated are dropped and counted, nothing sent', () => {
  const { backend, tx, drv, net } = setup({ accept: (f) => [f[0] & ~((1 << VIRTIO_NET_F_CSUM) | (1 << VIRTIO_NET_F_HOST_TSO4)), f[1]] });
  tx.add([{ data: guestHdr() }, { data: frame(5) }]); // runt
  tx.add([{ data: new Uint8Array(4) }]); // not even a header
  tx.add([{ data: guestHdr(1, 0, 0, 0) }, { data: frame(100) }]); // checksum offload without CSUM
  tx.add([{ data: guestHdr(0, 1) }, { data: frame(100) }]); // TSO without HOST_TSO4
  drv.kick(1);
  assert.equal(backend.sent.length, 0);
  assert.equal(net.stats.txErrors, 4);
  assert.equal(tx.takeUsed().length, 4, 'every chain goes back to the guest');
  const v = setup({ vnet: true, accept: (f) => [f[0] & ~(1 << VIRTIO_NET_F_HOST_TSO4), f[1]] });
  v.tx.add([{ data: guestHdr(1, 1, 34, 16) }, { data: frame(3000) }]); // TSO4 not accepted
  v.tx.add([{ data: guestHdr(1, 0, 2000, 16) }, { data: frame(100) }]); // checksum outside the frame
  v.drv.kick(1);
  assert.equal(v.backend.sent.length, 0);
  assert.equal(v.net.stats.txErrors, 2);
});

test('hostile guest: a receive buffer the device cannot write, and descriptors outside RAM, break the queue without a throw', () => {
  const a = setup();
  const head = a.rx.add([{ len: 2048 }]); // readable only
  assert.equal(a.backend.port.deliver(...batch([frame(100)])), 0);
  assert.ok(a.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
  assert.equal(a.rx.takeUsed().length, 0);
  void head;

  const b = setup();
  b.tx.setDesc(0, 0x1_0000_0000_0, 100, 0, 0); // far outside RAM
  b.tx.publish(0);
  b.drv.kick(1);
  assert.ok(b.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
  assert.equal(b.backend.sent.length, 0);

  const c = setup();
  c.rx.setDesc(0, 0x8000_0000 + (8 << 20) - 16, 4096, VIRTQ_DESC_F_WRITE, 0); // runs off the end of RAM
  c.rx.publish(0);
  assert.equal(c.backend.port.deliver(...batch([frame(100)])), 0);
  assert.ok(c.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
});

test('a driver that negotiates only VERSION_1 still gets whole frames and a 12-byte header', () => {
  const { backend, rx, status } = setup({ accept: () => featureBits(VIRTIO_F_VERSION_1) });
  assert.ok(status & 4);
  const head = rx.add([{ len: 1600, writable: true }]);
  backend.port.deliver(...batch([frame(1514)]));
  assert.deepEqual(rx.takeUsed(), [{ id: head, len: GUEST_HDR_LEN + 1514 }]);
});

test('without a backend the link is down and guest frames are returned unsent', () => {
  const mem = makeMemory();
  const net = new VirtioNet(null, { mac: MAC });
  const t = new VirtioMmio(mem, net, new FakeIrq());
  const drv = new MmioDriver(t, mem);
  drv.init([16, 16], (f) => f);
  assert.equal(t.read(MMIO_REG.config + 6, 2), 0);
  drv.queues[1].add([{ data: guestHdr() }, { data: frame(100) }]);
  drv.kick(1);
  assert.equal(drv.queues[1].takeUsed().length, 1);
  assert.equal(net.stats.txErrors, 0);
});
