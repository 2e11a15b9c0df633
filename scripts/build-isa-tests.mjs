#!/usr/bin/env node
// Builds the bare-metal ISA tests: test/isa/**/*.S → build/isa/**/*.elf, only when a source,
// a header in test/isa/include/ or the linker script is newer than the ELF.
//
//   node scripts/build-isa-tests.mjs           build (prints what it compiled)
//   node scripts/build-isa-tests.mjs --qemu    build, then run every ELF on qemu-system-riscv64 -M spike
//
// A source may state what it expects instead of passing (tests of the runners themselves):
//   # expect: exit N          the program exits with status N
//   # expect: limit           it never finishes (instruction limit / timeout)
//   # expect: trap-loop       it traps forever (tuml reports a trap loop; QEMU times out)
//   # expect-output: TEXT     what it prints through HTIF SYS_write (\n for newlines)
//   # qemu: skip              QEMU cannot run it (e.g. it uses HTIF syscalls)
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const srcDir = join(root, 'test', 'isa');
export const outDir = join(root, 'build', 'isa');
const include = join(srcDir, 'include');
export const CC = process.env.RISCV_CC ?? 'riscv64-linux-gnu-gcc';
export const CFLAGS = [
  '-march=rv64gc', '-mabi=lp64d', '-fno-pic', '-no-pie', '-nostdlib', '-nostartfiles', '-static',
  '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-I', include, '-T', join(include, 'link.ld'),
];

function walk(d, out = []) {
  for (const n of readdirSync(d).sort()) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) {
      if (p !== include) walk(p, out);
    } else if (n.endsWith('.S')) out.push(p);
  }
  return out;
}

const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

/** What a test source expects: { kind: 'pass'|'exit'|'limit'|'trap-loop', status?, output?, qemu: boolean }. */
export function expectation(src) {
  const text = readFileSync(src, 'utf8');
  const m = /^\s*#\s*expect:\s*(exit\s+(\d+)|limit|trap-loop)\s*$/m.exec(text);
  const out = /^\s*#\s*expect-output:\s?(.*)$/m.exec(text);
  const e = { kind: 'pass', qemu: !/^\s*#\s*qemu:\s*skip\s*$/m.test(text) };
  if (m) {
    if (m[2] !== undefined) Object.assign(e, { kind: 'exit', status: Number(m[2]) });
    else e.kind = m[1];
  }
  if (out) e.output = out[1].replace(/\\n/g, '\n');
  return e;
}

/** Builds what is out of date; returns [{ name, src, elf, expect }] for every test. Throws when the compiler is missing or a build fails. */
export async function buildIsaTests({ log = () => {} } = {}) {
  const probe = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${CC} not found: install gcc-riscv64-linux-gnu (apt-get install gcc-riscv64-linux-gnu) to build the ISA tests`);
  }
  const deps = Math.max(...readdirSync(include).map((n) => mtime(join(include, n))));
  const tests = walk(srcDir).map((src) => {
    const name = relative(srcDir, src).replace(/\.S$/, '');
    return { name, src, elf: join(outDir, name + '.elf'), expect: expectation(src) };
  });
  const stale = tests.filter((t) => mtime(t.elf) < Math.max(mtime(t.src), deps));
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < stale.length) {
      const t = stale[next++];
      mkdirSync(dirname(t.elf), { recursive: true });
      try {
        await run(CC, [...CFLAGS, t.src, '-o', t.elf]);
        log(`  CC ${relative(root, t.elf)}`);
      } catch (e) {
        failures.push(`${relative(root, t.src)}:\n${e.stderr || e.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), 8) }, worker));
  if (failures.length) throw new Error(`ISA test build failed:\n${failures.join('\n')}`);
  return tests;
}

/** Runs one ELF on QEMU's spike machine; returns its exit status (null on timeout). */
export function runOnQemu(elf, timeoutSec = 10) {
  const r = spawnSync('timeout', [String(timeoutSec), 'qemu-system-riscv64', '-M', 'spike', '-bios', 'none', '-kernel', elf, '-nographic'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return r.status === 124 ? null : r.status;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const tests = await buildIsaTests({ log: console.log });
    if (process.argv.includes('--qemu')) {
      let bad = 0;
      for (const t of tests) {
        if (!t.expect.qemu) {
          console.log(`skip ${t.name.padEnd(28)} (tuml only)`);
          continue;
        }
        const timeout = t.expect.kind === 'limit' || t.expect.kind === 'trap-loop' ? 2 : 10;
        const st = runOnQemu(t.elf, timeout);
        const want = t.expect.kind === 'pass' ? 0 : t.expect.kind === 'exit' ? t.expect.status % 256 : null;
        const ok = st === want;
        if (!ok) bad++;
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${t.name.padEnd(28)} qemu=${st === null ? 'timeout' : st}${ok ? '' : ` expected ${want === null ? 'timeout' : want}`}`);
      }
      process.exit(bad ? 1 : 0);
    }
  } catch (e) {
    console.error(`build-isa-tests: ${e.message}`);
    process.exit(1);
  }
}
