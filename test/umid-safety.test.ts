// The instance directory never deletes or exposes host files through a bad
// umid or a path that is not a stale instance directory of ours: each case
// plants victim files where a careless takeover or removal would unlink them,
// and checks they survive and that a random umid is used instead.

import assert from 'node:assert/strict';
import {
  chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MconsoleServer, type McTarget } from '../src/mconsole/server.js';
import { createInstanceDir, resolveUmlDir } from '../src/uml/umid.js';

const root = mkdtempSync(join(tmpdir(), 'tuml-umid-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh base/ with uml/ inside; files a dead instance would hold, planted as victims. */
function setup(name: string): { base: string; umlDir: string } {
  const base = join(root, name);
  mkdirSync(join(base, 'uml'), { recursive: true });
  return { base, umlDir: resolveUmlDir(join(base, 'uml')) };
}

function plantVictim(d: string): void {
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'pid'), '999999999\n'); // a dead pid: looks stale
  writeFileSync(join(d, 'mconsole'), 'victim socket');
  writeFileSync(join(d, 'precious'), 'data');
}

function assertVictim(d: string): void {
  assert.deepEqual(readdirSync(d).sort(), ['mconsole', 'pid', 'precious']);
  assert.equal(readFileSync(join(d, 'precious'), 'latin1'), 'data');
}

function create(umlDir: string, umid: string): { umid: string; logs: string[]; remove(): void; path: string } {
  const logs: string[] = [];
  const d = createInstanceDir(umlDir, umid, (l) => logs.push(l));
  return { umid: d.umid, logs, path: d.path, remove: () => d.remove() };
}

for (const bad of ['..', '.', '', 'a/b', '../victim']) {
  test(`umid=${JSON.stringify(bad)} is refused with UML's fallback; uml_dir and its parent keep their files`, () => {
    const { base, umlDir } = setup(`bad-${Buffer.from(bad).toString('hex') || 'empty'}`);
    // The parent of uml_dir and uml_dir itself both look like stale instance directories.
    plantVictim(base);
    writeFileSync(join(umlDir, 'pid'), '999999999\n');
    writeFileSync(join(umlDir, 'precious'), 'data');
    plantVictim(join(base, 'victim'));
    const d = create(umlDir, bad);
    assert.match(d.umid, /^[A-Za-z0-9]{6}$/);
    assert.equal(d.logs.length, 2);
    assert.match(d.logs[0], new RegExp(`^umid ${JSON.stringify(bad).replace(/\./g, '\\.')}: a umid cannot`));
    assert.equal(d.logs[1], `Failed to initialize umid ${JSON.stringify(bad)}, trying with a random umid`);
    d.remove();
    assert.deepEqual(readdirSync(base).sort(), ['mconsole', 'pid', 'precious', 'uml', 'victim']);
    assert.equal(readFileSync(join(base, 'precious'), 'latin1'), 'data');
    assertVictim(join(base, 'victim'));
    assert.deepEqual(readdirSync(umlDir).sort(), ['pid', 'precious']);
  });
}

test('an instance path that is a symlink is left alone, and so is its target', () => {
  const { base, umlDir } = setup('symlink');
  plantVictim(join(base, 'victim'));
  symlinkSync(join(base, 'victim'), join(umlDir, 'web'));
  const d = create(umlDir, 'web');
  assert.match(d.umid, /^[A-Za-z0-9]{6}$/);
  assert.equal(d.logs[0], `umid "web": '${umlDir}web' is a symlink, not an instance directory: left alone`);
  assert.equal(d.logs[1], 'Failed to initialize umid "web", trying with a random umid');
  d.remove();
  assertVictim(join(base, 'victim'));
  assert.ok(existsSync(join(umlDir, 'web')));

  // The symlink's target holding exactly what a stale instance holds is no different.
  const only = join(base, 'only');
  mkdirSync(only);
  writeFileSync(join(only, 'pid'), '999999999\n');
  writeFileSync(join(only, 'mconsole'), 'x');
  symlinkSync(only, join(umlDir, 'db'));
  const e = create(umlDir, 'db');
  assert.notEqual(e.umid, 'db');
  e.remove();
  assert.deepEqual(readdirSync(only).sort(), ['mconsole', 'pid']);
});

test('a regular file named like the instance is left alone', () => {
  const { umlDir } = setup('file');
  writeFileSync(join(umlDir, 'web'), 'not a directory');
  const d = create(umlDir, 'web');
  assert.notEqual(d.umid, 'web');
  assert.equal(d.logs[0], `umid "web": '${umlDir}web' is not a directory: left alone`);
  d.remove();
  assert.equal(readFileSync(join(umlDir, 'web'), 'latin1'), 'not a directory');
});

test('a directory with a third file is not a stale instance: nothing in it is unlinked', () => {
  const { umlDir } = setup('third');
  plantVictim(join(umlDir, 'web'));
  const d = create(umlDir, 'web');
  assert.notEqual(d.umid, 'web');
  assert.equal(d.logs[0], `umid "web": '${umlDir}web' holds other files than an instance's (precious): left alone`);
  d.remove();
  assertVictim(join(umlDir, 'web'));
});

test('a directory owned by another user is left alone', (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to give a directory away');
  const { umlDir } = setup('owner');
  mkdirSync(join(umlDir, 'web'));
  writeFileSync(join(umlDir, 'web', 'pid'), '999999999\n');
  writeFileSync(join(umlDir, 'web', 'mconsole'), 'theirs');
  chownSync(join(umlDir, 'web'), 4242, 4242);
  const d = create(umlDir, 'web');
  assert.notEqual(d.umid, 'web');
  assert.equal(d.logs[0], `umid "web": '${umlDir}web' belongs to uid 4242, not to us: left alone`);
  d.remove();
  assert.deepEqual(readdirSync(join(umlDir, 'web')).sort(), ['mconsole', 'pid']);
});

test('a symlinked uml_dir is the user\'s choice: the instance is made in its target', () => {
  const { base } = setup('linkdir');
  mkdirSync(join(base, 'real'));
  symlinkSync(join(base, 'real'), join(base, 'link'));
  const d = create(resolveUmlDir(join(base, 'link')), 'web');
  assert.equal(d.umid, 'web');
  assert.deepEqual(readdirSync(join(base, 'real', 'web')), ['pid']);
  d.remove();
  assert.deepEqual(readdirSync(join(base, 'real')), []);
});

test('removal at exit stays inside the directory made at start, even if its name now points elsewhere', () => {
  const { base, umlDir } = setup('swap');
  const d = create(umlDir, 'web');
  assert.equal(d.umid, 'web');
  plantVictim(join(base, 'victim'));
  // While running, the instance directory is moved away and its name becomes a symlink.
  renameSync(join(umlDir, 'web'), join(base, 'moved'));
  symlinkSync(join(base, 'victim'), join(umlDir, 'web'));
  d.remove();
  assertVictim(join(base, 'victim'));
  assert.ok(existsSync(join(umlDir, 'web')), 'the symlink is not ours to remove');
  // Our own files went (from the directory we made, wherever it is now).
  assert.deepEqual(readdirSync(join(base, 'moved')), []);
});

test('the mconsole socket is bound and unlinked in the directory made at start, not through its path', () => {
  const { base, umlDir } = setup('socket');
  const d = createInstanceDir(umlDir, 'web', () => {});
  plantVictim(join(base, 'victim'));
  renameSync(join(umlDir, 'web'), join(base, 'moved'));
  symlinkSync(join(base, 'victim'), join(umlDir, 'web'));
  const server = MconsoleServer.open(d.socketPath, {} as McTarget, () => {}, {
    bindPath: d.socketBindPath,
    unlink: () => d.unlinkSocket(),
  });
  assert.deepEqual(readdirSync(join(base, 'moved')).sort(), ['mconsole', 'pid']);
  server.close();
  d.remove();
  assertVictim(join(base, 'victim'));
  assert.deepEqual(readdirSync(join(base, 'moved')), []);
});
