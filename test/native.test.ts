// The native addon against the real kernel: locks held by another process,
// holes in real files, Unix datagrams between real sockets, real ptys.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as native from '../src/host/native/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tuml-native-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A child process that holds a lock on `file` until its stdin closes. */
async function holdLock(file: string, kind: 'read' | 'write'): Promise<{ pid: number; release: () => Promise<void> }> {
  const mod = new URL('../src/host/native/index.js', import.meta.url).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import * as n from ${JSON.stringify(mod)};
    import { openSync } from 'node:fs';
    const fd = openSync(${JSON.stringify(file)}, ${JSON.stringify(kind === 'write' ? 'r+' : 'r')});
    n.lock(fd, ${JSON.stringify(kind)});
    process.stdout.write('locked\\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return {
    pid: child.pid!,
    release: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.stdin.end(); }),
  };
}

test('fcntl locks: another process write-locking a file makes ours fail, and names its pid', async () => {
  const file = join(dir, 'locked.img');
  closeSync(openSync(file, 'w'));
  const holder = await holdLock(file, 'write');
  const fd = openSync(file, 'r+');
  try {
    assert.throws(() => native.lock(fd, 'write'), (e: native.NativeError) => (e.code === 'EAGAIN' || e.code === 'EACCES') && e.syscall === 'fcntl');
    assert.throws(() => native.lock(fd, 'read'), (e: native.NativeError) => e.code === 'EAGAIN' || e.code === 'EACCES');
    assert.equal(native.lockHolder(fd, 'read'), holder.pid);
    await holder.release();
    assert.equal(native.lockHolder(fd, 'write'), null);
    native.lock(fd, 'write');
    native.lock(fd, 'unlock');
  } finally {
    closeSync(fd);
  }
});

test('fcntl locks: read locks share, a write lock conflicts with them', async () => {
  const file = join(dir, 'shared.img');
  closeSync(openSync(file, 'w'));
  const holder = await holdLock(file, 'read');
  const fd = openSync(file, 'r+');
  try {
    native.lock(fd, 'read');
    native.lock(fd, 'unlock');
    assert.throws(() => native.lock(fd, 'write'), (e: native.NativeError) => e.code === 'EAGAIN' || e.code === 'EACCES');
  } finally {
    await holder.release();
    closeSync(fd);
  }
});

test('fallocate: punching a hole frees blocks and reads back zeros; bad fds are reported', () => {
  const file = join(dir, 'holes.img');
  const fd = openSync(file, 'w+');
  try {
    const data = new Uint8Array(1 << 20).fill(0xa5);
    writeSync(fd, data, 0, data.length, 0);
    const before = fstatSync(fd).blocks;
    native.fallocate(fd, native.FALLOC_FL_PUNCH_HOLE | native.FALLOC_FL_KEEP_SIZE, 256 * 1024, 512 * 1024);
    const st = fstatSync(fd);
    assert.equal(st.size, 1 << 20);
    assert.ok(st.blocks < before, `blocks ${st.blocks} < ${before}`);
    const back = new Uint8Array(1 << 20);
    readSync(fd, back, 0, back.length, 0);
    assert.equal(back[256 * 1024 - 1], 0xa5);
    assert.ok(back.subarray(256 * 1024, 768 * 1024).every((b) => b === 0));
    assert.equal(back[768 * 1024], 0xa5);
  } finally {
    closeSync(fd);
  }
  assert.throws(() => native.fallocate(-1, native.FALLOC_FL_PUNCH_HOLE | native.FALLOC_FL_KEEP_SIZE, 0, 4096), (e: native.NativeError) => e.code === 'EBADF' && e.errno === 9);
});

test('Unix datagram sockets: path and abstract addresses, sender address, EAGAIN, readiness', async () => {
  const path = join(dir, 'server.sock');
  const server = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  const client = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  const abstract = `\0tuml-native-test-${process.pid}`;
  try {
    native.bindUnix(server, path);
    native.bindUnix(client, abstract);
    assert.equal(native.getsockname(client).toString('latin1'), abstract);

    const buf = new Uint8Array(64);
    assert.equal(native.recvFromUnix(server, buf).n, -11); // nothing queued: EAGAIN, no throw

    const readable = new Promise<boolean>((resolve) => {
      const p = native.poller(server, (err, r) => {
        p.close();
        resolve(err === 0 && r);
      });
      p.start(true, false);
    });
    assert.equal(native.sendToUnix(client, new TextEncoder().encode('hello'), path), 5);
    assert.equal(await readable, true);

    const got = native.recvFromUnix(server, buf);
    assert.equal(got.n, 5);
    assert.equal(new TextDecoder().decode(buf.subarray(0, 5)), 'hello');
    assert.equal(got.from?.toString('latin1'), abstract);

    // Reply to the abstract sender, as a server answers a client.
    assert.equal(native.sendToUnix(server, Uint8Array.of(1, 2, 3), got.from!), 3);
    const back = native.recvFromUnix(client, buf);
    assert.equal(back.n, 3);
    assert.equal(back.from?.toString(), path);

    // A datagram longer than the buffer reports its full length.
    native.sendToUnix(client, new Uint8Array(100), path);
    assert.equal(native.recvFromUnix(server, buf).n, 100);

    assert.ok(native.sendToUnix(client, Uint8Array.of(1), join(dir, 'nobody.sock')) < 0);
    assert.throws(() => native.bindUnix(client, 'x'.repeat(200)), (e: native.NativeError) => e.code === 'ENAMETOOLONG');
  } finally {
    native.close(server);
    native.close(client);
  }
});

test('ptys: the slave sees what the master writes, raw mode and window size stick', async () => {
  const { fd: master, path } = native.openpt();
  assert.match(path, /^\/dev\/pts\/\d+$/);
  const slave = openSync(path, 'r+');
  try {
    const saved = native.makeRaw(slave);
    native.setWinsize(master, 40, 132);
    assert.deepEqual(native.getWinsize(slave), { rows: 40, cols: 132 });

    assert.equal(native.write(master, new TextEncoder().encode('ping\n')), 5);
    const buf = new Uint8Array(16);
    const n = readSync(slave, buf, 0, buf.length, null);
    assert.equal(new TextDecoder().decode(buf.subarray(0, n)), 'ping\n'); // raw: no line discipline changes

    const readable = new Promise<void>((resolve) => {
      const p = native.poller(master, () => {
        p.close();
        resolve();
      });
      p.start(true, false);
    });
    writeSync(slave, 'pong');
    await readable;
    assert.equal(native.read(master, buf), 4);
    assert.equal(native.read(master, buf), -11);

    native.tcsetattr(slave, saved);
    // c_iflag, c_oflag, c_cflag, c_lflag are back (the rest is padding and speeds).
    assert.deepEqual(native.tcgetattr(slave).subarray(0, 16), saved.subarray(0, 16));
  } finally {
    closeSync(slave);
    native.close(master);
  }
});
