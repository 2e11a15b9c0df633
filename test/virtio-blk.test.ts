// virtio-blk over a real image file: reads, writes, flush, GET_ID, and requests
// a hostile or careless driver sends (past the end, no status byte, bad types).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RawFileBackend } from '../src/host/block/raw.js';
import { VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VirtioBlk } from '../src/virtio/blk.js';
import { VIRTIO_STATUS_DEVICE_NEEDS_RESET } from '../src/virtio/device.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { FakeIrq, MMIO_REG, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

function image(bytes: number, fill?: (b: Buffer) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuml-blk-'));
  const p = path.join(dir, 'disk.img');
  const b = Buffer.alloc(bytes);
  fill?.(b);
  fs.writeFileSync(p, b);
  return p;
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(8, sector, true);
  return h;
}

function setup(file: string, readOnly = false) {
  const mem = makeMemory();
  const backend = new RawFileBackend(file, { readOnly, serial: 'tuml-serial-0' });
  const blk = new VirtioBlk(backend);
  const irq = new FakeIrq();
  const t = new VirtioMmio(mem, blk, irq);
  const drv = new MmioDriver(t, mem);
  drv.init([16]);
  return { drv, t, irq, q: drv.queues[0], backend };
}

test('capacity in sectors and read-only feature come from the backend', () => {
  const f = image(8192 + 100);
  const { t } = setup(f, true);
  assert.equal(t.read(MMIO_REG.config, 4), 17); // rounded up to whole sectors, as UML
  const { drv } = setup(f, true);
  assert.ok(drv.deviceFeatures()[0] & (1 << 5));
});

test('the partial last sector reads as zeros past the end of the file', () => {
  const f = image(1024 + 100, (b) => b.fill(7));
  const { drv, q } = setup(f);
  const head = q.add([{ data: header(0, 2) }, { len: 512, writable: true }, { len: 1, writable: true }]);
  drv.kick(0);
  q.takeUsed();
  const got = q.written(head, 513);
  assert.equal(got[99], 7);
  assert.equal(got[100], 0);
  assert.equal(got[511], 0);
  assert.equal(got[512], VIRTIO_BLK_S_OK);
});

test('read returns the file contents and status OK', () => {
  const f = image(4096, (b) => b.write('hello disk', 1024));
  const { drv, q } = setup(f);
  const head = q.add([{ data: header(0, 2) }, { len: 512, writable: true }, { len: 1, writable: true }]);
  drv.kick(0);
  const used = q.takeUsed();
  assert.deepEqual(used, [{ id: head, len: 513 }]);
  const got = q.written(head, 513);
  assert.equal(Buffer.from(got.subarray(0, 10)).toString(), 'hello disk');
  assert.equal(got[512], VIRTIO_BLK_S_OK);
});

test('write reaches the file, flush succeeds', () => {
  const f = image(4096);
  const { drv, q } = setup(f);
  const data = new Uint8Array(1024).fill(0xab);
  q.add([{ data: header(1, 4) }, { data }, { len: 1, writable: true }]);
  const h2 = q.add([{ data: header(4, 0) }, { len: 1, writable: true }]);
  drv.kick(0);
  q.takeUsed();
  assert.equal(q.written(h2, 1)[0], VIRTIO_BLK_S_OK);
  const onDisk = fs.readFileSync(f);
  assert.equal(onDisk[2048], 0xab);
  assert.equal(onDisk[2048 + 1023], 0xab);
  assert.equal(onDisk[2047], 0);
  assert.equal(onDisk[3072], 0);
});

test('GET_ID returns the serial', () => {
  const { drv, q } = setup(image(4096));
  const head = q.add([{ data: header(8, 0) }, { len: 20, writable: true }, { len: 1, writable: true }]);
  drv.kick(0);
  q.takeUsed();
  const got = q.written(head, 21);
  assert.equal(Buffer.from(got.subarray(0, 13)).toString(), 'tuml-serial-0');
  assert.equal(got[20], VIRTIO_BLK_S_OK);
});

test('past the end, partial sectors and writes to a read-only disk fail with IOERR, file untouched', () => {
  const f = image(4096);
  const before = fs.readFileSync(f);
  for (const [ro, bufs] of [
    [false, [{ data: header(0, 7) }, { len: 1024, writable: true }, { len: 1, writable: true }]],
    [false, [{ data: header(1, 0) }, { data: new Uint8Array(100).fill(1) }, { len: 1, writable: true }]],
    [false, [{ data: header(1, 0xffffffff) }, { data: new Uint8Array(512).fill(1) }, { len: 1, writable: true }]],
    [true, [{ data: header(1, 0) }, { data: new Uint8Array(512).fill(1) }, { len: 1, writable: true }]],
  ] as const) {
    const { drv, q } = setup(f, ro);
    const head = q.add(bufs as never);
    drv.kick(0);
    q.takeUsed();
    const last = (bufs as readonly { len?: number; writable?: boolean }[]).reduce((n, b) => n + (b.writable ? b.len ?? 0 : 0), 0);
    assert.equal(q.written(head, last)[last - 1], VIRTIO_BLK_S_IOERR);
  }
  assert.deepEqual(fs.readFileSync(f), before);
});

test('unknown request types and discard on a backend without it are UNSUPP', () => {
  const { drv, q } = setup(image(4096));
  const a = q.add([{ data: header(99, 0) }, { len: 1, writable: true }]);
  const b = q.add([{ data: new Uint8Array([...header(11, 0), ...new Uint8Array(16)]) }, { len: 1, writable: true }]);
  drv.kick(0);
  q.takeUsed();
  assert.equal(q.written(a, 1)[0], VIRTIO_BLK_S_UNSUPP);
  assert.equal(q.written(b, 1)[0], VIRTIO_BLK_S_UNSUPP);
});

test('a request with no status byte marks the device as needing reset', () => {
  const { drv, q } = setup(image(4096));
  q.add([{ data: header(0, 0) }]);
  drv.kick(0);
  assert.ok(drv.status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
});
