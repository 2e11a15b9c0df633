// mconsole `stop` as UML's: while stopped, proc, stack, sysrq and log are answered for
// real (UML's stop loop serves mconsole requests while nothing else runs). Here the
// guest agent holds every other user task in a frozen cgroup and the CPU runs only
// while such a request is served: a guest task that reports every 200 ms through
// /dev/mconsole says nothing from `stop` to `go`, no instruction retires while stopped
// and idle, and after `go` everything carries on.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { coreModule } from '../src/host/wasm.js';
import { parseCommandLine } from '../src/uml/cmdline/index.js';
import { wireMachine } from '../src/uml/wire.js';
import { exec, haveUml, notifySocket, until } from './helpers/mconsole-guest.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const image = join(root, 'images', 'default');
const dir = mkdtempSync(join(tmpdir(), 'tuml-stop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const um = (...args: string[]) => exec(dir, 'uml_mconsole', ['vm-s', ...args]);
const idle = () => new Promise((r) => setTimeout(r, 500));

test('while stopped, proc, stack, sysrq and log are answered with the guest\'s user tasks held; go resumes them', { skip: !haveUml && 'uml-utilities is not installed', timeout: 240_000 }, async () => {
  // A ticker, numbered, that also says whether the host's log line reached the kernel log.
  const script = 'n=0; while :; do n=$((n + 1)); printf "tick:%d:%d" $n $(dmesg | grep -c stop-test-marker) >/dev/mconsole; usleep 200000; done';
  const parsed = parseCommandLine([
    'con0=null', 'mem=64M', `uml_dir=${dir}/.uml`, 'umid=vm-s', `mconsole=notify:${join(dir, 'notify')}`, 'noreboot',
    '--', 'sh', '-c', script,
  ]);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const notify = notifySocket(join(dir, 'notify'));
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(), kernel: join(image, 'Image'), defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: () => {},
  });
  const running = wired.run();
  let exit: Awaited<typeof running> | undefined;
  void running.then((e) => (exit = e));
  const ticks = () => notify.got.filter((n) => n.type === 3 && n.text.startsWith('tick:')).map((n) => n.text);
  const hart = wired.machine.hart;
  try {
    await until(async () => (await um('proc', 'uptime')).code === 0);
    await notify.wait((n) => n.type === 3 && n.text.startsWith('tick:'));

    assert.deepEqual(await um('stop'), { out: 'OK stopped\n', err: '', code: 0 });
    await idle(); // notifications sent before the stop are read by now
    const seen = ticks().length;
    const i0 = hart.instret;
    await idle();
    assert.equal(hart.instret, i0, 'an instruction retired while stopped and idle');

    // Each answered by the guest itself, while it is stopped.
    const up = await um('proc', 'uptime');
    assert.match(up.out, /^OK \n\d+\.\d+ \d+\.\d+\n/);
    assert.deepEqual(await um('proc', 'no-such-file'), { out: 'ERR Failed to open file\n', err: '', code: 1 });
    assert.match((await um('stack', '1')).out, /^OK Call Trace:\n(\[<0>\] \S+\+0x[0-9a-f]+\/0x[0-9a-f]+\n)+\n$/);
    assert.match((await um('sysrq', 'm')).out, /^OK sysrq: Show Memory\nMem-Info:\n/);
    assert.deepEqual(await um('log', 'stop-test-marker'), { out: 'OK \nOK \n', err: '', code: 0 });
    const i1 = hart.instret;
    assert.ok(i1 > i0, 'the CPU ran to answer');
    await idle();
    assert.equal(hart.instret, i1, 'an instruction retired while stopped and idle after the answers');
    assert.equal(ticks().length, seen, `a user task ran while stopped: ${ticks().slice(seen)}`);
    assert.equal((await um('stop')).out, 'ERR Already stopped\n');

    assert.deepEqual(await um('go'), { out: 'OK \n', err: '', code: 0 });
    // The ticker carries on where it was held (the first tick after go may already be in by
    // the time go's reply is), and the log line is in the kernel log.
    await notify.wait((n) => n.type === 3 && n.text.startsWith('tick:') && ticks().length > seen);
    const last = Number(ticks()[seen - 1].split(':')[1]);
    assert.equal(Number(ticks()[seen].split(':')[1]), last + 1);
    await notify.wait((n) => n.type === 3 && /^tick:\d+:1$/.test(n.text));
    assert.equal(exit, undefined);
  } finally {
    if (exit === undefined) wired.machine.halt();
    await running;
    await wired.dispose();
    notify.close();
  }
});
