// The capture tap on a NIC's path: frames both ways through a real transport (fd, on a Unix
// datagram socket pair) land in a pcap file that tcpdump reads, with the frames' bytes intact.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PcapDump } from '../src/host/net/dump.js';
import { openFd } from '../src/host/net/fd.js';
import type { VecConfig } from '../src/host/net/spec.js';
import * as native from '../src/host/native/index.js';

const frame = (tag: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (i < 12 ? 0x02 : (tag + i) & 0xff));

test('pcap=: frames sent and delivered are recorded, in order, as Ethernet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tuml-pcap-'));
  const a = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  const b = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  const na = `\0tuml-pcap-a-${process.pid}`;
  const nb = `\0tuml-pcap-b-${process.pid}`;
  native.bindUnix(a, na);
  native.bindUnix(b, nb);
  native.connectUnix(a, nb);
  native.connectUnix(b, na);
  const config: VecConfig = {
    unit: 0, transport: 'fd', options: new Map([['fd', String(a)]]), text: '', depth: 8, gro: false, mtu: 1500, headroom: 2, multi: true,
  };
  const file = join(dir, 'cap.pcap');
  const dump = new PcapDump(openFd('vec0', config, () => {}), file);
  const got: Uint8Array[] = [];
  dump.attach({
    deliver: (buf, offs, lens, count) => {
      for (let i = 0; i < count; i++) got.push(buf.slice(offs[i], offs[i] + lens[i]));
      return count;
    },
    canReceive: () => true,
    txSpace: () => {},
    setLink: () => {},
  });
  try {
    // Out: one batch of two frames from the guest's side.
    const out = [frame(1, 60), frame(2, 1514)];
    const buf = new Uint8Array(2048 * 2);
    buf.set(out[0], 0);
    buf.set(out[1], 2048);
    assert.equal(dump.send(buf, Int32Array.of(0, 2048), Int32Array.of(60, 1514), 2), 2);
    // In: the peer sends one frame.
    const inFrame = frame(3, 100);
    assert.equal(native.sendToUnix(b, inFrame), 100);
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(got.length, 1);
  } finally {
    dump.close();
    native.close(b);
  }
  const pcap = readFileSync(file);
  const dv = new DataView(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  assert.equal(dv.getUint32(0, true), 0xa1b2c3d4);
  assert.equal(dv.getUint32(20, true), 1, 'LINKTYPE_ETHERNET');
  const frames: Buffer[] = [];
  for (let off = 24; off < pcap.length; ) {
    const len = dv.getUint32(off + 8, true);
    assert.equal(dv.getUint32(off + 12, true), len);
    frames.push(pcap.subarray(off + 16, off + 16 + len));
    off += 16 + len;
  }
  assert.deepEqual(frames.map((f) => f.length), [60, 1514, 100]);
  assert.deepEqual(new Uint8Array(frames[1]), frame(2, 1514));
  assert.deepEqual(new Uint8Array(frames[2]), frame(3, 100));
  // tcpdump (a real pcap reader) sees the same three frames.
  const td = spawnSync('tcpdump', ['-nr', file], { encoding: 'utf8' });
  assert.equal(td.status, 0, td.stderr);
  assert.equal(td.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d+ /.test(l)).length, 3, td.stdout);
  rmSync(dir, { recursive: true });
});
