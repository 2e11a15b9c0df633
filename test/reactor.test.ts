// The host reactor on real descriptors: read and write interest on a pipe (a full pipe
// becomes writable when the reader drains it), regular files always ready, and nothing
// reported for what is not wanted.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Reactor } from '../src/host/io/reactor.js';
import * as native from '../src/host/native/index.js';

const reactor = new Reactor();
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

test('read interest: called when data arrives, not before, not after want(false)', async () => {
  const p = native.openpty(); // a descriptor pair libuv can poll (both ends)
  const events: string[] = [];
  const w = reactor.watch(p.master, (r, wr) => events.push(`${r ? 'r' : ''}${wr ? 'w' : ''}`));
  try {
    w.want(true, false);
    await tick();
    assert.equal(events.length, 0, 'nothing to read yet');
    native.write(p.slave, new TextEncoder().encode('x'));
    await tick();
    assert.ok(events.includes('r'), `readable reported: ${events}`);
    w.want(false, false);
    events.length = 0;
    native.write(p.slave, new TextEncoder().encode('y'));
    await tick();
    assert.equal(events.length, 0, 'not wanted, not reported');
  } finally {
    w.close();
    native.close(p.master);
    native.close(p.slave);
  }
});

test('write interest on a full pipe: reported once the reader makes room', async () => {
  const { readFd, writeFd } = pipe();
  native.setNonBlocking(writeFd, true);
  const chunk = new Uint8Array(65536);
  while (native.write(writeFd, chunk) > 0) {
    // fill the pipe
  }
  assert.equal(native.write(writeFd, chunk), -native.errno.EAGAIN);
  let writable = 0;
  const w = reactor.watch(writeFd, (_r, wr) => void (wr && writable++));
  try {
    w.want(false, true);
    await tick();
    assert.equal(writable, 0, 'full: not writable');
    const buf = new Uint8Array(1 << 20);
    native.setNonBlocking(readFd, true);
    while (native.read(readFd, buf) > 0) {
      // drain
    }
    await tick();
    assert.ok(writable > 0, 'room again: writable');
  } finally {
    w.close();
    native.close(readFd);
    native.close(writeFd);
  }
});

test('a regular file cannot be polled: it is always ready, on the next turn of the loop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tuml-reactor-'));
  const f = join(dir, 'f');
  writeFileSync(f, 'data');
  const fd = openSync(f, 'r');
  let calls = 0;
  const w = reactor.watch(fd, (r) => void (r && calls++));
  try {
    w.want(true, false);
    assert.equal(calls, 0, 'not synchronously');
    await tick();
    assert.equal(calls, 1);
    w.want(true, false);
    w.close();
    await tick();
    assert.equal(calls, 1, 'closed: no more calls');
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true });
  }
});

test('timers: after() fires once, and a cancelled one never', async () => {
  const got: string[] = [];
  reactor.after(5, () => got.push('a'));
  const cancel = reactor.after(5, () => got.push('b'));
  cancel();
  await tick(30);
  assert.deepEqual(got, ['a']);
});

/** Both ends of a FIFO, non-blocking. */
function pipe(): { readFd: number; writeFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tuml-reactor-'));
  const f = join(dir, 'fifo');
  spawnSync('mkfifo', [f]);
  const readFd = openSync(f, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(f, constants.O_WRONLY | constants.O_NONBLOCK);
  rmSync(dir, { recursive: true });
  return { readFd, writeFd };
}
