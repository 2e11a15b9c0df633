// ubd units added and removed while the guest runs (the entry points mconsole's config/remove
// use): a disk put into a reserved slot appears in the running guest with its contents, the
// guest writes to it, removal empties the slot; queries and refusals answer as UML does.
// The machine runs in a child process (its console is that process's stdout).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const dist = join(root, 'dist');
const dir = mkdtempSync(join(tmpdir(), 'tuml-hotplug-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const p = (n: string): string => join(dir, n);
const url = (f: string): string => pathToFileURL(join(dist, f)).href;

// The host side: boots with one reserved slot, adds the disk once the guest has seen it empty,
// removes it once the guest has written its mark, and reports every reply on stderr.
const host = `
import { readFileSync } from 'node:fs';
import { coreModule } from ${JSON.stringify(url('src/host/wasm.js'))};
import { parseCommandLine } from ${JSON.stringify(url('src/uml/cmdline/index.js'))};
import { wireMachine } from ${JSON.stringify(url('src/uml/wire.js'))};
const [img, boot, ...cmd] = process.argv.slice(1);
const parsed = parseCommandLine(['ubd0=' + boot, '--', ...cmd]);
const image = ${JSON.stringify(join(root, 'images', 'default'))};
const w = await wireMachine(parsed.config, { core: await coreModule(), kernel: image + '/Image',
  defaultInitrd: image + '/initramfs.cpio.gz', log: (l) => process.stderr.write('log ' + l + '\\n'), ubdHotplugSlots: 1 });
const say = (what, r) => process.stderr.write(JSON.stringify([what, r]) + '\\n');
w.ubd.onChange = (c) => say('change-' + c.present, c);
// Slots: ubd0, the console, then the reserved one (hostfs's channels come after it).
const spare = w.machine.virtio[2];
// The guest says it has seen the empty slot by writing READY at the start of its boot disk.
const poll = setInterval(() => {
  if (!spare.active || readFileSync(boot).subarray(0, 5).toString() !== 'READY') return;
  say('query-before', w.ubd.query('3'));
  say('config', w.ubd.config('3=' + img));
  say('again', w.ubd.config('d=' + img));
  say('full', w.ubd.config('4=' + img));
  say('query', w.ubd.query('d'));
  say('query-boot', w.ubd.query('0'));
  say('remove-boot', w.ubd.remove('0'));
  say('remove-none', w.ubd.remove('5'));
  say('remove-bad', w.ubd.remove('16'));
  say('bad', w.ubd.config('3x=' + img));
  const wait = setInterval(async () => {
    if (readFileSync(img).subarray(4096, 4100).toString() !== 'DONE') return;
    clearInterval(wait);
    // Without asking the guest, a disk it may use stays; mconsole's remove asks its agent.
    say('remove-unasked', await w.ubd.remove('3'));
    say('query-unasked', w.ubd.query('3'));
    say('remove', await w.mconsole.remove('ubd3'));
    say('query-after', w.ubd.query('3'));
  }, 50);
  clearInterval(poll);
}, 20);
const exit = await w.run();
process.exitCode = exit.kind === 'poweroff' ? exit.status ?? 0 : 1;
`;

test('a ubd unit added while the guest runs appears with its contents, takes writes, and goes away on remove', { timeout: 180_000 }, async () => {
  const img = p('hot.img');
  const data = Buffer.alloc(1 << 20);
  data.write('HOTDISK');
  writeFileSync(img, data);
  writeFileSync(p('boot.img'), Buffer.alloc(64 * 1024));
  const guest = [
    'cat /sys/block/vdb/size',
    'printf READY | dd of=/dev/vda conv=notrunc 2>/dev/null; sync',
    'while [ "$(cat /sys/block/vdb/size)" = 0 ]; do sleep 0.1; done',
    'cat /sys/block/vdb/size; head -c 7 /dev/vdb; echo',
    'printf DONE | dd of=/dev/vdb bs=4096 seek=1 conv=notrunc 2>/dev/null; sync',
    'while [ "$(cat /sys/block/vdb/size)" != 0 ]; do sleep 0.1; done; echo removed',
  ].join('\n');
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', host, img, p('boot.img'), 'sh', '-c', guest], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`timed out:\n${stdout}\n${stderr}`));
    }, 150_000);
    c.stdout.on('data', (d: Buffer) => (stdout += d));
    c.stderr.on('data', (d: Buffer) => (stderr += d));
    c.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    c.stdin.end();
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '0\n2048\nHOTDISK\nremoved\n');
  const replies = new Map(r.stderr.split('\n').filter((l) => l.startsWith('[')).map((l) => JSON.parse(l) as [string, unknown]));
  assert.deepEqual(replies.get('query-before'), { err: 0, text: '' });
  assert.deepEqual(replies.get('config'), { err: 0, text: '' });
  assert.deepEqual(replies.get('again'), { err: -16, text: 'Device is already configured' });
  assert.deepEqual(replies.get('full'), { err: 1, text: 'No free disk slot (tuml reserves them when the machine starts)' });
  assert.deepEqual(replies.get('query'), { err: 0, text: img });
  assert.deepEqual(replies.get('query-boot'), { err: 0, text: p('boot.img') });
  assert.deepEqual(replies.get('remove-boot'), { err: -16, text: 'Device is currently open' });
  assert.deepEqual(replies.get('remove-none'), { err: -19, text: "Device doesn't exist" });
  assert.deepEqual(replies.get('remove-bad'), { err: 1, text: 'Invalid device number - must be between 0 and 15' });
  assert.deepEqual(replies.get('bad'), { err: 1, text: "Expected '=' or flag letter (r, s, c, t or d)" });
  assert.deepEqual(replies.get('remove-unasked'), { err: 1, text: 'cannot tell whether the guest has /dev/ubdd open: not removed' });
  assert.deepEqual(replies.get('query-unasked'), { err: 0, text: img });
  assert.deepEqual(replies.get('remove'), { err: 0, text: '' });
  assert.deepEqual(replies.get('query-after'), { err: 0, text: '' });
  assert.equal(readFileSync(img).subarray(0, 7).toString(), 'HOTDISK');
  // The slot after ubd0's and the console's: the third virtio-mmio window.
  assert.deepEqual(replies.get('change-true'), { unit: 3, name: 'ubdd', mmioBase: 0x10003000, present: true });
  assert.deepEqual(replies.get('change-false'), { unit: 3, name: 'ubdd', mmioBase: 0x10003000, present: false });
});
