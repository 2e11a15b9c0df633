// Runs every compiled test file (dist/test/**/*.test.js) with node:test.
// Node 20's --test takes no globs, so the files are listed here. Exit status passes through.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
});
if (r.error) throw r.error;
process.exit(r.status ?? 1);
