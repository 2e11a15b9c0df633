// mconsole without a guest: packet layouts, reply splitting, command matching,
// the instance directory (pid file, stale takeover, refusal, removal), uml_dir,
// the client's path rewriting, panic detection in console text, and the server
// answering on a real socket for the commands it decides alone.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as native from '../src/host/native/index.js';
import { McClient, resolveTarget } from '../src/mconsole/client.js';
import { absolutizeUbd } from '../src/mconsole/cli.js';
import { PanicWatch, kernelBanner } from '../src/mconsole/instance.js';
import {
  HELP_TEXT, NotifyType, REQUEST_SIZE, decodeNotify, decodeReplyPacket, encodeNotify, encodeReply, encodeRequest,
  matchCommand, parseRequest,
} from '../src/mconsole/protocol.js';
import { type McTarget, MconsoleServer } from '../src/mconsole/server.js';
import { createInstanceDir, readPidFile, resolveUmlDir } from '../src/uml/umid.js';

const dir = mkdtempSync(join(tmpdir(), 'tuml-mc-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('request: 524 bytes, magic, version 2, len; UML\'s checks on the way in', () => {
  const r = encodeRequest('version');
  assert.equal(r.length, REQUEST_SIZE);
  assert.deepEqual(Array.from(r.subarray(0, 12)), [0xbe, 0xba, 0xfe, 0xca, 2, 0, 0, 0, 7, 0, 0, 0]);
  assert.deepEqual(parseRequest(r), { kind: 'command', text: 'version', badVersion: false });
  // A short datagram (12 + len) is accepted; the text stops at len and at a NUL.
  assert.deepEqual(parseRequest(r.subarray(0, 12 + 4)), { kind: 'command', text: 'vers', badVersion: false });
  const v3 = r.slice();
  v3[4] = 3;
  assert.equal((parseRequest(v3) as { badVersion: boolean }).badVersion, true);
  const big = r.slice();
  big[8] = 0;
  big[9] = 2; // len 512
  assert.deepEqual(parseRequest(big), { kind: 'too-large' });
  assert.deepEqual(parseRequest(Uint8Array.of(1, 2, 3, 4, 5)), { kind: 'version0' });
  assert.deepEqual(parseRequest(Uint8Array.of(0xbe, 0xba)), { kind: 'short' });
  assert.throws(() => encodeRequest('x'.repeat(512)), RangeError);
});

test('reply: pieces of 511 bytes with their NUL, more=1 until the last, err on the first only', () => {
  const text = 'a'.repeat(511) + 'b'.repeat(511) + 'c';
  const ps = encodeReply(text, -22);
  assert.equal(ps.length, 3);
  assert.deepEqual(ps.map((p) => p.length), [12 + 512, 12 + 512, 12 + 2]);
  const d = ps.map((p) => decodeReplyPacket(p));
  assert.deepEqual(d.map((x) => [x.err, x.more]), [[-22, true], [0, true], [0, false]]);
  assert.equal(d.map((x) => x.text).join(''), text);
  assert.equal(ps[0][12 + 511], 0);
  // Empty text: one packet, len 1, data NUL.
  const e = encodeReply('', 0);
  assert.deepEqual(Array.from(e[0]), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  // A streaming handler's piece keeps more=1 even when it is short.
  assert.equal(decodeReplyPacket(encodeReply('x', 0, true)[0]).more, true);
});

test('notify packet: magic, version, type, len, payload (at most 512 bytes)', () => {
  const p = encodeNotify(NotifyType.Socket, Buffer.from('/x/mconsole\0'));
  assert.equal(p.length, 16 + 12);
  assert.deepEqual(Array.from(p.subarray(0, 16)), [0xbe, 0xba, 0xfe, 0xca, 2, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0]);
  assert.equal(encodeNotify(NotifyType.UserNotify, new Uint8Array(600)).length, 16 + 512);
  const d = decodeNotify(p)!;
  assert.equal(d.type, 0);
  assert.equal(Buffer.from(d.data).toString(), '/x/mconsole\0');
});

test('commands match by prefix in UML\'s table order', () => {
  assert.deepEqual(matchCommand('versionXYZ'), { name: 'version', rest: 'XYZ' });
  assert.deepEqual(matchCommand('configure'), { name: 'config', rest: 'ure' });
  assert.deepEqual(matchCommand('gone'), { name: 'go', rest: 'ne' });
  assert.deepEqual(matchCommand('stack 12'), { name: 'stack', rest: ' 12' });
  assert.equal(matchCommand('hal'), undefined);
  assert.equal(matchCommand(''), undefined);
  assert.equal(HELP_TEXT.split('\n').length, 17);
  assert.match(HELP_TEXT, /^\tsame syntax as command line \n/m);
});

test('instance directory: 0700, pid file, removal; a live owner forces a random umid; a stale one is taken over', () => {
  const logs: string[] = [];
  const umlDir = resolveUmlDir(join(dir, 'uml'));
  assert.ok(umlDir.endsWith('/'));
  assert.equal(resolveUmlDir('~/u', '/home/x'), '/home/x/u/');
  const a = createInstanceDir(umlDir, 'web', (l) => logs.push(l));
  assert.equal(a.umid, 'web');
  assert.equal(statSync(a.path).mode & 0o777, 0o700);
  assert.equal(readFileSync(a.pidPath, 'latin1'), `${process.pid}\n`);
  assert.equal(readPidFile(a.pidPath), process.pid);

  // Our parent is alive: its pid in the file makes the umid busy.
  writeFileSync(a.pidPath, `${process.ppid}\n`);
  const b = createInstanceDir(umlDir, 'web', (l) => logs.push(l));
  assert.match(b.umid, /^[A-Za-z0-9]{6}$/);
  assert.deepEqual(logs, [
    `umid "web" is already in use by pid ${process.ppid}`,
    'Failed to initialize umid "web", trying with a random umid',
  ]);
  b.remove();
  assert.equal(existsSync(b.path), false);

  // A dead pid (or garbage) is stale: everything in the directory goes, the directory is reused.
  writeFileSync(a.pidPath, '999999999\n');
  writeFileSync(join(a.path, 'mconsole'), 'old socket');
  const c = createInstanceDir(umlDir, 'web', (l) => logs.push(l));
  assert.equal(c.umid, 'web');
  assert.deepEqual(readdirSync(c.path), ['pid']);
  writeFileSync(c.pidPath, 'garbage');
  const d = createInstanceDir(umlDir, 'web', (l) => logs.push(l));
  assert.equal(d.umid, 'web');
  assert.equal(logs.length, 2);
  d.remove();
  assert.equal(existsSync(d.path), false);
  // No umid: six random characters.
  const e = createInstanceDir(umlDir, undefined, () => {});
  assert.match(e.umid, /^[A-Za-z0-9]{6}$/);
  e.remove();
});

test('client name resolution as uml_mconsole: ~/.uml/<name>, /tmp/uml/<name>, the path; warnings for misses', () => {
  const home = join(dir, 'home');
  mkdirSync(join(home, '.uml', 'vm1'), { recursive: true });
  writeFileSync(join(home, '.uml', 'vm1', 'mconsole'), '');
  writeFileSync(join(home, '.uml', 'vm1', 'pid'), '4242\n');
  const warns: string[] = [];
  const t = resolveTarget('vm1', (l) => warns.push(l), home)!;
  assert.deepEqual(t, { socket: join(home, '.uml', 'vm1', 'mconsole'), name: 'vm1', pid: 4242 });
  assert.equal(warns.length, 0);
  const miss = resolveTarget('nosuch-vm', (l) => warns.push(l), home);
  assert.equal(miss, undefined);
  assert.deepEqual(warns, [
    `Warning: couldn't stat file: ${home}/.uml/nosuch-vm/mconsole - No such file or directory`,
    "Warning: couldn't stat file: /tmp/uml/nosuch-vm/mconsole - No such file or directory",
    "Warning: couldn't stat file: nosuch-vm - No such file or directory",
  ]);
});

test('config ubd paths become absolute as uml_mconsole makes them', () => {
  const cwd = join(dir, 'cwd');
  mkdirSync(join(cwd, 'sub'), { recursive: true });
  const w: string[] = [];
  assert.equal(absolutizeUbd('config ubd3=disk.img', (l) => w.push(l), cwd), `config ubd3=${cwd}/disk.img`);
  assert.equal(absolutizeUbd('config ubd1=sub/c.cow,b.img', (l) => w.push(l), cwd), `config ubd1=${cwd}/sub/c.cow,${cwd}/b.img`);
  assert.equal(absolutizeUbd('config ubd3=', (l) => w.push(l), cwd), `config ubd3=${cwd}/`);
  assert.equal(absolutizeUbd('config con1=pts', (l) => w.push(l), cwd), 'config con1=pts');
  assert.equal(absolutizeUbd('config ubd2=nodir/x.img', (l) => w.push(l), cwd), 'config ubd2=nodir/x.img');
  assert.deepEqual(w, ["absolutize : Can't cd to 'nodir', No such file or directory"]);
});

test('panics are found in console text split anywhere; the Image banner gives version before userspace', () => {
  const got: string[] = [];
  const w = new PanicWatch((m) => got.push(m));
  const text = 'x\r\n[ 1.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\r\n';
  for (let i = 0; i < text.length; i += 7) w.feed(Buffer.from(text.slice(i, i + 7)));
  assert.deepEqual(got, ['Attempted to kill init! exitcode=0x0000000b']);
  const img = Buffer.from('\0\0Linux version 6.1.9 (b@h) (gcc 12) #1 Wed Jan  1 00:00:00 UTC 2025\n\0');
  assert.equal(kernelBanner(img), 'Linux (none) 6.1.9 #1 Wed Jan  1 00:00:00 UTC 2025 riscv64');
});

/** Sends raw datagrams from a bound socket of our own and collects the answers. */
function rawPeer(name: string): { fd: number; send(to: string, d: Uint8Array): void; recvAll(): Uint8Array[] } {
  const fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  native.bindUnix(fd, `\0tuml-mc-test-${process.pid}-${name}`);
  const buf = new Uint8Array(1024);
  return {
    fd,
    send: (to, d) => assert.ok(native.sendToUnix(fd, d, to) >= 0),
    recvAll: () => {
      const out: Uint8Array[] = [];
      for (;;) {
        const r = native.recvFromUnix(fd, buf);
        if (r.n < 0) return out;
        out.push(buf.slice(0, r.n));
      }
    },
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('server on a real socket: protocol errors, version-mismatch quirk, stop/go state, uml_mconsole\'s view', { timeout: 30_000 }, async () => {
  const calls: string[] = [];
  const target: McTarget = {
    version: () => 'Linux (none) 6.1.0 #1 test riscv64',
    halt: () => calls.push('halt'),
    reboot: () => calls.push('reboot'),
    stop: () => void calls.push('stop'),
    go: () => void calls.push('go'),
    config: (a) => ({ err: 0, text: `config:${a}` }),
    remove: () => ({ err: -19, text: "Device doesn't exist" }),
    sysrq: (l, stream) => (stream(`out:${l}`), { err: 0, text: '' }),
    cad: () => ({ err: 0, text: '' }),
    log: (t) => (calls.push(`log:${JSON.stringify(t)}`), { err: 0, text: '' }),
    proc: (f, stream) => (stream('\n'), stream('x'.repeat(1200)), { err: 0, text: '' }),
    stack: (pid) => ({ err: 0, text: `pid ${pid}` }),
  };
  const sock = join(dir, 'srv.sock');
  const srv = MconsoleServer.open(sock, target, () => {});
  const peer = rawPeer('a');
  try {
    peer.send(sock, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const big = encodeRequest('version');
    big[9] = 2;
    peer.send(sock, big);
    const v1 = encodeRequest('version');
    v1[4] = 1;
    peer.send(sock, v1);
    peer.send(sock, encodeRequest('nonsense'));
    peer.send(sock, encodeRequest('proc x'));
    await tick(200);
    const got = peer.recvAll();
    assert.equal(Buffer.from(got[0]).toString('latin1'), 'ERR Version 0 mconsole clients are not supported by this driver');
    const rest = got.slice(1).map((p) => decodeReplyPacket(p));
    assert.deepEqual(rest.slice(0, 4).map((r) => [r.err, r.more, r.text]), [
      [1, false, 'Request too large'],
      [1, false, 'This driver only supports version 2 clients'],
      [0, false, 'Linux (none) 6.1.0 #1 test riscv64'],
      [1, false, 'Unknown command'],
    ]);
    // proc: "\n", 1200 bytes in 511-byte pieces, all more=1, then the empty final packet.
    const proc = rest.slice(4);
    assert.deepEqual(proc.map((r) => r.more), [true, true, true, true, false]);
    assert.equal(proc.map((r) => r.text).join(''), '\n' + 'x'.repeat(1200));

    // An unbound sender gets nothing, and nothing breaks.
    const anon = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    native.sendToUnix(anon, encodeRequest('version'), sock);
    native.close(anon);

    const client = new McClient();
    const ask = (t: string) => client.request(sock, t, 5000);
    assert.deepEqual(await ask('stop'), { err: 0, text: 'stopped' });
    assert.deepEqual(await ask('stop'), { err: 1, text: 'Already stopped' });
    assert.deepEqual(await ask('go'), { err: 0, text: '' });
    assert.deepEqual(await ask('go'), { err: 1, text: 'Not stopped' });
    assert.deepEqual(await ask('stack'), { err: 1, text: 'Please specify a pid' });
    assert.deepEqual(await ask('stack 0'), { err: 1, text: "Couldn't find that pid" });
    assert.deepEqual(await ask('stack 0x10'), { err: 0, text: 'pid 16' });
    assert.deepEqual(await ask('logXhi'), { err: 0, text: '' });
    assert.deepEqual(await ask('sysrq m'), { err: 0, text: 'out:m' });
    assert.deepEqual(await ask('configure ubd0'), { err: 0, text: 'config:ure ubd0' });
    client.close();

    // The real uml_mconsole: its output and exit status (err as 8 bits).
    const um = (...args: string[]) =>
      new Promise<{ out: string; code: number | null }>((resolve) => {
        const p = spawn('uml_mconsole', [sock, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d));
        const t = setTimeout(() => p.kill(), 10_000);
        p.on('exit', (code) => (clearTimeout(t), resolve({ out, code })));
      });
    if (existsSync('/usr/bin/uml_mconsole')) {
      assert.deepEqual(await um('remove', 'ubd9'), { out: "ERR Device doesn't exist\n", code: 237 });
      const help = await um('help');
      assert.equal(help.code, 0);
      assert.ok(help.out.startsWith(`OK ${HELP_TEXT}\nAdditional local mconsole commands:\n`), help.out);
      assert.deepEqual(await um('log', 'hello'), { out: 'OK \nOK \n', code: 0 });
      assert.deepEqual(await um('halt'), { out: 'OK \n', code: 0 });
    }
    assert.deepEqual(calls.filter((c) => c !== 'stop' && c !== 'go'), [
      'log:"hi"', ...(existsSync('/usr/bin/uml_mconsole') ? ['log:"hello"', 'log:"\\n"', 'halt'] : []),
    ]);
  } finally {
    native.close(peer.fd);
    srv.close();
  }
  assert.equal(existsSync(sock), false);
});
