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
  const con = new VirtioConsole({ write: (d) => out.push(dec(d)) });
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
