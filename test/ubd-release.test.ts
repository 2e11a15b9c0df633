// Hot-unplug never pulls a disk the guest uses: with the real uml_mconsole against a
// booted guest, `remove ubdN` is refused with UML's `Device is currently open` while
// the disk is mounted or a process holds it open (through a node of another name:
// the guest agent goes by device number), also while the machine is stopped, and the
// disk stays usable; once released it goes and the guest no longer sees it.
// The guest's steps are paced by markers the host writes to its kernel log (`log`).

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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
const dir = mkdtempSync(join(tmpdir(), 'tuml-release-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const um = (...args: string[]) => exec(dir, 'uml_mconsole', ['vm-r', ...args]);
const OPEN = { out: 'ERR Device is currently open\n', err: '', code: 240 };

test('remove ubdN is refused while the guest has the disk mounted or open, and done once it let go', { skip: !haveUml && 'uml-utilities is not installed', timeout: 240_000 }, async () => {
  // s: tell the host (notify socket); w N: wait for the host's `log rs-N`. (The command
  // travels on the kernel command line: kept short.)
  const script = [
    's(){ printf %s "$1" >/dev/mconsole; }',
    'w(){ until dmesg | grep -q rs-$1; do usleep 200000; done; }',
    'until [ -b /dev/ubdb ]; do usleep 200000; done',
    'mkdir -p /mnt; mount /dev/ubdb /mnt; echo one >/mnt/one; sync; s mounted; w 1',
    // Refused: the file system is intact and takes writes.
    'echo two >/mnt/two; sync; s "usable:$(cat /mnt/one /mnt/two)"; umount /mnt',
    // Open through a node of another name, by a process that sits there.
    'mknod /tmp/o b $(cat /sys/block/vd*/dev | tr : " "); sleep 999 3</tmp/o & h=$!; s open; w 2',
    'kill $h; wait $h; s closed; w 3',
    's "after:$(ls /dev | grep -c ^ubdb):$(cat /sys/block/vd*/size)"; sleep 999',
  ].join('\n');
  const parsed = parseCommandLine([
    'con0=null', 'mem=64M', `uml_dir=${dir}/.uml`, 'umid=vm-r', `mconsole=notify:${join(dir, 'notify')}`, 'noreboot',
    '--', 'sh', '-c', script,
  ]);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const notify = notifySocket(join(dir, 'notify'));
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(), kernel: join(image, 'Image'), defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: () => {}, ubdHotplugSlots: 1,
  });
  const running = wired.run();
  let exit: Awaited<typeof running> | undefined;
  void running.then((e) => (exit = e));
  const text = (from: number, pred: (t: string) => boolean) => notify.wait((n) => n.type === 3 && pred(n.text), from).then((n) => n.text);
  try {
    await until(async () => (await um('proc', 'uptime')).code === 0);
    const disk = join(dir, 'data.ext4');
    copyFileSync(join(image, 'rootfs.ext4'), disk);
    assert.deepEqual(await um('config', `ubd1=${disk}`), { out: 'OK \n', err: '', code: 0 });

    // Mounted: refused, running or stopped.
    await text(0, (t) => t === 'mounted');
    assert.deepEqual(await um('remove', 'ubd1'), OPEN);
    assert.deepEqual(await um('stop'), { out: 'OK stopped\n', err: '', code: 0 });
    assert.deepEqual(await um('remove', 'ubd1'), OPEN);
    assert.deepEqual(await um('go'), { out: 'OK \n', err: '', code: 0 });
    assert.equal((await um('config', 'ubd1')).out, `OK ${disk}\n`);
    let mark = notify.got.length;
    assert.equal((await um('log', 'rs-1')).code, 0);
    assert.equal(await text(mark, (t) => t.startsWith('usable:')), 'usable:one\ntwo');

    // Open by a process: refused.
    await text(mark, (t) => t === 'open');
    assert.deepEqual(await um('remove', 'ubd1'), OPEN);
    assert.deepEqual(await um('remove', 'ubdb'), OPEN);
    mark = notify.got.length;
    assert.equal((await um('log', 'rs-2')).code, 0);

    // Released: removed, and gone from the guest.
    await text(mark, (t) => t === 'closed');
    assert.deepEqual(await um('remove', 'ubd1'), { out: 'OK \n', err: '', code: 0 });
    assert.deepEqual(await um('remove', 'ubd1'), { out: "ERR Device doesn't exist\n", err: '', code: 237 });
    assert.equal((await um('config', 'ubd1')).out, 'OK \n');
    mark = notify.got.length;
    assert.equal((await um('log', 'rs-3')).code, 0);
    assert.equal(await text(mark, (t) => t.startsWith('after:')), 'after:0:0');
    assert.equal(exit, undefined);
  } finally {
    if (exit === undefined) wired.machine.halt();
    await running;
    await wired.dispose();
    notify.close();
  }
});

test('without the guest agent (here: an init that runs none), remove ubdN refuses and says why, running or stopped', { skip: !haveUml && 'uml-utilities is not installed', timeout: 120_000 }, async () => {
  const parsed = parseCommandLine(['con0=null', 'mem=64M', `uml_dir=${dir}/.uml`, 'umid=vm-n', 'rdinit=/bin/sleep', '600']);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const wired = await wireMachine(parsed.config, {
    core: await coreModule(), kernel: join(image, 'Image'), defaultInitrd: join(image, 'initramfs.cpio.gz'),
    log: () => {}, ubdHotplugSlots: 1,
  });
  const running = wired.run();
  const n = (...args: string[]) => exec(dir, 'uml_mconsole', ['vm-n', ...args]);
  try {
    const disk = join(dir, 'data2.img');
    copyFileSync(join(image, 'rootfs.ext4'), disk);
    assert.deepEqual(await n('config', `ubd1=${disk}`), { out: 'OK \n', err: '', code: 0 });
    const refused = (why: string) => ({ out: `ERR cannot tell whether the guest has /dev/ubdb open (${why}): not removed\n`, err: '', code: 1 });
    assert.deepEqual(await n('remove', 'ubd1'), refused('the guest agent is not running (yet)'));
    assert.deepEqual(await n('stop'), { out: 'OK stopped\n', err: '', code: 0 });
    assert.deepEqual(await n('remove', 'ubd1'), refused("the machine is stopped and its user tasks could not be held: the guest cannot answer until 'go'"));
    assert.match((await n('proc', 'uptime')).out, /^ERR the machine is stopped and its user tasks could not be held/);
    assert.deepEqual(await n('go'), { out: 'OK \n', err: '', code: 0 });
    assert.equal((await n('config', 'ubd1')).out, `OK ${disk}\n`);
  } finally {
    wired.machine.halt();
    await running;
    await wired.dispose();
  }
});
