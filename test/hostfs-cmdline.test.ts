// UML's `hostfs=` option and the hostfs root switches on tuml's command line.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../src/uml/cmdline/index.js';

const tuml = join(fileURLToPath(import.meta.url), '..', '..', 'tools', 'tuml.js');

function config(...args: string[]) {
  const r = parseCommandLine(args);
  assert.equal(r.kind, 'run');
  return (r as Extract<typeof r, { kind: 'run' }>).config;
}

test('hostfs=DIR[,append]: the root and the flag; the option also reaches the guest, as in UML', () => {
  const c = config('hostfs=/var/tmp,append');
  assert.deepEqual(c.hostfs, { root: '/var/tmp', append: true });
  assert.match(c.cmdline, /(^| )hostfs=\/var\/tmp,append( |$)/);
  assert.deepEqual(config('hostfs=/srv').hostfs, { root: '/srv', append: false });
  assert.equal(config().hostfs, undefined);
});

test('an empty root keeps the host\'s /; unknown flags get UML\'s warning', () => {
  const c = config('hostfs=,append,bogus');
  assert.deepEqual(c.hostfs, { append: true });
  assert.deepEqual(c.warnings, ['hostfs_args - unsupported option - bogus']);
});

test('rootfstype=hostfs without root= gets UML\'s root=/dev/root (a device-less root)', () => {
  const c = config('rootfstype=hostfs', 'rootflags=/srv/root');
  assert.equal(c.root, '/dev/root');
  assert.match(c.cmdline, /root=\/dev\/root/);
  const d = config('root=/dev/root', 'rootfstype=hostfs', 'rootflags=/srv/root');
  assert.equal(d.cmdline.match(/root=\/dev\/root/g)?.length, 1);
  assert.equal(config('rootfstype=ext4').root, undefined);
});

test('a hostfs= root that cannot be opened stops the boot with one line naming it', () => {
  const r = spawnSync(process.execPath, [tuml, 'hostfs=/nonexistent/dir', '--', 'true'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /hostfs=\/nonexistent\/dir.*ENOENT/);
});
