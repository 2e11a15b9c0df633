// UML's COW format (src/host/block/cow/format.ts) and tuml mkcow / tuml moo, checked against
// the real uml_mkcow / uml_moo from uml-utilities.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  COW_MAGIC,
  CowFormatError,
  buildCowHeaderV1,
  buildCowHeaderV2,
  buildCowHeaderV3,
  buildCowHeaderV3Broken,
  checkBacking,
  cowGeometry,
  parseCowHeader,
  setBit,
  testBit,
  clearBit,
} from '../src/host/block/cow/format.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const haveReal = existsSync('/usr/bin/uml_mkcow') && existsSync('/usr/bin/uml_moo');
const real = { skip: haveReal ? false : 'uml-utilities (uml_mkcow, uml_moo) not installed' };

const dir = mkdtempSync(join(tmpdir(), 'tuml-cow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const T = (...args: string[]): Run => run(process.execPath, [tuml, ...args]);
const R = (cmd: string, ...args: string[]): Run => run(`/usr/bin/${cmd}`, args);

const p = (name: string): string => join(dir, name);
const sha = (name: string): string => (existsSync(p(name)) ? createHash('sha256').update(readFileSync(p(name))).digest('hex') : 'absent');

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A backing file with random content and a few all-zero sectors, with a fixed mtime. */
function makeBacking(name: string, size: number, seed: number): void {
  const b = bytes(size, seed);
  for (const s of [1, 2, 7]) if ((s + 1) * 512 <= size) b.fill(0, s * 512, (s + 1) * 512);
  writeFileSync(p(name), b);
  utimesSync(p(name), 1700000000, 1700000000);
}

/** Write sectors into a COW file the way UML does: data at dataOffset + n*512, then the bitmap bit. */
function writeSectors(cow: string, writes: Array<[number, number]>): void {
  const h = parseCowHeader(readFileSync(p(cow)).subarray(0, 4136));
  const g = cowGeometry(h);
  const fd = openSync(p(cow), 'r+');
  try {
    const bitmap = Buffer.alloc(g.bitmapLength);
    const cur = readFileSync(p(cow)).subarray(g.bitmapOffset, g.bitmapOffset + g.bitmapLength);
    cur.copy(bitmap);
    for (const [sector, fill] of writes) {
      const data = fill < 0 ? bytes(h.sectorSize, sector + 99) : Buffer.alloc(h.sectorSize, fill);
      writeSync(fd, data, 0, data.length, g.dataOffset + sector * h.sectorSize);
      setBit(bitmap, sector);
    }
    writeSync(fd, bitmap, 0, bitmap.length, g.bitmapOffset);
  } finally {
    closeSync(fd);
  }
}

// Sector writes used below: random data, an explicit zero sector over non-zero backing data,
// a zero sector over an already-zero backing sector, a non-zero sector over a zero one, the last sector.
const WRITES: Array<[number, number]> = [
  [0, -1],
  [3, 0],
  [2, 0],
  [7, 0x5a],
  [9, -1],
  [10, -1],
  [11, 0x11],
  [19, -1],
];

test('bitmap bits: LSB first (sector 5 → byte 0 mask 0x20, sector 9 → byte 1 mask 0x02)', () => {
  const b = new Uint8Array(2);
  setBit(b, 5);
  setBit(b, 9);
  assert.deepEqual([...b], [0x20, 0x02]);
  assert.ok(testBit(b, 5) && testBit(b, 9) && !testBit(b, 4) && !testBit(b, 100));
  clearBit(b, 5);
  assert.deepEqual([...b], [0x00, 0x02]);
});

test('spec worked example: v3 header bytes and geometry; v1/v2 offsets for the same file', () => {
  const o = { backingPath: '/var/lib/uml/root_fs', size: 1073741824, mtime: 1700000000 };
  const h = buildCowHeaderV3(o);
  assert.equal(h.length, 4128);
  const hex = Buffer.from(h.subarray(0, 0x20)).toString('hex');
  assert.equal(hex, '4f4f4f4d' + '00000003' + '6553f100' + '0000000040000000' + '00000200' + '00001000' + '00000000');
  assert.equal(Buffer.from(h.subarray(0x20, 0x20 + 21)).toString('latin1'), '/var/lib/uml/root_fs\0');
  assert.ok(h.subarray(0x20 + 20).every((x) => x === 0));
  const ph = parseCowHeader(h);
  assert.deepEqual(
    { v: ph.version, broken: ph.broken, path: ph.backingPath, m: ph.mtime, s: ph.size, ss: ph.sectorSize, a: ph.alignment },
    { v: 3, broken: false, path: o.backingPath, m: o.mtime, s: o.size, ss: 512, a: 4096 },
  );
  assert.deepEqual(cowGeometry(ph), { sectors: 2097152, bitmapOffset: 0x2000, bitmapLength: 0x40000, dataOffset: 0x42000, fileLength: 1074012160 });
  const g1 = cowGeometry(parseCowHeader(buildCowHeaderV1(o)));
  assert.equal(g1.bitmapOffset, 280);
  assert.equal(g1.dataOffset, 262656);
  const g2 = cowGeometry(parseCowHeader(buildCowHeaderV2(o)));
  assert.equal(g2.bitmapOffset, 4120);
  assert.equal(g2.dataOffset, 266752);
  // A 1 MiB backing file: 8192 + 256 rounded to 12288, plus the data.
  assert.equal(cowGeometry(parseCowHeader(buildCowHeaderV3({ ...o, size: 1 << 20 }))).fileLength, 1060864);
});

test('v1 (both byte orders), v2 and broken-v3 headers built by hand are parsed', () => {
  const path = '/srv/images/root fs.img';
  const size = 9 * 512 + 100;
  const mtime = 0xfedcba98;
  // v1, little-endian host: magic bytes 4D 4F 4F 4F.
  const v1 = Buffer.alloc(280);
  v1.writeUInt32LE(COW_MAGIC, 0);
  v1.writeUInt32LE(1, 4);
  v1.write(path, 8, 'latin1');
  v1.writeUInt32LE(mtime, 264);
  v1.writeBigUInt64LE(BigInt(size), 268);
  v1.writeInt32LE(512, 276);
  assert.equal(v1.subarray(0, 4).toString('latin1'), 'MOOO');
  assert.deepEqual(Buffer.from(buildCowHeaderV1({ backingPath: path, size, mtime })), v1);
  let h = parseCowHeader(v1);
  assert.deepEqual([h.version, h.byteOrder, h.backingPath, h.mtime, h.size, h.sectorSize, h.alignment], [1, 'le', path, mtime, size, 512, 512]);
  // 10 sectors: UML's v1/v2 formula gives floor((size + 511) / 4096) = 1 bitmap byte.
  assert.deepEqual(cowGeometry(h), { sectors: 10, bitmapOffset: 280, bitmapLength: 1, dataOffset: 512, fileLength: 512 + size });
  // v1 from a big-endian host.
  const v1be = Buffer.alloc(280);
  v1be.writeUInt32BE(COW_MAGIC, 0);
  v1be.writeUInt32BE(1, 4);
  v1be.write(path, 8, 'latin1');
  v1be.writeUInt32BE(mtime, 264);
  v1be.writeBigUInt64BE(BigInt(size), 268);
  v1be.writeInt32BE(512, 276);
  assert.deepEqual(Buffer.from(buildCowHeaderV1({ backingPath: path, size, mtime }, 'be')), v1be);
  h = parseCowHeader(v1be);
  assert.deepEqual([h.version, h.byteOrder, h.mtime, h.size], [1, 'be', mtime, size]);
  // v2.
  const v2 = Buffer.alloc(4120);
  v2.writeUInt32BE(COW_MAGIC, 0);
  v2.writeUInt32BE(2, 4);
  v2.write(path, 8, 'latin1');
  v2.writeUInt32BE(mtime, 4104);
  v2.writeBigUInt64BE(BigInt(size), 4108);
  v2.writeInt32BE(512, 4116);
  assert.deepEqual(Buffer.from(buildCowHeaderV2({ backingPath: path, size, mtime })), v2);
  h = parseCowHeader(v2);
  assert.deepEqual([h.version, h.backingPath, h.mtime, h.size, h.sectorSize], [2, path, mtime, size, 512]);
  assert.deepEqual(cowGeometry(h), { sectors: 10, bitmapOffset: 4120, bitmapLength: 1, dataOffset: 4608, fileLength: 4608 + size });
  // Broken v3: 4 bytes of padding after mtime.
  const b3 = Buffer.alloc(4136);
  b3.writeUInt32BE(COW_MAGIC, 0);
  b3.writeUInt32BE(3, 4);
  b3.writeUInt32BE(mtime, 8);
  b3.writeUInt32BE(0xdeadbeef, 12); // ignored half of the 8-byte mtime slot
  b3.writeBigUInt64BE(BigInt(size), 16);
  b3.writeInt32BE(512, 24);
  b3.writeInt32BE(4096, 28);
  b3.write(path, 36, 'latin1');
  h = parseCowHeader(b3);
  assert.deepEqual([h.version, h.broken, h.backingPath, h.mtime, h.size, h.sectorSize, h.alignment], [3, true, path, mtime, size, 512, 4096]);
  assert.deepEqual(cowGeometry(h), { sectors: 10, bitmapOffset: 8192, bitmapLength: 2, dataOffset: 12288, fileLength: 12288 + size });
  b3.writeUInt32BE(0, 12);
  assert.deepEqual(Buffer.from(buildCowHeaderV3Broken({ backingPath: path, size, mtime })), b3);
});

test('damaged headers are rejected with one error naming the fault', () => {
  const good = Buffer.from(buildCowHeaderV3({ backingPath: '/b', size: 4096, mtime: 1 }));
  const bad = (f: (b: Buffer) => Buffer | void, code: string, re: RegExp): void => {
    const b = Buffer.from(good);
    const r = f(b) ?? b;
    assert.throws(() => parseCowHeader(r), (e: unknown) => e instanceof CowFormatError && e.code === code && re.test(e.message));
  };
  bad((b) => void b.write('XXXX', 0, 'latin1'), 'magic', /bad magic 58 58 58 58/);
  bad((b) => b.subarray(0, 5), 'short', /short header/);
  bad((b) => b.subarray(0, 100), 'truncated', /truncated V3 header: 100 of 4128/);
  bad((b) => void b.writeUInt32BE(7, 4), 'version', /invalid COW version 7/);
  bad((b) => void b.writeUInt32BE(0, 4), 'version', /invalid COW version 0/);
  bad((b) => void b.writeInt32BE(0, 24), 'alignment', /align == 0/);
  bad((b) => void b.writeInt32BE(3000, 24), 'alignment', /invalid alignment 3000/);
  bad((b) => void b.writeInt32BE(0, 20), 'sectorsize', /invalid sector size 0/);
  bad((b) => void b.writeInt32BE(-512, 20), 'sectorsize', /invalid sector size -512/);
  bad((b) => void b.writeInt32BE(1 << 30, 20), 'sectorsize', /invalid sector size/);
  bad((b) => void b.writeBigUInt64BE(1n << 62n, 12), 'size', /absurd/);
  bad((b) => void b.writeUInt32BE(5, 28), 'cowformat', /unknown COW format 5/);
  bad((b) => void b.fill(0x41, 32), 'path', /not NUL-terminated/);
  // Builders refuse what readers would reject.
  assert.throws(() => buildCowHeaderV3({ backingPath: '/' + 'x'.repeat(4095), size: 1, mtime: 1 }), /too long - names are limited to 4095 characters/);
  assert.throws(() => buildCowHeaderV1({ backingPath: '/' + 'x'.repeat(255), size: 1, mtime: 1 }), /limited to 255/);
});

test('checkBacking: size and mtime must match the header exactly', () => {
  const h = { size: 1000, mtime: 1700000000 };
  assert.equal(checkBacking(h, { size: 1000, mtimeSeconds: 1700000000.75 }), null);
  assert.equal(checkBacking(h, { size: 999, mtimeSeconds: 1700000000 }), 'Size mismatch (1000 vs 999) of COW header vs backing file');
  assert.equal(checkBacking(h, { size: 1000, mtimeSeconds: 1700000001 }), 'mtime mismatch (1700000000 vs 1700000001) of COW header vs backing file');
});

test('tuml mkcow writes the same file as uml_mkcow', real, () => {
  for (const [i, size] of [10000, 1 << 20, (1 << 20) + 5, 512 * 8 * 4096 + 512].entries()) {
    makeBacking(`mk${i}.img`, size, i + 1);
    assert.equal(R('uml_mkcow', `mk${i}.real.cow`, `mk${i}.img`).status, 0);
    const t = T('mkcow', `mk${i}.tuml.cow`, `mk${i}.img`);
    assert.equal(t.status, 0, t.stderr);
    assert.equal(t.stdout + t.stderr, '');
    const a = readFileSync(p(`mk${i}.real.cow`));
    const b = readFileSync(p(`mk${i}.tuml.cow`));
    assert.equal(b.length, a.length);
    assert.ok(a.equals(b), `mkcow output differs for size ${size}`);
    const h = parseCowHeader(b);
    assert.equal(h.backingPath, join(dir, `mk${i}.img`));
    assert.equal(h.mtime, 1700000000);
    assert.equal(h.size, size);
    assert.equal(b.length, cowGeometry(h).fileLength);
    assert.equal(statSync(p(`mk${i}.tuml.cow`)).mode & 0o777, 0o644 & ~process.umask());
  }
  // Existing file: refused without -f (unchanged), reused with -f (stale bitmap cleared).
  writeSectors('mk0.tuml.cow', [[1, 7]]);
  const before = sha('mk0.tuml.cow');
  const r = T('mkcow', 'mk0.tuml.cow', 'mk0.img');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'open COW file: File exists\n');
  assert.equal(sha('mk0.tuml.cow'), before);
  assert.equal(T('mkcow', '-f', 'mk0.tuml.cow', 'mk0.img').status, 0);
  assert.equal(sha('mk0.tuml.cow'), sha('mk0.real.cow'));
});

test('tuml mkcow errors: usage (exit 2), missing backing file or directory (exit 1, nothing created)', () => {
  let r = T('mkcow', 'only-one.cow');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/);
  r = T('mkcow');
  assert.equal(r.status, 2);
  r = T('mkcow', 'e1.cow', 'missing.img');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.img.*No such file or directory/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(p('e1.cow')), false);
  r = T('mkcow', 'e2.cow', 'no-such-dir/x.img');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "absolutize : Can't cd to 'no-such-dir/x.img' - errno = 2\n");
  assert.equal(existsSync(p('e2.cow')), false);
});

test('tuml moo merges a uml_mkcow COW like uml_moo (new file and -d in place)', real, () => {
  makeBacking('m.img', 20 * 512 + 300, 42); // a trailing partial sector, not merged
  assert.equal(R('uml_mkcow', 'm.cow', 'm.img').status, 0);
  writeSectors('m.cow', WRITES);
  const cowSha = sha('m.cow');
  const imgSha = sha('m.img');
  assert.equal(R('uml_moo', 'm.cow', 'm.real.out').status, 0);
  const t = T('moo', 'm.cow', 'm.tuml.out');
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout + t.stderr, '');
  assert.ok(readFileSync(p('m.real.out')).equals(readFileSync(p('m.tuml.out'))));
  assert.equal(statSync(p('m.tuml.out')).size, 20 * 512);
  // Sparse: zero sectors are holes (only checks that fewer blocks than the length are allocated when the fs supports holes).
  assert.ok(statSync(p('m.tuml.out')).blocks * 512 <= statSync(p('m.real.out')).blocks * 512);
  assert.equal(sha('m.cow'), cowSha);
  assert.equal(sha('m.img'), imgSha);
  // Destructive merge into copies of the backing file (same mtime, named with -b).
  for (const n of ['d.real.img', 'd.tuml.img']) {
    writeFileSync(p(n), readFileSync(p('m.img')));
    utimesSync(p(n), 1700000000, 1700000000);
  }
  assert.equal(R('uml_moo', '-d', '-b', 'd.real.img', 'm.cow').status, 0);
  const d = T('moo', '-b', 'd.tuml.img', '-d', 'm.cow');
  assert.equal(d.status, 0, d.stderr);
  assert.equal(sha('d.tuml.img'), sha('d.real.img'));
  assert.notEqual(sha('d.tuml.img'), imgSha);
  assert.equal(sha('m.cow'), cowSha);
  // The in-place result matches the non-destructive one over the merged range.
  assert.ok(readFileSync(p('d.tuml.img')).subarray(0, 20 * 512).equals(readFileSync(p('m.tuml.out'))));
});

test('uml_moo merges a tuml mkcow COW like tuml moo', real, () => {
  makeBacking('n.img', 64 * 512, 7);
  assert.equal(T('mkcow', 'n.cow', 'n.img').status, 0);
  writeSectors('n.cow', [...WRITES, [63, -1], [40, 0]]);
  assert.equal(R('uml_moo', 'n.cow', 'n.real.out').status, 0);
  assert.equal(T('moo', 'n.cow', 'n.tuml.out').status, 0);
  assert.ok(readFileSync(p('n.real.out')).equals(readFileSync(p('n.tuml.out'))));
});

test('v1, v2 and broken-v3 COW files merge like uml_moo', real, () => {
  // A whole number of bitmap bytes: with 12 sectors UML's v1/v2 formula allocates 1 byte and
  // uml_moo reads the bits of sectors 8-11 from past its buffer (undefined), tuml reads them clear.
  makeBacking('old.img', 16 * 512, 5);
  const o = { backingPath: p('old.img'), size: 16 * 512, mtime: 1700000000 };
  for (const [name, header] of [
    ['v1', buildCowHeaderV1(o)],
    ['v2', buildCowHeaderV2(o)],
    ['b3', buildCowHeaderV3Broken(o)],
  ] as const) {
    const g = cowGeometry(parseCowHeader(header));
    const f = Buffer.alloc(g.fileLength);
    f.set(header, 0);
    writeFileSync(p(`${name}.cow`), f);
    writeSectors(`${name}.cow`, [[0, -1], [3, 0], [6, 0x33], [13, -1], [15, 0x44]]);
    assert.equal(R('uml_moo', `${name}.cow`, `${name}.real.out`).status, 0, name);
    const t = T('moo', `${name}.cow`, `${name}.tuml.out`);
    assert.equal(t.status, 0, t.stderr);
    assert.ok(readFileSync(p(`${name}.real.out`)).equals(readFileSync(p(`${name}.tuml.out`))), name);
  }
});

test('tuml moo: damaged header, backing mismatch and usage errors modify nothing', () => {
  makeBacking('c.img', 16 * 512, 9);
  assert.equal(T('mkcow', 'c.cow', 'c.img').status, 0);
  writeSectors('c.cow', [[1, -1]]);
  const good = readFileSync(p('c.cow'));
  const variants: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
    ['magic', (b) => (b.write('XXXX', 0, 'latin1'), b), /Reading COW header failed: bad magic/],
    ['trunc', (b) => b.subarray(0, 100), /Reading COW header failed: truncated V3 header/],
    ['version', (b) => (b.writeUInt32BE(9, 4), b), /Reading COW header failed: invalid COW version 9/],
    ['align0', (b) => (b.writeInt32BE(0, 24), b), /Reading COW header failed: .*align == 0/],
    ['size', (b) => (b.writeBigUInt64BE(16n * 512n + 1n, 12), b), /Size mismatch \(8193 vs 8192\) of COW header vs backing file/],
    ['mtime', (b) => (b.writeUInt32BE(1700000001, 8), b), /mtime mismatch \(1700000001 vs 1700000000\) of COW header vs backing file/],
  ];
  for (const [name, corrupt, re] of variants) {
    writeFileSync(p(`bad-${name}.cow`), corrupt(Buffer.from(good)));
    writeFileSync(p('existing.out'), 'keep me');
    const before = [sha(`bad-${name}.cow`), sha('c.img'), sha('existing.out')];
    for (const args of [[`bad-${name}.cow`, `bad-${name}.out`], [`bad-${name}.cow`, 'existing.out'], ['-d', `bad-${name}.cow`]]) {
      const r = T('moo', ...args);
      assert.equal(r.status, 1, `${name} ${args.join(' ')}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(existsSync(p(`bad-${name}.out`)), false);
      assert.deepEqual([sha(`bad-${name}.cow`), sha('c.img'), sha('existing.out')], before);
    }
    if (haveReal && (name === 'magic' || name === 'trunc' || name === 'version')) {
      assert.equal(R('uml_moo', `bad-${name}.cow`, `bad-${name}.r.out`).status, 1);
    }
  }
  let r = T('moo', 'missing.cow', 'x.out');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'COW file open: No such file or directory\n');
  assert.equal(existsSync(p('x.out')), false);
  r = T('moo', 'c.cow');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /usage/);
  r = T('moo', '-d', 'c.cow', 'extra');
  assert.equal(r.status, 1);
  r = T('moo');
  assert.equal(r.status, 1);
  // The output may not be one of the inputs.
  const before = [sha('c.cow'), sha('c.img')];
  r = T('moo', 'c.cow', 'c.img');
  assert.equal(r.status, 1);
  assert.deepEqual([sha('c.cow'), sha('c.img')], before);
});
