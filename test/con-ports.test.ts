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
    'for d in /sys/class/virtio-ports/*; do [ "$(cat $d/name)" = org.tuml.test ] && dev=/dev/${d##*/}; done',
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
