// Integration: consoles and serial lines on real channels with real clients, in
// one boot of the default image: two consoles sharing one telnet port (Debian's
// telnet client; a third client gets UML's banner and the next free line, and
// its NAWS window size reaches the guest), a serial line on a new pty driven by
// screen inside tmux, a serial line on inherited descriptors (a FIFO in,
// a file out), con0 on stdin/stdout. Plus: bad channel specs are one error line.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** Collects a stream's text and waits for patterns in it. */
class Watch {
  text = '';
  private waiters: (() => void)[] = [];
  add(d: Buffer | string): void {
    this.text += typeof d === 'string' ? d : d.toString('latin1');
    for (const w of this.waiters.splice(0)) w();
  }
  async until(re: RegExp, what: string, ms = 60_000, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.text.slice(from));
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got:\n${this.text.slice(-1500)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
}

function tmux(sock: string, ...args: string[]): string {
  const r = spawnSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' });
  return r.stdout ?? '';
}

test('con/ssl lines on port (shared, telnet), pts (screen in tmux), fd (FIFO in, file out) and stdio', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tuml-con-'));
  const port = await freePort();
  const outFile = join(dir, 'ssl2.out');
  const outFd = openSync(outFile, 'w');
  // The input side is a real pipe (a FIFO, opened read-write so that neither open blocks).
  const fifo = join(dir, 'ssl2.in');
  spawnSync('mkfifo', [fifo]);
  const inFd = openSync(fifo, 'r+');
  const p = spawn(process.execPath, [tuml, 'mem=64M', `con1=port:${port}`, `con2=port:${port}`, 'ssl1=pts', 'ssl2=fd:3,fd:4'], {
    stdio: ['pipe', 'pipe', 'pipe', inFd, outFd],
  });
  closeSync(outFd);
  const feed = openSync(fifo, 'w');
  closeSync(inFd);
  const children: ChildProcess[] = [p];
  const sock = join(dir, 'tmux.sock');
  t.after(() => {
    for (const c of children) c.kill('SIGKILL');
    spawnSync('tmux', ['-S', sock, 'kill-server']);
  });
  const out = new Watch();
  const err = new Watch();
  p.stdout!.on('data', (d: Buffer) => out.add(d));
  p.stderr!.on('data', (d: Buffer) => err.add(d));
  const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));

  await out.until(/tuml:\/# /, 'the shell prompt on con0');

  // Two telnet clients on one port: each gets a login on its own console.
  const clients = [0, 1].map(() => {
    const c = spawn('telnet', ['127.0.0.1', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(c);
    const w = new Watch();
    c.stdout.on('data', (d: Buffer) => w.add(d));
    return { c, w };
  });
  const ttys: string[] = [];
  for (const { c, w } of clients) {
    await w.until(/tuml login: /, 'a login prompt over telnet');
    c.stdin.write('root\n');
    await w.until(/tuml:~# /, 'a shell after login');
    c.stdin.write('tty\n');
    ttys.push((await w.until(/\/dev\/(hvc\d+)/, 'the tty name'))[1]);
  }
  assert.deepEqual(ttys.sort(), ['hvc1', 'hvc2'], 'the two clients got con1 and con2');

  // A third client: no line waits, so UML's banner. When the first client leaves, its session
  // is hung up and the third client gets that line with a fresh login.
  const third = createConnection({ host: '127.0.0.1', port });
  const tw = new Watch();
  third.on('data', (d) => tw.add(d));
  await tw.until(/There are currently no UML consoles waiting for port connections\./, 'the banner');
  clients[0].c.kill();
  // NAWS from this client: IAC WILL NAWS, IAC SB NAWS 0 100 0 30 IAC SE.
  third.write(Buffer.from([255, 251, 31, 255, 250, 31, 0, 100, 0, 30, 255, 240]));
  const mark = tw.text.length;
  await tw.until(/tuml login: /, 'a new login after the hang-up', 60_000, mark);
  third.write('root\r\n');
  await tw.until(/tuml:~# /, 'a shell', 60_000, mark);
  third.write('stty size; tty\r\n');
  const size = await tw.until(/(\d+) (\d+)\r?\n\/dev\/(hvc\d)/, 'stty size on the handed-over line');
  assert.deepEqual([size[1], size[2]], ['30', '100'], 'the telnet window size reached the guest');
  third.destroy();

  // ssl1=pts: UML's message names the pty; screen (in a detached tmux) logs in through it.
  const pts = (await err.until(/Serial line 1 assigned device '(\/dev\/pts\/\d+)'/, 'the pts message'))[1];
  tmux(sock, 'new-session', '-d', '-x', '100', '-y', '30', `screen ${pts}`);
  const pane = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = tmux(sock, 'capture-pane', '-p');
      const m = re.exec(s);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in screen; pane:\n${s}`);
      tmux(sock, 'send-keys', '');
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  tmux(sock, 'send-keys', 'Enter'); // a fresh prompt, whatever screen missed
  await pane(/login: *$/m, 'the login prompt');
  tmux(sock, 'send-keys', 'root', 'Enter');
  await pane(/tuml:~# *$/m, 'the shell');
  tmux(sock, 'send-keys', 'echo on-$(tty | tr / _)', 'Enter');
  await pane(/^on-_dev_ttyS1/m, 'tty on the pts line');

  // ssl2=fd:3,fd:4: input through the inherited pipe (FIFO), output into the file.
  const fileHas = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!re.test(readFileSync(outFile, 'latin1'))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; file:\n${readFileSync(outFile, 'latin1')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await fileHas(/tuml login: /, 'the login prompt in the file');
  const fd3 = { write: (s: string) => writeSync(feed, s) };
  fd3.write('root\n');
  await fileHas(/tuml:~# /, 'a shell');
  fd3.write('echo fd-$((6 * 7)) $(tty)\n');
  await fileHas(/fd-42 \/dev\/ttyS2/, 'the command output');

  // con0: the shell on stdin/stdout powers the machine off.
  p.stdin!.write('poweroff\n');
  assert.equal(await exited, 0, err.text);
});

test('bad channel specs: one clear error line, status 1, no boot', { timeout: 30_000 }, () => {
  for (const [arg, re] of [
    ['con1=tty', /^tuml: con1=tty: channel type 'tty' must specify a device/],
    ['ssl3=fd:x', /^tuml: ssl3=fd:x: couldn't parse file descriptor 'x'/],
    ['con2=port:99999', /^tuml: con2=port:99999: port channel: bad port number '99999'/],
    ['ssl99=pts', /^tuml: ssl99=pts: Device number out of range/],
  ] as const) {
    const r = spawnSync(process.execPath, [tuml, arg], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, arg);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${arg}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('a port that is already taken: the line is reported and left unconfigured, the boot goes on', { timeout: 90_000 }, async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [tuml, `con1=port:${port}`, '--', 'echo', 'booted'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d));
      p.stderr.on('data', (d: Buffer) => (err += d));
      p.on('exit', (code) => resolve({ code, out, err }));
      p.stdin.end();
    });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'booted\n');
    assert.match(r.err, new RegExp(`^tuml: con1: binding to port ${port} failed, errno = 98 \\(EADDRINUSE\\)$`, 'm'));
  } finally {
    busy.close();
  }
});

test('xterm channel: a window with UML\'s title on a virtual X server; without $DISPLAY, UML\'s message', { timeout: 90_000 }, async (t) => {
  // Xvfb picks a free display and writes its number to fd 3.
  const x = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  t.after(() => void x.kill());
  const display = await new Promise<string>((resolve) => {
    let s = '';
    (x.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      s += d;
      if (s.includes('\n')) resolve(`:${s.trim()}`);
    });
  });
  const run = (env: NodeJS.ProcessEnv, probe: boolean) =>
    new Promise<{ code: number | null; err: string; windows: string }>((resolve) => {
      const p = spawn(process.execPath, [tuml, 'con1=xterm', 'umid=xt', '--', 'sh', '-c', 'echo hello > /dev/tty1; sleep 3'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
      let err = '';
      let windows = '';
      p.stderr.on('data', (d: Buffer) => (err += d));
      const timer = probe
        ? setInterval(() => {
            const w = spawnSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8', env: { ...process.env, DISPLAY: display } }).stdout ?? '';
            if (w.includes('Virtual Console')) windows = w;
          }, 300)
        : undefined;
      p.on('exit', (code) => {
        if (timer) clearInterval(timer);
        resolve({ code, err, windows });
      });
    });
  const withX = await run({ ...process.env, DISPLAY: display }, true);
  assert.equal(withX.code, 0, withX.err);
  assert.match(withX.windows, /"Virtual Console #1 \(xt\)": \("xterm" "XTerm"\)/);
  const env = { ...process.env };
  delete env.DISPLAY;
  const noX = await run(env, false);
  assert.equal(noX.code, 0, noX.err);
  assert.equal(noX.err, 'tuml: con1: xterm_open: $DISPLAY not set.\n');
});

test('a port channel on the kernel console holds the boot until a telnet client connects, which then sees the kernel log', { timeout: 90_000 }, async () => {
  const port = await freePort();
  const p = spawn(process.execPath, [tuml, `con0=port:${port}`, '--', 'echo', 'booted'], { stdio: ['pipe', 'pipe', 'pipe'] });
  p.stdin.end();
  const out = new Watch();
  const err = new Watch();
  p.stdout.on('data', (d: Buffer) => out.add(d));
  p.stderr.on('data', (d: Buffer) => err.add(d));
  const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
  await err.until(new RegExp(`con0: waiting for a telnet client on port:${port} before booting`), 'the waiting message');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(out.text, '', 'no boot before a client');
  const c = createConnection({ host: '127.0.0.1', port });
  const cw = new Watch();
  c.on('data', (d) => cw.add(d));
  assert.equal(await exited, 0, err.text);
  assert.equal(out.text, 'booted\n');
  await cw.until(/Run \/init as init process/, 'kernel messages over telnet', 5_000);
  c.destroy();
});

test('a reader that stalls loses nothing (a console and a serial line on telnet ports), and con0 stays responsive', { timeout: 180_000 }, async (t) => {
  const [pc, ps] = [await freePort(), await freePort()];
  const p = spawn(process.execPath, [tuml, 'mem=64M', `con1=port:${pc}`, `ssl1=port:${ps}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => void p.kill('SIGKILL'));
  const out = new Watch();
  p.stdout.on('data', (d: Buffer) => out.add(d));
  p.stderr.on('data', (d: Buffer) => out.add(d));
  await out.until(/tuml:\/# /, 'the shell prompt on con0');
  const N = 300_000;
  const clients = [pc, ps].map((port) => {
    const s = createConnection({ host: '127.0.0.1', port });
    let xs = 0;
    s.on('data', (d: Buffer) => {
      for (const b of d) if (b === 0x78) xs++;
    });
    s.pause(); // the reader stalls
    return { s, count: () => xs };
  });
  await new Promise((r) => setTimeout(r, 500));
  p.stdin.write(`(head -c ${N} /dev/zero | tr '\\0' x >/dev/tty1; head -c ${N} /dev/zero | tr '\\0' x >/dev/ttyS1; echo wrote-all) &\n`);
  p.stdin.write('echo alive-$((6 * 7))\n');
  await out.until(/alive-42/, 'con0 answering while the readers stall', 30_000);
  await new Promise((r) => setTimeout(r, 2000));
  for (const c of clients) c.s.resume();
  const deadline = Date.now() + 150_000;
  while (clients.some((c) => c.count() < N)) {
    assert.ok(Date.now() < deadline, `received ${clients.map((c) => c.count()).join(', ')} of ${N}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await out.until(/wrote-all/, 'the writers finishing');
  assert.deepEqual(clients.map((c) => c.count()), [N, N]);
  for (const c of clients) c.s.destroy();
  p.stdin.write('poweroff\n');
});

test('the real uml_mconsole queries, reconfigures and removes lines; a telnet client reaches the new channel', { skip: !existsSync('/usr/bin/uml_mconsole') && 'uml-utilities is not installed', timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tuml-conmc-'));
  const port = await freePort();
  const p = spawn(process.execPath, [tuml, 'mem=64M', 'con0=null', 'con1=pts', 'ssl2=null', `uml_dir=${dir}/`, 'umid=lines'], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => void p.kill('SIGKILL'));
  const err = new Watch();
  p.stderr.on('data', (d: Buffer) => err.add(d));
  const sock = join(dir, 'lines', 'mconsole');
  await err.until(/Virtual console 1 assigned device '\/dev\/pts\/\d+'/, 'the getty opening con1');
  const um = (...args: string[]) => spawnSync('uml_mconsole', [sock, ...args], { encoding: 'utf8' }).stdout;
  assert.match(um('config', 'con1'), /^OK pts:\/dev\/pts\/\d+\n$/);
  assert.equal(um('config', 'con3'), 'OK xterm\n', "UML's default for the other consoles");
  assert.equal(um('config', 'ssl2'), 'OK null\n');
  assert.equal(um('config', 'con16'), 'ERR device number out of range\n');
  assert.match(um('config', 'con1=bogus'), /^ERR no such channel type "bogus"/);
  assert.equal(um('config', `con1=port:${port}`), 'OK \n');
  assert.equal(um('config', 'con1'), `OK port:${port}\n`);
  const c = createConnection({ host: '127.0.0.1', port });
  const cw = new Watch();
  c.on('data', (d) => cw.add(d));
  for (let i = 0; !/tuml login: /.test(cw.text); i++) {
    if (i % 10 === 0) c.write('\r\n'); // getty prompts again on an empty line
    assert.ok(i < 300, cw.text);
    await new Promise((r) => setTimeout(r, 100));
  }
  c.destroy();
  assert.equal(um('remove', 'con1'), 'OK \n');
  assert.equal(um('config', 'con1'), 'OK none\n');
  assert.equal(um('remove', 'con1'), "ERR configured as 'none'\n");
  um('halt');
});
