// mconsole end to end with the real kernel and the real uml_mconsole:
// every command against a booted default image (the guest agent answers proc,
// stack, sysrq, log, cad), the notify socket (SOCKET, USER_NOTIFY from the
// guest's /dev/mconsole, PANIC), stop/go with the CPU's retired-instruction
// count, ubd hot-plug reaching the guest, a datagram fuzz while the guest runs,
// and `tuml mconsole` printing what uml_mconsole prints.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as native from '../src/host/native/index.js';
import { coreModule } from '../src/host/wasm.js';
import { HELP_TEXT, encodeRequest } from '../src/mconsole/protocol.js';
import { parseCommandLine } from '../src/uml/cmdline/index.js';
import { wireMachine } from '../src/uml/wire.js';
import { exec, haveUml, notifySocket, until } from './helpers/mconsole-guest.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const image = join(root, 'images', 'default');

const dir = mkdtempSync(join(tmpdir(), 'tuml-mc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const um = (target: string, ...args: string[]) => exec(dir, 'uml_mconsole', [target, ...args]);
const tm = (target: string, ...args: string[]) => exec(dir, process.execPath, [tuml, 'mconsole', target, ...args]);

test('every command through the real uml_mconsole against the booted guest; notify; stop/go; hot-plug; fuzz; cad', { skip: !haveUml && 'uml-utilities is not installed', timeout: 240_000 }, async () => {
  const notify = notifySocket(join(dir, 'notify-a'));
  // The guest side reports what the host cannot see otherwise through its /dev/mconsole:
  // the ubd nodes present and whether the log line arrived, whenever that changes.
  const script = [
    'printf "user notify one" >/dev/mconsole',
    // The watchdog, armed and fed once, then left alone: HANG on the notify socket.
    'exec 5>/dev/watchdog; echo feed >&5',
    'last=',
    'while :; do',
    '  s="ubd:$(ls /dev | grep ^ubd | tr "\\n" " ")|log:$(dmesg | grep -c mconsole-test-marker)"',
    '  [ "$s" != "$last" ] && printf %s "$s" >/dev/mconsole && last=$s',
    '  usleep 300000',
    'done',
  ].join('\n');
  const parsed = parseCommandLine([
    'con0=null', 'mem=64M', `uml_dir=${dir}/.uml`, 'umid=vm-a', `mconsole=notify:${join(dir, 'notify-a')}`, 'noreboot',
    '--', 'sh', '-c', script,
  ]);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const logs: string[] = [];
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(), kernel: join(image, 'Image'), defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: (l) => logs.push(l), ubdHotplugSlots: 1, mconsoleWatchdogMs: 3000,
  });
  const sock = 'vm-a';
  const sockPath = join(dir, '.uml', 'vm-a', 'mconsole');
  const running = wired.run();
  let exit: Awaited<typeof running> | undefined;
  void running.then((e) => (exit = e));
  try {
    const s = await notify.wait((n) => n.type === 0);
    assert.equal(s.text, `${sockPath}\0`);
    assert.equal((await notify.wait((n) => n.type === 3)).text, 'user notify one');
    assert.equal((await notify.wait((n) => n.type === 2)).text, '');

    // Until the guest agent runs, guest-side commands answer with an error at once.
    await until(async () => (await um(sock, 'proc', 'uptime')).code === 0);

    const v = await um(sock, 'version');
    assert.match(v.out, /^OK Linux tuml 6\.1\.\d+ #1 .* riscv64\n$/);
    assert.equal(v.code, 0);
    const h = await um(sock, 'help');
    assert.ok(h.out.startsWith(`OK ${HELP_TEXT}\n`), h.out);
    assert.match((await um(sock, 'proc', 'meminfo')).out, /^OK \nMemTotal: +\d+ kB\n/);
    assert.deepEqual(await um(sock, 'proc', 'no-such-file'), { out: 'ERR Failed to open file\n', err: '', code: 1 });
    assert.deepEqual(await um(sock, 'proc', '../etc/passwd'), { out: 'ERR Failed to open file\n', err: '', code: 1 });
    assert.match((await um(sock, 'stack', '1')).out, /^OK Call Trace:\n(\[<0>\] \S+\+0x[0-9a-f]+\/0x[0-9a-f]+\n)+\n$/);
    assert.equal((await um(sock, 'stack', '99999')).out, "ERR Couldn't find that pid\n");
    assert.equal((await um(sock, 'stack')).out, 'ERR Please specify a pid\n');
    const m = await um(sock, 'sysrq', 'm');
    assert.match(m.out, /^OK sysrq: Show Memory\nMem-Info:\n/);
    assert.equal(m.code, 0);
    assert.deepEqual(await um(sock, 'log', 'mconsole-test-marker'), { out: 'OK \nOK \n', err: '', code: 0 });
    await notify.wait((n) => n.type === 3 && n.text.endsWith('|log:1'));
    assert.equal((await um(sock, 'foo')).out, 'ERR Unknown command\n');
    assert.equal((await um(sock, 'config', 'bogus0')).out, 'ERR Bad configuration option\n');
    assert.deepEqual(await um(sock, 'config', 'ubd99'), { out: 'ERR ubd_get_config : device number out of range\n', err: '', code: 1 });
    assert.equal((await um(sock, 'config', 'con16')).out, 'ERR device number out of range\n');
    assert.deepEqual(await um(sock, 'config', 'con=pts'), { out: "ERR Can't configure all devices from mconsole\n", err: '', code: 234 });

    // ubd hot-plug: the disk reaches the guest as /dev/ubdb and goes away again.
    const disk = join(dir, 'hot.ext4');
    copyFileSync(join(image, 'rootfs.ext4'), disk);
    const mark = notify.got.length;
    assert.deepEqual(await um(sock, 'config', 'ubd1=hot.ext4'), { out: 'OK \n', err: '', code: 0 });
    assert.equal((await um(sock, 'config', 'ubd1')).out, `OK ${disk}\n`);
    assert.equal((await um(sock, 'config', 'ubd1=hot.ext4')).code, 240);
    await notify.wait((n) => n.type === 3 && /ubd:.*\bubdb\b/.test(n.text), mark);
    const mark2 = notify.got.length;
    assert.deepEqual(await um(sock, 'remove', 'ubd1'), { out: 'OK \n', err: '', code: 0 });
    await notify.wait((n) => n.type === 3 && n.text.startsWith('ubd:') && !/\bubdb\b/.test(n.text), mark2);
    assert.deepEqual(await um(sock, 'remove', 'ubd1'), { out: "ERR Device doesn't exist\n", err: '', code: 237 });

    // stop: no instruction retires until go while idle; mconsole still answers, the guest's
    // files too (the CPU runs just for that: mconsole-stop.test checks what it runs).
    assert.deepEqual(await um(sock, 'stop'), { out: 'OK stopped\n', err: '', code: 0 });
    const i0 = wired.machine.hart.instret;
    await new Promise((r) => setTimeout(r, 500));
    assert.match((await um(sock, 'version')).out, /^OK Linux tuml /);
    assert.equal((await um(sock, 'stop')).out, 'ERR Already stopped\n');
    assert.equal(wired.machine.hart.instret, i0);
    assert.match((await um(sock, 'proc', 'uptime')).out, /^OK \n\d+\.\d+ \d+\.\d+\n/);
    const i1 = wired.machine.hart.instret;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(wired.machine.hart.instret, i1);
    assert.deepEqual(await um(sock, 'go'), { out: 'OK \n', err: '', code: 0 });
    assert.equal((await um(sock, 'go')).out, 'ERR Not stopped\n');
    await until(async () => wired.machine.hart.instret !== i0, 10_000);

    // Fuzz: thousands of malformed and random datagrams; replies go to the sender only.
    const fuzz = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    native.bindUnix(fuzz, `\0tuml-mc-fuzz-${process.pid}`);
    const bystander = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    native.bindUnix(bystander, `\0tuml-mc-bystander-${process.pid}`);
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const sink = new Uint8Array(1024);
    let replies = 0;
    for (let i = 0; i < 4000; i++) {
      let d: Uint8Array;
      switch (i % 5) {
        case 0: d = new Uint8Array(rnd(600)).map(() => rnd(256)); break;
        case 1: d = encodeRequest(['help', 'go', 'versio', 'nonsense', 'config ubd1', 'stack'][rnd(6)]).subarray(0, rnd(540)); break;
        case 2: { d = encodeRequest('help'); new DataView(d.buffer).setUint32(8, rnd(2 ** 32), true); break; }
        case 3: { d = encodeRequest('help'); new DataView(d.buffer).setUint32(4, rnd(5), true); break; }
        default: { const b = new Uint8Array(600).map(() => rnd(256)); b.set([0xbe, 0xba, 0xfe, 0xca]); d = b; }
      }
      // The socket's queue is bounded: wait for room, reading the replies meanwhile.
      while (native.sendToUnix(fuzz, d, sockPath) === -11) {
        await new Promise((r) => setTimeout(r, 2));
        while (native.recvFromUnix(fuzz, sink).n >= 0) replies++;
      }
      if (i % 20 === 19) {
        await new Promise((r) => setImmediate(r));
        while (native.recvFromUnix(fuzz, sink).n >= 0) replies++;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    while (native.recvFromUnix(fuzz, sink).n >= 0) replies++;
    assert.ok(replies > 3000, `only ${replies} replies to 4000 datagrams`);
    assert.ok(native.recvFromUnix(bystander, sink).n < 0, 'a bystander received a reply');
    native.close(fuzz);
    native.close(bystander);
    assert.equal(exit, undefined);
    assert.match((await um(sock, 'proc', 'uptime')).out, /^OK \n\d+\.\d+ \d+\.\d+\n/);

    // cad: the guest's init gets SIGINT and reboots; with noreboot the run ends there.
    assert.deepEqual(await um(sock, 'cad'), { out: 'OK \n', err: '', code: 0 });
    assert.deepEqual(await running, { kind: 'reboot' });
  } finally {
    if (exit === undefined) wired.machine.halt();
    await running;
    await wired.dispose();
    notify.close();
  }
  assert.equal(existsSync(join(dir, '.uml', 'vm-a')), false, 'the instance directory is removed at exit');
});

test('tuml mconsole prints what uml_mconsole prints; reboot and a panic through the tuml command', { timeout: 240_000 }, async () => {
  const notify = notifySocket(join(dir, 'notify-b'));
  const child = spawn(process.execPath, [tuml, 'con0=null', 'mem=64M', `uml_dir=${dir}/.uml`, 'umid=vm-b', `mconsole=notify:${join(dir, 'notify-b')}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const sock = 'vm-b';
  try {
    await notify.wait((n) => n.type === 0);
    await until(async () => (await tm(sock, 'proc', 'uptime')).code === 0);
    const cmds = [['version'], ['help'], ['config', 'ubd0'], ['config', 'con0'], ['stack'], ['foo'], ['remove', 'ubd3'], ['log', 'x'],
      ['proc', 'cmdline'], ['go'], ['nosuch-name-at-all']];
    for (const c of cmds) {
      const a = await um(sock, ...c);
      const b = await tm(sock, ...c);
      assert.deepEqual(b, a, c.join(' '));
    }
    // Name resolution failures and the interactive mode with its local commands.
    assert.deepEqual(await tm('no-such-vm', 'version'), await um('no-such-vm', 'version'));
    const session = 'version\nmconsole-version\nconfig ubd0\nlog a b c\nswitch vm-b\nswitch nosuch\nhelp\n';
    assert.deepEqual(await exec(dir, process.execPath, [tuml, 'mconsole', sock], session), await exec(dir, 'uml_mconsole', [sock], session));
    if (!haveUml) return;

    // reboot: the reply first, then a new boot (a new SOCKET notification).
    const n0 = notify.got.length;
    assert.deepEqual(await tm(sock, 'reboot'), { out: 'OK \n', err: '', code: 0 });
    await notify.wait((n) => n.type === 0, n0);
    await until(async () => (await tm(sock, 'proc', 'uptime')).code === 0);
    // A guest kernel panic reaches the notify socket as PANIC and ends the instance as UML's
    // abort does: status 134, the message on stderr.
    assert.equal((await tm(sock, 'sysrq', 'c')).code, 0);
    assert.match((await notify.wait((n) => n.type === 1)).text, /^sysrq triggered crash\0$/);
    assert.equal(await exited, 134, stderr);
    assert.match(stderr, /^tuml: Kernel panic - not syncing: sysrq triggered crash$/m);
    assert.equal(existsSync(join(dir, '.uml', 'vm-b')), false);
  } finally {
    child.kill('SIGKILL');
    notify.close();
  }
});
