// Integration: named virtio-console ports (the API other host services build on)
// seen from the real guest kernel: the name in sysfs, data both ways, open/close.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { coreModule, packageRoot } from '../src/host/wasm.js';
import { parseCommandLine } from '../src/uml/cmdline/index.js';
import { wireMachine } from '../src/uml/wire.js';

const image = join(packageRoot(), 'images', 'default');

test('a named port: the guest finds it by name, reads host input, writes back; the host sees open and close', { timeout: 120_000 }, async () => {
  // The guest echoes its port's name and the first line the host sends, upper-cased.
  const script = [
    'for d in /sys/class/virtio-ports/*; do [ "$(cat $d/name 2>/dev/null)" = org.tuml.test ] && dev=/dev/${d##*/}; done',
    '[ -n "$dev" ] || exit 3',
    'exec 3<>$dev',
    'read -r line <&3',
    'echo "name=org.tuml.test got=$line" | tr a-z A-Z >&3',
    'exec 3>&-',
    'sleep 1',
  ].join('; ');
  const parsed = parseCommandLine(['con0=null', 'mem=48M', '--', 'sh', '-c', script]);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const logs: string[] = [];
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(),
    kernel: join(image, 'Image'),
    defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: (l) => logs.push(l),
  });
  let got = '';
  const events: boolean[] = [];
  const port = wired.addPort('org.tuml.test', { write: (d) => void (got += new TextDecoder().decode(d)) });
  port.setHostConnected(true);
  port.onOpenChange = (open) => {
    events.push(open);
    if (open) port.send(new TextEncoder().encode('hello from the host\n'));
  };
  const exit = await wired.run();
  assert.deepEqual(exit, { kind: 'poweroff', code: 0 }, logs.join('\n'));
  assert.equal(got, 'NAME=ORG.TUML.TEST GOT=HELLO FROM THE HOST\n');
  assert.deepEqual(events, [true, false]);
});

test('lines API: query, reconfigure at run time (pts → port, a client logs in), remove', { timeout: 120_000 }, async () => {
  const { createConnection, createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));

  const parsed = parseCommandLine(['con0=null', 'con1=pts', 'mem=48M']);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const logs: string[] = [];
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(),
    kernel: join(image, 'Image'),
    defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: (l) => logs.push(l),
  });
  assert.equal(wired.lines.get('con1'), 'pts', 'the configuration while the line is closed');
  assert.equal(wired.lines.get('con0'), 'null');
  assert.equal(wired.lines.get('ssl3'), 'pty');
  assert.equal(wired.lines.get('con16'), undefined);
  const running = wired.run();
  try {
    // The guest's getty opens con1: a new pty, announced as UML does, shown by `config con1`.
    const deadline = Date.now() + 60_000;
    while (!logs.some((l) => /^Virtual console 1 assigned device '\/dev\/pts\/\d+'$/.test(l))) {
      assert.ok(Date.now() < deadline, logs.join('\n'));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(wired.lines.get('con1')!, /^pts:\/dev\/pts\/\d+$/);

    assert.equal(await wired.lines.config('con1', 'bogus'), 'no such channel type "bogus" (fd:N, null, port:N, pty, pts, tty:DEV, xterm or none)');
    assert.equal(await wired.lines.config('con1', `port:${port}`), undefined);
    assert.equal(wired.lines.get('con1'), `port:${port}`);
    const c = createConnection({ host: '127.0.0.1', port });
    let text = '';
    c.on('data', (d) => (text += d.toString('latin1')));
    await new Promise<void>((r) => c.once('connect', () => r()));
    // getty prints its prompt again on an empty line (it may still be flushing its input: repeat)
    for (let i = 0; !/tuml login: $/.test(text); i++) {
      assert.ok(Date.now() < deadline, text);
      if (i % 10 === 0) c.write('\r\n');
      await new Promise((r) => setTimeout(r, 100));
    }
    c.write('root\r\n');
    while (!/tuml:~# /.test(text)) {
      assert.ok(Date.now() < deadline, text);
      await new Promise((r) => setTimeout(r, 100));
    }
    c.destroy();
    assert.equal(await wired.lines.remove('con1'), undefined);
    assert.equal(wired.lines.get('con1'), 'none');
  } finally {
    wired.machine.stop();
    await running;
  }
});
