// virtio-console, one port: output to the backend, host input into the
// guest's receive buffers (now or when they arrive), emergency write.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtioConsole } from '../src/virtio/console.js';
import { VIRTIO_F_VERSION_1, featureBits } from '../src/virtio/device.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { FakeIrq, MMIO_REG, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup() {
  const mem = makeMemory();
  const out: string[] = [];
  const con = new VirtioConsole({ write: (d) => void out.push(dec(d)) });
  const irq = new FakeIrq();
  const t = new VirtioMmio(mem, con, irq);
  const drv = new MmioDriver(t, mem);
  return { mem, out, con, irq, t, drv };
}

test('device id 3, two queues, EMERG_WRITE offered', () => {
  const { drv, t } = setup();
  assert.equal(t.read(MMIO_REG.deviceId, 4), 3);
  assert.equal(drv.deviceFeatures()[0] & 0b111, 0b100);
  drv.w(MMIO_REG.queueSel, 1);
  assert.ok(drv.r(MMIO_REG.queueNumMax) > 0);
  drv.w(MMIO_REG.queueSel, 2);
  assert.equal(drv.r(MMIO_REG.queueNumMax), 0);
});

test('transmitq: guest output reaches the backend in order', () => {
  const { out, irq, drv } = setup();
  drv.init([16, 16]);
  const tx = drv.queues[1];
  tx.add([{ data: enc('hello, ') }]);
  tx.add([{ data: enc('wor') }, { data: enc('ld\n') }]);
  drv.kick(1);
  assert.equal(out.join(''), 'hello, world\n');
  assert.deepEqual(tx.takeUsed().map((u) => u.len), [0, 0]);
  assert.equal(irq.level, true);
});

test('receiveq: host input fills posted buffers, split across several', () => {
  const { con, drv } = setup();
  drv.init([16, 16]);
  const rx = drv.queues[0];
  const a = rx.add([{ len: 4, writable: true }]);
  const b = rx.add([{ len: 64, writable: true }]);
  drv.kick(0);
  assert.equal(con.receive(enc('abcdefg')), 7);
  const used = rx.takeUsed();
  assert.deepEqual(used, [{ id: a, len: 4 }, { id: b, len: 3 }]);
  assert.equal(dec(rx.written(a, 4)) + dec(rx.written(b, 3)), 'abcdefg');
});

test('input that arrives before the guest posts buffers is kept and delivered later', () => {
  const { con, drv } = setup();
  assert.equal(con.receive(enc('early')), 5, 'accepted before the driver is even up');
  drv.init([16, 16]);
  const rx = drv.queues[0];
  con.receive(enc(' bird'));
  const h = rx.add([{ len: 32, writable: true }]);
  drv.kick(0);
  assert.deepEqual(rx.takeUsed(), [{ id: h, len: 10 }]);
  assert.equal(dec(rx.written(h, 10)), 'early bird');
});

test('emergency write prints one byte', () => {
  const { out, drv } = setup();
  drv.init([16, 16], () => featureBits(VIRTIO_F_VERSION_1, 2));
  drv.regs.write(MMIO_REG.config + 8, 0x21, 4);
  assert.equal(out.join(''), '!');
});

test('a driver reset drops the queues but keeps pending host input', () => {
  const { con, drv } = setup();
  drv.init([16, 16]);
  drv.w(MMIO_REG.status, 0);
  con.receive(enc('kept'));
  drv.init([16, 16]);
  const rx = drv.queues[0];
  const h = rx.add([{ len: 8, writable: true }]);
  drv.kick(0);
  assert.equal(dec(rx.written(h, 4)), 'kept');
});

// ---- MULTIPORT: the Linux driver's handshake, console ports and named ports

import {
  VIRTIO_CONSOLE_CONSOLE_PORT,
  VIRTIO_CONSOLE_DEVICE_ADD,
  VIRTIO_CONSOLE_DEVICE_READY,
  VIRTIO_CONSOLE_DEVICE_REMOVE,
  VIRTIO_CONSOLE_F_MULTIPORT,
  VIRTIO_CONSOLE_PORT_NAME,
  VIRTIO_CONSOLE_PORT_OPEN,
  VIRTIO_CONSOLE_PORT_READY,
  VIRTIO_CONSOLE_RESIZE,
} from '../src/virtio/console.js';

function ctrlMsg(id: number, event: number, value: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, id, true);
  dv.setUint16(4, event, true);
  dv.setUint16(6, value, true);
  return b;
}

function multiSetup(consoles: number, extra: number) {
  const mem = makeMemory();
  const outs: string[][] = [];
  const backs = Array.from({ length: consoles }, (_, i) => {
    outs[i] = [];
    return { write: (d: Uint8Array) => void outs[i].push(dec(d)) };
  });
  const con = new VirtioConsole(backs, { extraPorts: extra });
  const t = new VirtioMmio(mem, con, new FakeIrq());
  const drv = new MmioDriver(t, mem);
  const nq = 2 + 2 * (consoles + extra);
  drv.init(new Array(nq).fill(16), () => featureBits(VIRTIO_F_VERSION_1, VIRTIO_CONSOLE_F_MULTIPORT));
  const ctrlRx = drv.queues[2];
  const ctrlTx = drv.queues[3];
  const posted: number[] = [];
  const post = (k = 8) => {
    for (let i = 0; i < k; i++) posted.push(ctrlRx.add([{ len: 300, writable: true }]));
    drv.kick(2);
  };
  /** Control messages the device sent: { id, event, value, data }. */
  const received = () =>
    ctrlRx.takeUsed().map((u) => {
      const b = ctrlRx.written(u.id, u.len);
      const dv = new DataView(b.buffer);
      return { id: dv.getUint32(0, true), event: dv.getUint16(4, true), value: dv.getUint16(6, true), data: b.subarray(8) };
    });
  const send = (id: number, event: number, value: number) => {
    ctrlTx.add([{ data: ctrlMsg(id, event, value) }]);
    drv.kick(3);
  };
  return { con, drv, outs, post, received, send };
}

test('multiport: DEVICE_READY announces every port; console ports get CONSOLE_PORT, named ports their name', () => {
  const { con, post, received, send } = multiSetup(2, 2);
  const named = con.addPort('org.tuml.agent', { write: () => {} });
  assert.equal(named.id, 2);
  post(16);
  assert.deepEqual(received(), [], 'nothing before DEVICE_READY');
  send(0, VIRTIO_CONSOLE_DEVICE_READY, 1);
  assert.deepEqual(received().map((m) => [m.id, m.event]), [[0, VIRTIO_CONSOLE_DEVICE_ADD], [1, VIRTIO_CONSOLE_DEVICE_ADD], [2, VIRTIO_CONSOLE_DEVICE_ADD]]);
  send(0, VIRTIO_CONSOLE_PORT_READY, 1);
  send(2, VIRTIO_CONSOLE_PORT_READY, 1);
  const m = received();
  assert.deepEqual(m.map((x) => [x.id, x.event, x.value]), [[0, VIRTIO_CONSOLE_CONSOLE_PORT, 1], [2, VIRTIO_CONSOLE_PORT_NAME, 0]]);
  assert.equal(dec(m[1].data), 'org.tuml.agent');
});

test('multiport: a named port opens, carries data both ways, tells the host about open/close', () => {
  const { con, drv, post, received, send } = multiSetup(1, 1);
  const got: string[] = [];
  const events: boolean[] = [];
  const port = con.addPort('org.tuml.mconsole', { write: (d) => void got.push(dec(d)) });
  port.onOpenChange = (o) => events.push(o);
  post(16);
  send(0, VIRTIO_CONSOLE_DEVICE_READY, 1);
  send(1, VIRTIO_CONSOLE_PORT_READY, 1);
  received();
  port.setHostConnected(true);
  assert.deepEqual(received().map((x) => [x.id, x.event, x.value]), [[1, VIRTIO_CONSOLE_PORT_OPEN, 1]]);
  send(1, VIRTIO_CONSOLE_PORT_OPEN, 1);
  assert.deepEqual(events, [true]);
  assert.equal(port.guestOpen, true);
  // port 1: rx queue 4, tx queue 5
  const tx = drv.queues[5];
  tx.add([{ data: enc('ping') }]);
  drv.kick(5);
  assert.equal(got.join(''), 'ping');
  const rx = drv.queues[4];
  const h = rx.add([{ len: 16, writable: true }]);
  drv.kick(4);
  assert.equal(port.send(enc('pong')), 4);
  assert.deepEqual(rx.takeUsed(), [{ id: h, len: 4 }]);
  assert.equal(dec(rx.written(h, 4)), 'pong');
  send(1, VIRTIO_CONSOLE_PORT_OPEN, 0);
  assert.deepEqual(events, [true, false]);
  con.removePort(port);
  assert.deepEqual(received().map((x) => [x.id, x.event]), [[1, VIRTIO_CONSOLE_DEVICE_REMOVE]]);
});

test('multiport: a port added after the driver is up is hot-plugged; a full device refuses more', () => {
  const { con, post, received, send } = multiSetup(1, 1);
  post(8);
  send(0, VIRTIO_CONSOLE_DEVICE_READY, 1);
  received();
  con.addPort('late', { write: () => {} });
  assert.deepEqual(received().map((x) => [x.id, x.event]), [[1, VIRTIO_CONSOLE_DEVICE_ADD]]);
  assert.throws(() => con.addPort('one.too.many', { write: () => {} }), /no free port/);
  assert.throws(() => con.addPort('late', { write: () => {} }), /exists/);
  assert.throws(() => con.addPort('a/b', { write: () => {} }), /bad port name/);
});

test('multiport: console resize goes out as cols, rows; hostile control messages are ignored', () => {
  const { con, post, received, send } = multiSetup(2, 0);
  post(16);
  send(0, VIRTIO_CONSOLE_DEVICE_READY, 1);
  received();
  send(1, VIRTIO_CONSOLE_PORT_READY, 1);
  received();
  con.console(1).resize(40, 132);
  const [m] = received();
  assert.deepEqual([m.id, m.event], [1, VIRTIO_CONSOLE_RESIZE]);
  assert.deepEqual([m.data[0] | (m.data[1] << 8), m.data[2] | (m.data[3] << 8)], [132, 40]);
  send(0xffffffff, VIRTIO_CONSOLE_PORT_OPEN, 1);
  send(7, VIRTIO_CONSOLE_PORT_READY, 1);
  send(1, 999, 1);
  assert.deepEqual(received(), []);
});

test('multiport: a congested named port holds further guest output until resumeOutput; console ports never hold', () => {
  const mem = makeMemory();
  const got: string[] = [];
  const cons: string[] = [];
  let full = true;
  const con = new VirtioConsole([{ write: (d) => (cons.push(dec(d)), false) }], { extraPorts: 1 });
  const port = con.addPort('slow', { write: (d) => (got.push(dec(d)), !full) });
  const drv = new MmioDriver(new VirtioMmio(mem, con, new FakeIrq()), mem);
  drv.init([16, 16, 16, 16, 16, 16], () => featureBits(VIRTIO_F_VERSION_1, VIRTIO_CONSOLE_F_MULTIPORT));
  const tx = drv.queues[5]; // port 1's transmitq
  tx.add([{ data: enc('a') }]);
  tx.add([{ data: enc('b') }]);
  drv.kick(5);
  assert.equal(got.join(''), 'a');
  assert.equal(tx.takeUsed().length, 1);
  full = false;
  port.resumeOutput();
  assert.equal(got.join(''), 'ab');
  // Linux busy-waits for each hvc buffer: a console port returns them even when its backend is congested.
  const ctx = drv.queues[1];
  ctx.add([{ data: enc('x') }]);
  ctx.add([{ data: enc('y') }]);
  drv.kick(1);
  assert.equal(cons.join(''), 'xy');
  assert.equal(ctx.takeUsed().length, 2);
});

test('multiport: input waits until the guest opens the port (Linux drops data on a port it has not opened)', () => {
  const { con, drv, post, received, send } = multiSetup(2, 0);
  post(8);
  send(0, VIRTIO_CONSOLE_DEVICE_READY, 1);
  send(0, VIRTIO_CONSOLE_PORT_READY, 1);
  received();
  const rx = drv.queues[0];
  const h = rx.add([{ len: 32, writable: true }]);
  drv.kick(0);
  assert.equal(con.console(0).send(enc('echo hi\n')), 8, 'taken by the host-side buffer');
  assert.deepEqual(rx.takeUsed(), [], 'not delivered before PORT_OPEN');
  send(0, VIRTIO_CONSOLE_PORT_OPEN, 1);
  assert.deepEqual(rx.takeUsed(), [{ id: h, len: 8 }]);
  assert.equal(dec(rx.written(h, 8)), 'echo hi\n');
});
