// The ubd backends under the virtio-blk device, on real files: write-zeroes on raw and COW
// disks, the COW file's layout after writes (data at dataOffset + offset, UML's bitmap bits,
// nothing else touched), a host that cannot deallocate (UNSUPP to the guest), backing-file
// switching, the default unit 0, and read-only opens.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cowGeometry, parseCowHeader } from '../src/host/block/cow/format.js';
import { type HostFileOps, hostFileOps } from '../src/host/block/hostops.js';
import { type UbdSpec, openUbd } from '../src/host/block/ubd.js';
import { VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VirtioBlk } from '../src/virtio/blk.js';
import { VirtioMmio } from '../src/virtio/mmio.js';
import { FakeIrq, MmioDriver, makeMemory } from './helpers/virtq-driver.js';

const root = path.join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = path.join(root, 'dist', 'tools', 'tuml.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuml-ubdb-'));
const p = (n: string): string => path.join(dir, n);

function spec(file: string, more: Partial<UbdSpec> = {}): UbdSpec {
  return { unit: 0, file, readOnly: false, sync: false, noCowDetect: false, shared: false, noTrim: false, ...more };
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(8, sector, true);
  return h;
}

function range(sector: number, count: number, flags = 0): Uint8Array {
  const r = new Uint8Array(16);
  const dv = new DataView(r.buffer);
  dv.setUint32(0, sector, true);
  dv.setUint32(8, count, true);
  dv.setUint32(12, flags, true);
  return r;
}

function device(s: UbdSpec, ops: HostFileOps | undefined = hostFileOps) {
  const logs: string[] = [];
  const disk = openUbd(s, { ops, log: (l) => logs.push(l) });
  const mem = makeMemory();
  const t = new VirtioMmio(mem, new VirtioBlk(disk), new FakeIrq());
  const drv = new MmioDriver(t, mem);
  drv.init([16]);
  const q = drv.queues[0];
  /** One request; returns its status byte and the data read. */
  const req = (bufs: Array<{ data?: Uint8Array; len?: number; writable?: boolean }>): { status: number; data: Uint8Array } => {
    const head = q.add(bufs as never);
    drv.kick(0);
    q.takeUsed();
    const total = bufs.reduce((n, b) => n + (b.writable ? b.len ?? 0 : 0), 0);
    const got = q.written(head, total);
    return { status: got[total - 1], data: got.subarray(0, total - 1) };
  };
  return { disk, logs, drv, req, features: drv.deviceFeatures()[0] };
}

test('COW writes: data lands at dataOffset + offset, the bitmap gets UML\'s bits, the backing file is untouched; write-zeroes reads back zeros', () => {
  fs.writeFileSync(p('back.img'), Buffer.alloc(1 << 20, 0x61));
  const { disk, req, logs } = device(spec(p('w.cow'), { backing: p('back.img') }));
  assert.match(logs.join('\n'), /Creating ".*w\.cow" as COW file for ".*back\.img"/);
  const data = new Uint8Array(1024).fill(0xc3);
  assert.equal(req([{ data: header(1, 5) }, { data }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  assert.equal(req([{ data: header(4, 0) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  // write-zeroes over sectors 9..10 (bit 9 → byte 1 mask 0x02, as the spec's example)
  assert.equal(req([{ data: new Uint8Array([...header(13, 0), ...range(9, 2)]) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  const r = req([{ data: header(0, 4) }, { len: 4096, writable: true }, { len: 1, writable: true }]);
  assert.equal(r.status, VIRTIO_BLK_S_OK);
  assert.ok(r.data.subarray(0, 512).every((b) => b === 0x61)); // sector 4: backing
  assert.ok(r.data.subarray(512, 1536).every((b) => b === 0xc3)); // 5, 6: written
  assert.ok(r.data.subarray(1536, 2560).every((b) => b === 0x61)); // 7, 8: backing
  assert.ok(r.data.subarray(2560, 3584).every((b) => b === 0)); // 9, 10: zeroed
  assert.ok(r.data.subarray(3584).every((b) => b === 0x61)); // 11
  // The same sectors through buffers that split sectors (a driver may do that): same bytes.
  const odd = req([{ data: header(0, 4) }, { len: 256, writable: true }, { len: 768, writable: true }, { len: 100, writable: true }, { len: 2972, writable: true }, { len: 1, writable: true }]);
  assert.equal(odd.status, VIRTIO_BLK_S_OK);
  assert.deepEqual(odd.data, r.data);
  // A write through split buffers lands whole.
  const w = new Uint8Array(1024).fill(0xd4);
  assert.equal(req([{ data: header(1, 20) }, { data: w.subarray(0, 300) }, { data: w.subarray(300) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  const r2 = req([{ data: header(0, 19) }, { len: 2048, writable: true }, { len: 1, writable: true }]);
  assert.ok(r2.data.subarray(0, 512).every((b) => b === 0x61));
  assert.ok(r2.data.subarray(512, 1536).every((b) => b === 0xd4));
  assert.ok(r2.data.subarray(1536).every((b) => b === 0x61));
  disk.close();

  const cow = fs.readFileSync(p('w.cow'));
  const h = parseCowHeader(cow.subarray(0, 4136));
  const g = cowGeometry(h);
  const bitmap = cow.subarray(g.bitmapOffset, g.bitmapOffset + g.bitmapLength);
  assert.equal(bitmap[0], 0x60); // sectors 5 and 6
  assert.equal(bitmap[1], 0x06); // sectors 9 and 10
  assert.equal(bitmap[2], 0x30); // sectors 20 and 21
  assert.ok(bitmap.subarray(3).every((b) => b === 0));
  assert.ok(cow.subarray(g.dataOffset + 5 * 512, g.dataOffset + 7 * 512).every((b) => b === 0xc3));
  assert.ok(cow.subarray(h.headerSize, g.bitmapOffset).every((b) => b === 0), 'header padding was written');
  assert.equal(cow.length, g.fileLength);
  assert.ok(fs.readFileSync(p('back.img')).every((b) => b === 0x61));
  // uml_moo reads the same thing.
  if (fs.existsSync('/usr/bin/uml_moo')) {
    const m = spawnSync('/usr/bin/uml_moo', [p('w.cow'), p('w.merged')], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    const merged = fs.readFileSync(p('w.merged'));
    assert.ok(merged.subarray(5 * 512, 7 * 512).every((b) => b === 0xc3));
    assert.ok(merged.subarray(9 * 512, 11 * 512).every((b) => b === 0));
    assert.ok(merged.subarray(11 * 512, 12 * 512).every((b) => b === 0x61));
  }
});

test('raw write-zeroes zeroes in place; a host that cannot deallocate answers UNSUPP; t offers neither', () => {
  fs.writeFileSync(p('raw.img'), Buffer.alloc(64 * 1024, 0x7e));
  const a = device(spec(p('raw.img')));
  assert.ok(a.features & (1 << 13) && a.features & (1 << 14));
  assert.equal(a.req([{ data: new Uint8Array([...header(13, 0), ...range(8, 8)]) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  a.disk.close();
  const buf = fs.readFileSync(p('raw.img'));
  assert.equal(buf.length, 64 * 1024);
  assert.ok(buf.subarray(4096, 8192).every((b) => b === 0));
  assert.equal(buf[4095], 0x7e);
  assert.equal(buf[8192], 0x7e);

  const refusing: HostFileOps = {
    ...hostFileOps,
    fallocate: () => {
      throw Object.assign(new Error('fallocate: EOPNOTSUPP'), { code: 'EOPNOTSUPP', errno: 95 });
    },
  };
  let calls = 0;
  const counting: HostFileOps = { ...refusing, fallocate: (...a) => (calls++, refusing.fallocate(...a)) };
  const b = device(spec(p('raw.img')), counting);
  assert.equal(b.req([{ data: new Uint8Array([...header(11, 0), ...range(0, 8)]) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_UNSUPP);
  // Off for the rest of the session, as UML: the host is not asked again.
  assert.equal(b.req([{ data: new Uint8Array([...header(11, 0), ...range(8, 8)]) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_UNSUPP);
  assert.equal(calls, 1);
  b.disk.close();
  assert.equal(fs.readFileSync(p('raw.img'))[0], 0x7e);

  const c = device(spec(p('raw.img'), { noTrim: true }));
  assert.equal(c.features & ((1 << 13) | (1 << 14)), 0);
  c.disk.close();
});

test('backing file named on the command line: same size and mtime → switched, header rewritten as v3 naming it', () => {
  fs.writeFileSync(p('b1.img'), Buffer.alloc(8192, 1));
  fs.utimesSync(p('b1.img'), 1700000000, 1700000000);
  const mk = spawnSync(process.execPath, [tuml, 'mkcow', p('s.cow'), p('b1.img')], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  fs.copyFileSync(p('b1.img'), p('b2.img'));
  fs.utimesSync(p('b2.img'), 1700000000, 1700000000);
  const { disk, logs } = device(spec(p('s.cow'), { backing: p('b2.img') }));
  disk.close();
  assert.ok(logs.includes(`Backing file mismatch - "${p('b2.img')}" requested, "${p('b1.img')}" specified in COW header of "${p('s.cow')}"`), logs.join('\n'));
  assert.ok(logs.includes(`Switching backing file to '${p('b2.img')}'`));
  assert.equal(parseCowHeader(fs.readFileSync(p('s.cow')).subarray(0, 4136)).backingPath, p('b2.img'));
  // A different file (other mtime) is refused and the header's file kept.
  fs.utimesSync(p('b2.img'), 1700000500, 1700000500);
  const again = device(spec(p('s.cow'), { backing: p('b1.img') }));
  again.disk.close();
  assert.ok(again.logs.some((l) => l.startsWith('Switching backing file to')), 'switch back to b1 (it matches)');
  assert.equal(parseCowHeader(fs.readFileSync(p('s.cow')).subarray(0, 4136)).backingPath, p('b1.img'));
});

test('r opens read-only: RO feature, no lock conflict with another reader, writes refused', () => {
  fs.writeFileSync(p('ro.img'), Buffer.alloc(4096, 9));
  const a = device(spec(p('ro.img'), { readOnly: true }));
  const b = device(spec(p('ro.img'), { readOnly: true }));
  assert.ok(a.features & (1 << 5));
  assert.notEqual(a.req([{ data: header(1, 0) }, { data: new Uint8Array(512) }, { len: 1, writable: true }]).status, VIRTIO_BLK_S_OK);
  a.disk.close();
  b.disk.close();
  assert.ok(fs.readFileSync(p('ro.img')).every((x) => x === 9));
});
