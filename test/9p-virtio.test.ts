// The virtio-9p device through the virtio-mmio registers and a guest-side queue: the
// mount tag in config space, 9P requests and replies through descriptor chains (split
// over several buffers, as Linux's zero-copy path sends them), and chains a careless
// or hostile driver sends: every chain is answered once, replies never overflow.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { P9Server } from '../src/9p/server.js';
import { T } from '../src/9p/protocol.js';
import { HostFsBackend } from '../src/host/fs/backend.js';
import { Virtio9p } from '../src/virtio/9p.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { FakeIrq, MMIO_REG, MmioDriver, makeMemory } from './helpers/virtq-driver.js';
import { Msg, Reply } from './helpers/p9-client.js';

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuml-9pv-'));
  fs.writeFileSync(path.join(dir, 'f'), Buffer.alloc(100_000, 0x61));
  const mem = makeMemory(8 << 20);
  const dev = new Virtio9p('hostfs', new P9Server({ backend: new HostFsBackend({ root: dir }) }));
  const irq = new FakeIrq();
  const t = new VirtioMmio(mem, dev, irq);
  const drv = new MmioDriver(t, mem);
  drv.init([64]);
  return { dir, drv, t, irq, q: drv.queues[0] };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

async function call(s: ReturnType<typeof setup>, req: Uint8Array, room: number[]): Promise<Reply> {
  const head = s.q.add([{ data: req }, ...room.map((len) => ({ len, writable: true }))]);
  s.drv.kick(0);
  for (let i = 0; i < 100; i++) {
    const used = s.q.takeUsed();
    if (used.length) {
      assert.equal(used.length, 1);
      assert.equal(used[0].id, head);
      return new Reply(s.q.written(head, used[0].len));
    }
    await settle();
  }
  throw new Error('no reply');
}

test('config space holds the mount tag; the feature MOUNT_TAG is offered', () => {
  const s = setup();
  assert.equal(s.t.read(MMIO_REG.deviceId, 4), 9);
  assert.equal(s.t.read(MMIO_REG.config, 2), 6);
  const tag = [...Array(6)].map((_, i) => String.fromCharCode(s.t.read(MMIO_REG.config + 2 + i, 1))).join('');
  assert.equal(tag, 'hostfs');
  assert.ok(s.drv.deviceFeatures()[0] & 1);
});

test('version, attach, walk, open and a read split over several writable buffers', async () => {
  const s = setup();
  const v = await call(s, new Msg().u32(65536).str('9P2000.L').build(T.version, 0xffff), [4096]);
  assert.equal(v.type, T.version + 1);
  assert.ok(!(await call(s, new Msg().u32(1).u32(~0).str('').str('').u32(0).build(T.attach, 1), [64])).isError);
  assert.ok(!(await call(s, new Msg().u32(1).u32(2).u16(1).str('f').build(T.walk, 2), [64])).isError);
  assert.ok(!(await call(s, new Msg().u32(2).u32(0).build(T.lopen, 3), [64])).isError);
  // Linux's zero-copy read: a small header buffer, then the pages.
  const r = await call(s, new Msg().u32(2).u64(0).u32(20000).build(T.read, 4), [11, 4096, 4096, 4096, 4096, 4096]);
  assert.equal(r.type, T.read + 1);
  const n = r.u32();
  assert.equal(n, 20000);
  assert.ok(r.bytes(n).every((b) => b === 0x61));
  assert.ok(s.irq.raised > 0);
});

test('hostile chains: no writable room, a reply that does not fit, garbage; each gets one used entry', async () => {
  const s = setup();
  await call(s, new Msg().u32(8192).str('9P2000.L').build(T.version, 0xffff), [64]);
  // No room at all for a reply: used length 0.
  const head = s.q.add([{ data: new Msg().u32(1).build(T.clunk, 5) }]);
  s.drv.kick(0);
  await settle();
  assert.deepEqual(s.q.takeUsed(), [{ id: head, len: 0 }]);
  // Garbage bytes and a size field that lies.
  for (const junk of [new Uint8Array([1, 2, 3]), new Uint8Array(100).fill(0xff), new Msg().build(200, 9)]) {
    const r = await call(s, junk, [64]);
    assert.equal(r.type, 7);
  }
  // A request bigger than the negotiated msize.
  const big = new Msg().u32(1).u64(0).u32(20000).raw(new Uint8Array(20000)).build(T.write, 10);
  assert.equal((await call(s, big, [64])).errno, 90);
});

test('more requests (30) than the in-flight limit (16) are all answered; a reset drops stale replies', async () => {
  const s = setup();
  await call(s, new Msg().u32(65536).str('9P2000.L').build(T.version, 0xffff), [64]);
  await call(s, new Msg().u32(1).u32(~0).str('').str('').u32(0).build(T.attach, 1), [64]);
  await call(s, new Msg().u32(1).u32(2).u16(1).str('f').build(T.walk, 2), [64]);
  await call(s, new Msg().u32(2).u32(0).build(T.lopen, 3), [64]);
  const heads = new Set<number>();
  for (let i = 0; i < 30; i++) heads.add(s.q.add([{ data: new Msg().u32(2).u64(i * 100).u32(100).build(T.read, 100 + i) }, { len: 200, writable: true }]));
  s.drv.kick(0);
  const got = new Set<number>();
  for (let i = 0; i < 100 && got.size < 30; i++) {
    for (const u of s.q.takeUsed()) {
      assert.ok(!got.has(u.id), 'answered once');
      got.add(u.id);
      assert.equal(u.len, 111);
    }
    await settle();
  }
  assert.deepEqual([...got].sort(), [...heads].sort());
  // A reset while requests are in flight: nothing is written into the old rings afterwards.
  s.q.add([{ data: new Msg().u32(2).u64(0).u32(100).build(T.read, 200) }, { len: 200, writable: true }]);
  s.drv.kick(0);
  s.t.write(MMIO_REG.status, 0, 4);
  await settle();
  assert.equal(s.q.usedIdx(), 34);
});
