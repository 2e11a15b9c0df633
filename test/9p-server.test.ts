// The 9P2000.L server over the Node backend on a real temporary directory: the
// operations a guest's v9fs client uses, confinement against every way out a client
// can try at the protocol level, and a fuzz run of hostile messages.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { P9Server } from '../src/9p/server.js';
import { T } from '../src/9p/protocol.js';
import { HOSTFS_SUPER_MAGIC, HostFsBackend } from '../src/host/fs/backend.js';
import { Msg, P9Client, Reply, dirEntries } from './helpers/p9-client.js';

const ENOENT = 2, EBADF = 9, EINVAL = 22, EXDEV = 18, ELOOP = 40, EPERM = 1;
const O_RDONLY = 0, O_RDWR = 2, O_DIRECTORY = 0o200000, O_WRONLY = 1;

function tree(): { root: string; outside: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tuml-9p-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'secret');
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'sub', 'hello'), 'hello from the host\n');
  fs.symlinkSync('/', path.join(root, 'abs'));
  fs.symlinkSync('../outside', path.join(root, 'up'));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'secretlink'));
  return { root, outside };
}

async function session(root: string, append = false) {
  const server = new P9Server({ backend: new HostFsBackend({ root, append }) });
  const c = new P9Client(server);
  const v = await c.version(65536);
  assert.equal(v.type, T.version + 1);
  assert.equal(v.u32(), 65536);
  assert.equal(v.str(), '9P2000.L');
  const a = await c.attach(1);
  assert.ok(!a.isError, `attach: errno ${a.errno}`);
  return c;
}

test('read, create, write, read back, getattr, readdir and unlink on the host directory', async () => {
  const { root } = tree();
  const c = await session(root);
  assert.ok(!(await c.walk(1, 2, 'sub', 'hello')).isError);
  assert.ok(!(await c.lopen(2, O_RDONLY)).isError);
  const r = await c.read(2, 0, 4096);
  assert.equal(Buffer.from(r.bytes(r.u32())).toString(), 'hello from the host\n');
  await c.clunk(2);

  assert.ok(!(await c.walk(1, 3, 'sub')).isError);
  const cr = await c.lcreate(3, 'new', O_RDWR, 0o640);
  assert.ok(!cr.isError, `lcreate errno ${cr.errno}`);
  const w = await c.write(3, 0, Buffer.from('written by the guest'));
  assert.equal(w.u32(), 20);
  await c.clunk(3);
  assert.equal(fs.readFileSync(path.join(root, 'sub', 'new'), 'utf8'), 'written by the guest');
  assert.equal(fs.statSync(path.join(root, 'sub', 'new')).mode & 0o777, 0o640 & ~process.umask());

  // Large offsets (> 4 GiB) make sparse files.
  assert.ok(!(await c.walk(1, 4, 'sub', 'new')).isError);
  assert.ok(!(await c.lopen(4, O_RDWR)).isError);
  assert.equal((await c.write(4, 5 * 2 ** 30, Buffer.from('far'))).u32(), 3);
  const ga = await c.getattr(4);
  ga.u64();
  ga.qid();
  const mode = ga.u32();
  assert.equal(mode & 0o170000, 0o100000);
  ga.u32(); ga.u32(); ga.u64(); ga.u64();
  assert.equal(ga.u64(), BigInt(5 * 2 ** 30 + 3));
  await c.clunk(4);
  assert.equal(fs.statSync(path.join(root, 'sub', 'new')).size, 5 * 2 ** 30 + 3);

  assert.ok(!(await c.walk(1, 5, 'sub')).isError);
  assert.ok(!(await c.lopen(5, O_RDONLY | O_DIRECTORY)).isError);
  const names = dirEntries(await c.readdir(5, 0n, 8192)).map((e) => e.name).sort();
  assert.deepEqual(names, ['.', '..', 'hello', 'new']);
  await c.clunk(5);
  assert.equal((await c.unlinkat(1, 'sub/new')).errno, EINVAL, 'a name with / is refused');
  assert.ok(!(await c.walk(1, 6, 'sub')).isError);
  assert.ok(!(await c.unlinkat(6, 'new')).isError);
  assert.equal(fs.existsSync(path.join(root, 'sub', 'new')), false);
});

test('readdir of a big directory comes in pieces that continue where they stopped', async () => {
  const { root } = tree();
  const big = path.join(root, 'big');
  fs.mkdirSync(big);
  for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(big, `file-with-a-longish-name-${i}`), '');
  const c = await session(root);
  await c.walk(1, 2, 'big');
  await c.lopen(2, O_DIRECTORY);
  const seen = new Set<string>();
  let off = 0n;
  for (;;) {
    const es = dirEntries(await c.readdir(2, off, 4000));
    if (es.length === 0) break;
    for (const e of es) {
      assert.ok(!seen.has(e.name), `duplicate ${e.name}`);
      seen.add(e.name);
    }
    off = es[es.length - 1].next;
  }
  assert.equal(seen.size, 3002);
});

test('hard links, symlinks, rename and readlink act on the host', async () => {
  const { root } = tree();
  const c = await session(root);
  await c.walk(1, 2, 'sub', 'hello');
  assert.ok(!(await c.link(1, 2, 'hardlink')).isError);
  assert.equal(fs.statSync(path.join(root, 'hardlink')).ino, fs.statSync(path.join(root, 'sub', 'hello')).ino);
  assert.ok(!(await c.symlink(1, 'rel', 'sub/hello')).isError);
  assert.equal(fs.readlinkSync(path.join(root, 'rel')), 'sub/hello');
  await c.walk(1, 3, 'abs');
  assert.equal((await c.readlink(3)).str(), '/');
  assert.ok(!(await c.renameat(1, 'sub', 1, 'moved')).isError);
  assert.ok(fs.existsSync(path.join(root, 'moved', 'hello')));
  // The fid walked before the rename follows it.
  await c.lopen(2, O_RDONLY);
  const r = await c.read(2, 0, 100);
  assert.equal(Buffer.from(r.bytes(r.u32())).toString(), 'hello from the host\n');
});

test('no walk, open, create or link leaves the export: .., symlinks, absolute links, bad names', async () => {
  const { root, outside } = tree();
  const c = await session(root);
  // '..' at the export root stays there.
  const up = await c.walk(1, 2, '..', '..', '..');
  assert.ok(!up.isError);
  const st = await c.getattr(2);
  st.u64();
  assert.equal(st.qid().path + 2n, BigInt(fs.statSync(root).ino));
  // Walking through a symlink (relative or absolute) is refused: the guest follows links itself.
  for (const names of [['abs', 'etc'], ['up', 'secret'], ['abs', 'proc', 'self', 'root']]) {
    const r = await c.walk(1, 3, ...names);
    assert.ok(r.isError || r.u16() < names.length, `walk ${names.join('/')} must stop`);
  }
  assert.ok(!(await c.walk(1, 4, 'secretlink')).isError); // the link itself is fine
  const op = await c.lopen(4, O_RDONLY);
  assert.equal(op.errno, ELOOP, 'opening a link does not follow it');
  // Names with '/', NUL, '.', '..' in operations that take a name.
  for (const bad of ['../outside/x', 'a/b', 'x\0y', '.', '..', '']) {
    assert.equal((await c.lcreate(1, bad, O_RDWR, 0o644)).errno, EINVAL, JSON.stringify(bad));
    assert.equal((await c.mkdir(1, bad)).errno, EINVAL);
    assert.equal((await c.symlink(1, bad, 'x')).errno, EINVAL);
  }
  for (const bad of ['a/b', 'x\0y']) assert.equal((await c.walk(1, 5, bad)).errno, EINVAL);
  // Creating over a dangling or escaping symlink does not write through it.
  assert.ok((await c.walk(1, 6)).isError === false);
  const cr = await c.lcreate(6, 'secretlink', O_WRONLY, 0o644);
  assert.ok(cr.isError);
  assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'secret');
  // An attach name cannot climb out either: '..' and absolute links resolve inside the root.
  const c2 = new P9Client(c.server);
  for (const aname of ['/..', '../outside', '/up', '/abs/..']) {
    const a = await c2.attach(100, aname);
    if (!a.isError) {
      const g = await c2.getattr(100);
      g.u64();
      const ino = g.qid().path;
      assert.notEqual(ino + 2n, BigInt(fs.statSync(outside).ino), `attach ${aname}`);
      await c2.clunk(100);
    }
  }
});

test('a race swapping a directory for a symlink cannot lead out', async () => {
  const { root, outside } = tree();
  const c = await session(root);
  fs.mkdirSync(path.join(root, 'd'));
  assert.ok(!(await c.walk(1, 2, 'd')).isError);
  fs.rmdirSync(path.join(root, 'd'));
  fs.symlinkSync(outside, path.join(root, 'd'));
  const r = await c.lcreate(2, 'planted', O_RDWR, 0o644);
  assert.ok(r.isError, 'create below a swapped-in link is refused');
  assert.equal(fs.existsSync(path.join(outside, 'planted')), false);
  const w = await c.walk(2, 3, 'secret');
  assert.ok(w.isError);
  assert.ok([ENOENT, ELOOP, EXDEV, 20].includes(w.errno));
});

test('append mode: O_APPEND writes, no unlink, no truncate (UML hostfs=DIR,append)', async () => {
  const { root } = tree();
  const c = await session(root, true);
  await c.walk(1, 2, 'sub', 'hello');
  await c.lopen(2, O_WRONLY);
  await c.write(2, 0, Buffer.from('more\n'));
  assert.equal(fs.readFileSync(path.join(root, 'sub', 'hello'), 'utf8'), 'hello from the host\nmore\n');
  await c.walk(1, 3, 'sub');
  assert.equal((await c.unlinkat(3, 'hello')).errno, EPERM);
  const st = await c.send(T.setattr, new Msg().u32(2).u32(0x8).u32(0).u32(0).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0));
  assert.ok(!st.isError);
  assert.equal(fs.statSync(path.join(root, 'sub', 'hello')).size, 25);
});

test('statfs reports the hostfs magic and the host numbers', async () => {
  const { root } = tree();
  const c = await session(root);
  const r = await c.send(T.statfs, new Msg().u32(1));
  assert.equal(r.u32(), HOSTFS_SUPER_MAGIC);
  assert.ok(r.u32() > 0);
});

test('bad fids, msize and lengths get protocol errors', async () => {
  const { root } = tree();
  const c = await session(root);
  assert.equal((await c.clunk(99)).errno, EBADF);
  assert.ok(!(await c.walk(1, 8)).isError);
  assert.equal((await c.walk(8, 8, 'sub')).isError, false, 'walking a fid onto itself is allowed');
  assert.equal((await c.attach(1)).errno, EBADF, 'fid in use');
  assert.equal((await c.read(1, 0, 10)).errno, EBADF, 'not open');
  // A write whose count runs past the message.
  const m = new Msg().u32(1).u64(0).u32(1000).raw(new Uint8Array(10));
  assert.ok((await c.send(T.write, m)).isError);
  // Replies never exceed msize: a huge read count is cut.
  fs.writeFileSync(path.join(root, 'large'), Buffer.alloc(200000, 1));
  assert.ok(!(await c.walk(1, 7, 'large')).isError);
  assert.ok(!(await c.lopen(7, O_RDONLY)).isError);
  const big = await c.read(7, 0, 0xffffffff);
  assert.equal(big.buf.length, 65536);
  assert.equal(big.u32(), 65536 - 11);
  // A request larger than msize.
  const huge = new Msg().u32(7).u64(0).u32(70000).raw(new Uint8Array(70000));
  assert.equal((await c.send(T.write, huge)).errno, 90);
});

test('fuzz: thousands of hostile messages get replies with their tag and no exception', async () => {
  const { root, outside } = tree();
  const server = new P9Server({ backend: new HostFsBackend({ root }) });
  const c = new P9Client(server, 8192);
  await c.version(8192);
  await c.attach(1);
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const types = Object.values(T);
  const names = ['..', '.', '', 'sub', 'hello', 'abs', 'up', 'a/b', 'x\0', '/etc/passwd', 'secretlink', 'z'.repeat(300)];
  for (let i = 0; i < 5000; i++) {
    const type = rnd(4) === 0 ? rnd(256) : types[rnd(types.length)];
    const m = new Msg();
    const fields = rnd(8);
    for (let f = 0; f < fields; f++) {
      switch (rnd(5)) {
        case 0: m.u32(rnd(4) === 0 ? 0xffffffff : rnd(8)); break;
        case 1: m.u64(rnd(2) ? BigInt(rnd(1 << 30)) : 0xffffffffffffffffn); break;
        case 2: m.str(names[rnd(names.length)]); break;
        case 3: m.u16(rnd(65536)); break;
        default: m.u8(rnd(256));
      }
    }
    let req = m.build(type, i & 0x7fff);
    if (rnd(10) === 0) req = req.subarray(0, rnd(req.length + 1));
    if (rnd(10) === 0) new DataView(req.buffer, req.byteOffset).setUint32(0, rnd(2 ** 32), true);
    const reply = await server.handle(req, rnd(20) === 0 ? rnd(64) : 8192);
    assert.ok(reply.length >= 7 && reply.length <= 8192);
    if (req.length >= 7) assert.equal(new Reply(reply).tag, i & 0x7fff);
  }
  assert.equal(fs.readdirSync(outside).join(), 'secret', 'nothing appeared outside the root');
});

test('xattrs: create through a fid, read back by walk, list, remove (where the host has them)', async (t) => {
  const { root } = tree();
  const c = await session(root);
  await c.walk(1, 2, 'sub', 'hello');
  const cr = await c.send(T.xattrcreate, new Msg().u32(2).str('user.tuml').u64(5).u32(0));
  if (cr.errno === 95) return t.skip('the host file system has no user xattrs');
  assert.ok(!cr.isError, `xattrcreate errno ${cr.errno}`);
  assert.equal((await c.write(2, 0, Buffer.from('value'))).u32(), 5);
  const cl = await c.clunk(2);
  assert.ok(!cl.isError, `setxattr at clunk: errno ${cl.errno}`);
  await c.walk(1, 3, 'sub', 'hello');
  const xw = await c.send(T.xattrwalk, new Msg().u32(3).u32(4).str('user.tuml'));
  assert.equal(xw.u64(), 5n);
  const r = await c.read(4, 0, 100);
  assert.equal(Buffer.from(r.bytes(r.u32())).toString(), 'value');
  const lw = await c.send(T.xattrwalk, new Msg().u32(3).u32(5).str(''));
  const n = Number(lw.u64());
  const lr = await c.read(5, 0, n);
  assert.ok(Buffer.from(lr.bytes(lr.u32())).toString('latin1').split('\0').includes('user.tuml'));
  // Removal as Linux asks for it: a create of size 0, then clunk.
  await c.walk(1, 6, 'sub', 'hello');
  await c.send(T.xattrcreate, new Msg().u32(6).str('user.tuml').u64(0).u32(0));
  assert.ok(!(await c.clunk(6)).isError);
  const gone = await c.send(T.xattrwalk, new Msg().u32(3).u32(7).str('user.tuml'));
  assert.equal(gone.errno, 61);
  // A value larger than the limit is refused up front.
  assert.equal((await c.send(T.xattrcreate, new Msg().u32(3).str('user.big').u64(1 << 20).u32(0))).errno, 7);
});

test('fsync and truncate reach the host file; the fid of an open file keeps working after unlink', async () => {
  const { root } = tree();
  const c = await session(root);
  await c.walk(1, 2, 'sub');
  await c.lcreate(2, 'f', O_RDWR, 0o644);
  await c.write(2, 0, Buffer.from('0123456789'));
  assert.ok(!(await c.send(T.fsync, new Msg().u32(2).u32(0))).isError);
  const tr = await c.send(T.setattr, new Msg().u32(2).u32(0x8).u32(0).u32(0).u32(0).u64(4).u64(0).u64(0).u64(0).u64(0));
  assert.ok(!tr.isError);
  assert.equal(fs.readFileSync(path.join(root, 'sub', 'f'), 'utf8'), '0123');
  await c.walk(1, 3, 'sub');
  await c.unlinkat(3, 'f');
  const r = await c.read(2, 0, 100);
  assert.equal(Buffer.from(r.bytes(r.u32())).toString(), '0123');
  const ga = await c.getattr(2);
  assert.ok(!ga.isError);
});

test('device nodes, FIFOs and sockets are never opened on the host (no hang, no host device)', async () => {
  const { root } = tree();
  const c = await session(root);
  spawnSync('mkfifo', [path.join(root, 'fifo')]);
  const made = await c.send(T.mknod, new Msg().u32(1).str('null').u32(0o20666).u32(1).u32(3).u32(0));
  const names = made.isError ? ['fifo'] : ['fifo', 'null'];
  if (!made.isError) assert.ok(fs.statSync(path.join(root, 'null')).isCharacterDevice());
  for (const [i, n] of names.entries()) {
    assert.ok(!(await c.walk(1, 10 + i, n)).isError);
    assert.equal((await c.lopen(10 + i, O_RDWR)).errno, 95, n);
    // An existing special file under a create without O_EXCL is not opened either.
    assert.ok((await c.lcreate(1, n, O_WRONLY, 0o644)).isError, n);
  }
});

test('open files per connection are bounded: EMFILE past the limit, room again after a clunk', async () => {
  const { root } = tree();
  const c = await session(root);
  let n = 0;
  for (;;) {
    assert.ok(!(await c.walk(1, 1000 + n, 'sub', 'hello')).isError);
    const r = await c.lopen(1000 + n, O_RDONLY);
    if (r.isError) {
      assert.equal(r.errno, 24);
      break;
    }
    n++;
    assert.ok(n <= 1024, 'no limit');
  }
  assert.equal(n, 1024);
  await c.clunk(1000);
  assert.ok(!(await c.lopen(1000 + n, O_RDONLY)).isError);
});

test('attaches per connection are bounded, and released ones make room', async () => {
  const { root } = tree();
  const c = await session(root);
  let n = 1;
  while (!(await c.attach(5000 + n)).isError) n++;
  assert.equal(n, 64);
  assert.equal((await c.attach(9999)).errno, 24);
  await c.clunk(5001);
  assert.ok(!(await c.attach(9999)).isError);
});

test('a Twrite whose data comes as separate parts (guest buffers): written at once; a count that is not the data is refused', async () => {
  const { root } = tree();
  const c = await session(root);
  assert.ok(!(await c.walk(1, 2)).isError);
  assert.ok(!(await c.lcreate(2, 'parts', O_RDWR, 0o644)).isError);
  const parts = [Buffer.from('first '), Buffer.from('second '), Buffer.from('third')];
  const head = (count: number, size: number) => {
    const h = new Msg().u32(2).u64(3).u32(count).build(T.write, 9);
    new DataView(h.buffer).setUint32(0, size, true);
    return h;
  };
  const ok = new Reply(await c.server.handle(head(18, 23 + 18), 4096, parts));
  assert.ok(!ok.isError, `errno ${ok.errno}`);
  assert.equal(ok.u32(), 18);
  assert.equal(fs.readFileSync(path.join(root, 'parts'), 'latin1'), '\0\0\0first second third');
  // The size field leaves 10 bytes of the parts: that many are the message, and the count must say so.
  assert.equal(new Reply(await c.server.handle(head(18, 23 + 10), 4096, parts)).errno, 74);
  const cut = new Reply(await c.server.handle(head(10, 23 + 10), 4096, parts));
  assert.equal(cut.u32(), 10);
  // A size past the parts, or parts on another message type.
  assert.equal(new Reply(await c.server.handle(head(18, 23 + 50), 4096, parts)).errno, 74);
  const walk = new Msg().u32(1).u32(5).u16(0).build(T.walk, 10);
  assert.equal(new Reply(await c.server.handle(walk, 4096, parts)).errno, 74);
});

test('Trenameat2: RENAME_EXCHANGE swaps two names on the host and fids follow; other flags refused', async () => {
  const { root } = tree();
  const c = await session(root);
  fs.mkdirSync(path.join(root, 'd'));
  fs.writeFileSync(path.join(root, 'd', 'inner'), 'in the directory');
  fs.writeFileSync(path.join(root, 'f'), 'a file');
  assert.ok(!(await c.walk(1, 2, 'd', 'inner')).isError);
  assert.ok(!(await c.walk(1, 3, 'f')).isError);
  const rename2 = (a: string, b: string, flags: number) => c.send(T.renameat2, new Msg().u32(1).str(a).u32(1).str(b).u32(flags));
  assert.ok(!(await rename2('d', 'f', 2)).isError);
  assert.equal(fs.readFileSync(path.join(root, 'd'), 'utf8'), 'a file');
  assert.equal(fs.readFileSync(path.join(root, 'f', 'inner'), 'utf8'), 'in the directory');
  // The fids walked before the exchange follow their files.
  await c.lopen(2, O_RDONLY);
  const r2 = await c.read(2, 0, 100);
  assert.equal(Buffer.from(r2.bytes(r2.u32())).toString(), 'in the directory');
  await c.lopen(3, O_RDONLY);
  const r3 = await c.read(3, 0, 100);
  assert.equal(Buffer.from(r3.bytes(r3.u32())).toString(), 'a file');
  assert.equal((await rename2('d', 'absent', 2)).errno, ENOENT);
  assert.equal((await rename2('d', 'f', 1)).errno, 17, 'RENAME_NOREPLACE onto an existing name');
  assert.equal((await rename2('d', 'f', 4)).errno, EINVAL, 'RENAME_WHITEOUT');
  assert.equal((await rename2('d', '..', 2)).errno, EINVAL);
});

test('a Tread given the guest buffers: page-cache data goes straight into them; the reply is the header, its size counting the data', async () => {
  const { root } = tree();
  const c = await session(root);
  fs.writeFileSync(path.join(root, 'data'), Buffer.from('0123456789abcdef'));
  assert.ok(!(await c.walk(1, 2, 'data')).isError);
  assert.ok(!(await c.lopen(2, O_RDONLY)).isError);
  const dest = [new Uint8Array(5), new Uint8Array(20)];
  const req = new Msg().u32(2).u64(3).u32(1000).build(T.read, 11);
  const head = new Reply(await c.server.handle(req, 4096, undefined, dest));
  assert.equal(head.type, T.read + 1);
  assert.equal(head.buf.length, 11);
  assert.equal(new DataView(head.buf.buffer, head.buf.byteOffset).getUint32(0, true), 11 + 13);
  assert.equal(head.u32(), 13);
  assert.equal(Buffer.concat([dest[0], dest[1]]).subarray(0, 13).toString(), '3456789abcdef');
  // Buffers on anything but a Tread are ignored: a whole reply as usual.
  const attr = new Reply(await c.server.handle(new Msg().u32(2).u64(0x7ff).build(T.getattr, 12), 4096, undefined, dest));
  assert.ok(!attr.isError && attr.buf.length > 11);
});
