// The split virtqueue and the virtio-mmio transport, driven from the guest
// side by the driver mock, including hostile descriptor tables.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RAM_BASE } from '../src/cpu/hart.js';
import {
  type Features, type VirtioDevice, type VirtioDeviceContext, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1, VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_FEATURES_OK,
  featureBits,
} from '../src/virtio/device.js';
import { VIRTIO_MMIO_MAGIC, VirtioMmio } from '../src/virtio/mmio.js';
import { type DescriptorChain, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VirtQueue } from '../src/virtio/queue.js';
import { FakeIrq, GuestAllocator, GuestQueue, MMIO_REG, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

/** Test device: one queue; uppercases the readable bytes into the writable ones. */
class UpperDevice implements VirtioDevice {
  readonly deviceId = 0x2a;
  readonly queueMaxSizes = [8];
  readonly features: Features = [1 << 3, 0];
  ctx: VirtioDeviceContext | undefined;
  seen: DescriptorChain[] = [];
  resets = 0;
  readConfig(offset: number, size: 1 | 2 | 4): number {
    return offset === 0 && size === 4 ? 0xc0ffee : 0;
  }
  writeConfig(): void {}
  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }
  notify(q: number): void {
    const ctx = this.ctx!;
    const queue = ctx.queues[q];
    let c;
    while ((c = queue.pop())) {
      this.seen.push(c);
      const text = new TextDecoder().decode(c.readAll()).toUpperCase();
      const n = c.write(0, new TextEncoder().encode(text));
      queue.addUsed(c.head, n);
    }
    ctx.notifyUsed(q);
  }
  reset(): void {
    this.resets++;
    this.ctx = undefined;
  }
}

function setup(accept?: (f: Features) => Features) {
  const mem = makeMemory();
  const dev = new UpperDevice();
  const irq = new FakeIrq();
  const t = new VirtioMmio(mem, dev, irq);
  const drv = new MmioDriver(t, mem);
  const status = drv.init([8], accept);
  return { mem, dev, irq, t, drv, status, q: drv.queues[0] };
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('identification registers', () => {
  const mem = makeMemory();
  const t = new VirtioMmio(mem, new UpperDevice(), new FakeIrq());
  assert.equal(t.read(MMIO_REG.magic, 4), VIRTIO_MMIO_MAGIC);
  assert.equal(t.read(MMIO_REG.version, 4), 2);
  assert.equal(t.read(MMIO_REG.deviceId, 4), 0x2a);
  assert.equal(t.read(MMIO_REG.config, 4), 0xc0ffee);
  const drv = new MmioDriver(t, mem);
  const f = drv.deviceFeatures();
  assert.equal(f[0], (1 << 3) | (1 << VIRTIO_F_INDIRECT_DESC) | (1 << VIRTIO_F_EVENT_IDX));
  assert.equal(f[1], 1, 'VIRTIO_F_VERSION_1');
  drv.w(MMIO_REG.queueSel, 1);
  assert.equal(drv.r(MMIO_REG.queueNumMax), 0, 'no queue 1');
});

test('a request goes through: readable then writable buffers, used ring, interrupt', () => {
  const { dev, irq, drv, status, q } = setup();
  assert.equal(status & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
  const head = q.add([{ data: enc('hel') }, { data: enc('lo') }, { len: 3, writable: true }, { len: 10, writable: true }]);
  drv.kick(0);
  assert.deepEqual(q.takeUsed(), [{ id: head, len: 5 }]);
  assert.equal(dec(q.written(head, 5)), 'HELLO');
  assert.equal(dev.seen[0].readableLength, 5);
  assert.equal(dev.seen[0].writableLength, 13);
  assert.equal(irq.level, true);
  assert.equal(drv.ackInterrupt(), 1);
  assert.equal(irq.level, false);
});

test('indirect descriptors', () => {
  const { drv, q } = setup((f) => featureBits(VIRTIO_F_VERSION_1, VIRTIO_F_INDIRECT_DESC));
  const head = q.addIndirect([{ data: enc('abc') }, { len: 8, writable: true }]);
  drv.kick(0);
  assert.deepEqual(q.takeUsed(), [{ id: head, len: 3 }]);
  assert.equal(dec(q.written(head, 3)), 'ABC');
});

test('VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the interrupt', () => {
  const { irq, drv, q } = setup();
  q.setAvailFlags(1);
  q.add([{ data: enc('a') }, { len: 1, writable: true }]);
  drv.kick(0);
  assert.equal(q.takeUsed().length, 1);
  assert.equal(irq.level, false);
});

test('EVENT_IDX: interrupt only when used_event is crossed; avail_event follows', () => {
  const { irq, drv, q } = setup((f) => featureBits(VIRTIO_F_VERSION_1, VIRTIO_F_EVENT_IDX));
  q.setUsedEvent(1); // interrupt when used idx goes past 1, i.e. after the 2nd entry
  q.add([{ data: enc('a') }, { len: 1, writable: true }]);
  drv.kick(0);
  assert.equal(irq.level, false);
  assert.equal(q.availEvent(), 1);
  q.add([{ data: enc('b') }, { len: 1, writable: true }]);
  drv.kick(0);
  assert.equal(irq.level, true);
  assert.equal(q.availEvent(), 2);
});

test('feature negotiation: VERSION_1 required, unknown features refused', () => {
  const legacy = setup(() => [0, 0]);
  assert.equal(legacy.status & VIRTIO_STATUS_FEATURES_OK, 0);
  const greedy = setup(() => [0xffff_ffff, 1]);
  assert.equal(greedy.status & VIRTIO_STATUS_FEATURES_OK, 0);
  const ok = setup((f) => f);
  assert.equal(ok.status & VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_FEATURES_OK);
  assert.deepEqual(ok.dev.ctx?.features, ok.drv.deviceFeatures());
});

test('kicks before DRIVER_OK are ignored, then served at DRIVER_OK', () => {
  const mem = makeMemory();
  const dev = new UpperDevice();
  const t = new VirtioMmio(mem, dev, new FakeIrq());
  const drv = new MmioDriver(t, mem);
  drv.w(MMIO_REG.status, 1 | 2);
  drv.w(MMIO_REG.driverFeaturesSel, 1);
  drv.w(MMIO_REG.driverFeatures, 1);
  drv.w(MMIO_REG.status, 1 | 2 | 8);
  const q = drv.setupQueue(0, 8);
  const head = q.add([{ data: enc('x') }, { len: 1, writable: true }]);
  drv.kick(0);
  assert.equal(dev.seen.length, 0);
  drv.w(MMIO_REG.status, 1 | 2 | 8 | 4);
  assert.deepEqual(q.takeUsed(), [{ id: head, len: 1 }]);
});

test('status 0 resets device and queues', () => {
  const { dev, drv } = setup();
  drv.w(MMIO_REG.status, 0);
  assert.equal(drv.status(), 0);
  assert.equal(dev.resets >= 1, true);
  drv.w(MMIO_REG.queueSel, 0);
  assert.equal(drv.r(MMIO_REG.queueReady), 0);
});

test('queue layout outside RAM or misaligned is refused at QueueReady', () => {
  const mem = makeMemory();
  const t = new VirtioMmio(mem, new UpperDevice(), new FakeIrq());
  const drv = new MmioDriver(t, mem);
  drv.w(MMIO_REG.status, 1 | 2);
  drv.w(MMIO_REG.driverFeaturesSel, 1);
  drv.w(MMIO_REG.driverFeatures, 1);
  drv.w(MMIO_REG.status, 1 | 2 | 8);
  drv.w(MMIO_REG.queueSel, 0);
  drv.w(MMIO_REG.queueNum, 8);
  drv.w(MMIO_REG.queueDescLow, 0x1000); // below RAM
  drv.w(MMIO_REG.queueDriverLow, RAM_BASE);
  drv.w(MMIO_REG.queueDeviceLow, RAM_BASE + 0x1000);
  drv.w(MMIO_REG.queueReady, 1);
  assert.equal(drv.r(MMIO_REG.queueReady), 0);
  assert.equal(drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
  assert.match(t.resetReason ?? '', /outside RAM/);
});

// ---- hostile descriptor tables: the device must mark itself NEEDS_RESET, never throw ----

function hostile(build: (q: GuestQueue, alloc: GuestAllocator) => void, accept?: (f: Features) => Features) {
  const s = setup(accept);
  build(s.q, s.drv.alloc);
  assert.doesNotThrow(() => s.drv.kick(0));
  assert.equal(s.drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
  assert.equal(s.irq.level, true, 'config-change interrupt');
  assert.equal(s.drv.r(MMIO_REG.interruptStatus) & 2, 2);
  assert.equal(s.q.usedIdx(), 0, 'no used entry for a bad chain');
  const reason = s.t.resetReason;
  // Further kicks are ignored until the driver resets the device.
  assert.doesNotThrow(() => s.drv.kick(0));
  s.drv.w(MMIO_REG.status, 0);
  assert.equal(s.drv.status(), 0);
  return reason;
}

test('hostile: a descriptor chain that loops', () => {
  hostile((q) => {
    const buf = RAM_BASE + 0x3000;
    q.setDesc(0, buf, 4, VIRTQ_DESC_F_NEXT, 1);
    q.setDesc(1, buf, 4, VIRTQ_DESC_F_NEXT, 0);
    q.publish(0);
  });
});

test('hostile: a self-referencing descriptor', () => {
  hostile((q) => {
    q.setDesc(3, RAM_BASE + 0x3000, 4, VIRTQ_DESC_F_NEXT, 3);
    q.publish(3);
  });
});

test('hostile: next index beyond the table, head beyond the table', () => {
  hostile((q) => {
    q.setDesc(0, RAM_BASE + 0x3000, 4, VIRTQ_DESC_F_NEXT, 200);
    q.publish(0);
  });
  hostile((q) => q.publish(9));
});

test('hostile: buffers outside RAM, straddling its end, or at absurd addresses', () => {
  const size = 4 << 20;
  for (const [addr, len] of [[0x1000, 4], [RAM_BASE + size - 2, 4], [2 ** 60, 4], [RAM_BASE, 0xffff_ffff]]) {
    const reason = hostile((q) => {
      q.setDesc(0, addr, len, 0, 0);
      q.publish(0);
    });
    assert.match(reason ?? '', /outside RAM/);
  }
});

test('hostile: a readable buffer after a writable one', () => {
  hostile((q) => {
    q.setDesc(0, RAM_BASE + 0x3000, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    q.setDesc(1, RAM_BASE + 0x3000, 4, 0, 0);
    q.publish(0);
  });
});

test('hostile: avail index jumping ahead by more than the queue size', () => {
  hostile((q) => q.setAvailIdx(100));
});

test('hostile: indirect descriptors without the feature, nested, empty, looping, outside RAM', () => {
  const withIndirect = (f: Features) => featureBits(VIRTIO_F_VERSION_1, VIRTIO_F_INDIRECT_DESC);
  // not negotiated
  hostile((q, a) => {
    const t = a.alloc(32);
    q.setDesc(0, RAM_BASE + 0x3000, 4, 0, 0, t);
    q.setDesc(0, t, 16, 4, 0);
    q.publish(0);
  });
  // nested indirect table
  hostile((q, a) => {
    const t = a.alloc(32);
    q.setDesc(0, t, 16, 4, 0, t);
    q.setDesc(0, t, 16, 4, 0);
    q.publish(0);
  }, withIndirect);
  // zero-length and odd-length tables
  for (const len of [0, 17]) {
    hostile((q, a) => {
      q.setDesc(0, a.alloc(32), len, 4, 0);
      q.publish(0);
    }, withIndirect);
  }
  // loop inside the indirect table
  hostile((q, a) => {
    const t = a.alloc(32);
    q.setDesc(0, RAM_BASE + 0x3000, 4, VIRTQ_DESC_F_NEXT, 1, t);
    q.setDesc(1, RAM_BASE + 0x3000, 4, VIRTQ_DESC_F_NEXT, 0, t);
    q.setDesc(0, t, 32, 4, 0);
    q.publish(0);
  }, withIndirect);
  // table outside RAM
  hostile((q) => {
    q.setDesc(0, 0x10, 32, 4, 0);
    q.publish(0);
  }, withIndirect);
  // INDIRECT together with NEXT
  hostile((q, a) => {
    const t = a.alloc(16);
    q.setDesc(0, RAM_BASE + 0x3000, 4, 0, 0, t);
    q.setDesc(0, t, 16, 4 | VIRTQ_DESC_F_NEXT, 1);
    q.publish(0);
  }, withIndirect);
});

test('VirtQueue alone: validate(), pop on an empty ring, undoPop', () => {
  const mem = makeMemory();
  const alloc = new GuestAllocator();
  const gq = new GuestQueue(mem, alloc, 4);
  const vq = new VirtQueue(mem, 4);
  vq.descAddr = gq.descAddr;
  vq.availAddr = gq.availAddr;
  vq.usedAddr = gq.usedAddr;
  vq.size = 4;
  assert.equal(vq.validate(), undefined);
  vq.size = 5;
  assert.match(vq.validate() ?? '', /bad queue size/);
  vq.size = 4;
  vq.ready = true;
  assert.equal(vq.pop(), null);
  const head = gq.add([{ data: enc('q') }]);
  const c = vq.pop();
  assert.equal(c?.head, head);
  vq.undoPop();
  assert.equal(vq.pop()?.head, head);
  assert.equal(vq.pop(), null);
  vq.addUsed(head, 0);
  assert.deepEqual(gq.takeUsed(), [{ id: head, len: 0 }]);
});
