// Runs every compiled test file (dist/test/**/*.test.js) with node:test.
// Node 20's --test takes no globs, so the files are listed here. Exit status passes through.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const dir = join(root, 'dist', 'test');

function walk(d, out) {
  let names;
  try {
    names = readdirSync(d).sort();
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.test.js')) out.push(relative(root, p));
  }
  return out;
}

// Optional filters: `node scripts/run-tests.mjs isa cpu` runs only files whose path contains one.
const filters = process.argv.slice(2);
const files = walk(dir, []).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`run-tests: no test files under ${relative(root, dir) || dir}${filters.length ? ` matching ${filters.join(' ')}` : ''} (run npm run build first)`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// A home of their own: instances the tests kill leave their ~/.uml/<umid> behind (as UML
// does after a crash), and that belongs in a scratch folder, not in the user's home.
const home = mkdtempSync(join(tmpdir(), 'tuml-test-home-'));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HOME: home },
});
rmSync(home, { recursive: true, force: true });
if (r.error) throw r.error;
process.exit(r.status ?? 1);
