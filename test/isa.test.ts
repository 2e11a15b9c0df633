// The project's ISA tests (test/isa/**/*.S), built with the RISC-V cross compiler and run
// bare-metal through the HTIF runner; plus the runner's own behaviour (failing programs,
// instruction limit, trap loops, HTIF output), the `tuml elf` command line and the ELF
// loader's error messages. Every ISA test is also checked on QEMU when it is installed
// (required in CI), so a test that passes on tuml is known to test real behaviour.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EXIT_LIMIT, EXIT_MACHINE, type BareMetalOptions, type BareMetalResult } from '../src/baremetal/index.js';
import { GuestMemory } from '../src/cpu/hart.js';
import { ElfError, loadElf, parseElf } from '../src/elf/index.js';
import { packageRoot } from '../src/host/wasm.js';

interface Expect {
  kind: 'pass' | 'exit' | 'limit' | 'trap-loop';
  status?: number;
  output?: string;
  qemu: boolean;
}
interface IsaTest {
  name: string;
  src: string;
  elf: string;
  expect: Expect;
}
interface BuildScript {
  buildIsaTests(opts?: { log?: (s: string) => void }): Promise<IsaTest[]>;
  runOnQemu(elf: string, timeoutSec?: number): number | null;
}

const root = packageRoot();
const tuml = join(root, 'dist', 'tools', 'tuml.js');
const script = (await import(pathToFileURL(join(root, 'scripts', 'build-isa-tests.mjs')).href)) as BuildScript;

let tests: IsaTest[] = [];
let buildError: Error | undefined;
try {
  tests = await script.buildIsaTests();
} catch (e) {
  buildError = e as Error;
}
const byName = (name: string) => {
  const t = tests.find((x) => x.name === name);
  assert.ok(t, `test program ${name} not built`);
  return t;
};

/** A failing test's status, in words (see test/isa/include/tuml_test.h). */
function explain(status: number | null, error?: string): string {
  if (status === null) return error ?? 'did not finish';
  if (status === 1337) return 'unexpected trap (default handler) — status 1337';
  if (status >= 10000) return `unexpected trap while check ${status - 10000} was under way — status ${status}`;
  return `check ${status} failed — status ${status}`;
}

// Each program runs in a worker thread, so that a core that never returns from run()
// fails its test after a timeout instead of hanging the whole suite.
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
const { runBareMetal } = await import(workerData.runner);
const { coreModule } = await import(workerData.host);
let out = '';
const dec = new TextDecoder();
const res = await runBareMetal(await coreModule(), readFileSync(workerData.elf), {
  ...workerData.opts,
  output: (_fd, b) => (out += dec.decode(b)),
});
parentPort.postMessage({ ...res, out });
`;
const workerUrl = new URL('data:text/javascript,' + encodeURIComponent(WORKER));

function run(elf: string, opts: Omit<BareMetalOptions, 'output'> = {}, timeoutMs = 120_000): Promise<BareMetalResult & { out: string }> {
  const workerData = {
    runner: pathToFileURL(join(root, 'dist', 'src', 'baremetal', 'index.js')).href,
    host: pathToFileURL(join(root, 'dist', 'src', 'host', 'wasm.js')).href,
    elf,
    // the test programs are small: a smaller RAM makes each hart quicker to create
    opts: { maxInstructions: 5e8, ramBytes: 8 << 20, yieldMs: 0, ...opts },
  };
  return new Promise((resolve, reject) => {
    const w = new Worker(workerUrl, { workerData });
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`${elf}: no result after ${timeoutMs / 1000} s (the core never returned from run()?)`));
    }, timeoutMs);
    w.once('message', (m: BareMetalResult & { out: string }) => {
      clearTimeout(timer);
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    w.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${elf}: worker exited (${code}) without a result`));
    });
  });
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [tuml, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('ISA tests build (riscv64-linux-gnu-gcc is required)', () => {
  if (buildError) assert.fail(buildError.message);
  assert.ok(tests.length > 0, 'no test sources found under test/isa');
});

describe('ISA tests on tuml', () => {
  for (const t of tests.filter((x) => x.expect.kind === 'pass')) {
    test(t.name, async () => {
      const r = await run(t.elf);
      if (r.status !== 0) assert.fail(`${t.name}: ${explain(r.status, r.error)}`);
      if (t.expect.output !== undefined) assert.equal(r.out, t.expect.output);
    });
  }
});

describe('ISA tests on QEMU (checks the tests themselves)', () => {
  const probe = spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' });
  const haveQemu = !probe.error && probe.status === 0;
  if (!haveQemu) {
    test('qemu-system-riscv64 is installed', { skip: !process.env.CI && 'qemu-system-riscv64 not installed (required in CI)' }, () => {
      assert.fail('qemu-system-riscv64 not found: install qemu-system-misc');
    });
    return;
  }
  for (const t of tests.filter((x) => x.expect.qemu)) {
    test(t.name, () => {
      const endless = t.expect.kind === 'limit' || t.expect.kind === 'trap-loop';
      const st = script.runOnQemu(t.elf, endless ? 2 : 20);
      const want = t.expect.kind === 'pass' ? 0 : t.expect.kind === 'exit' ? t.expect.status! % 256 : null;
      assert.equal(st, want, `${t.name} on QEMU: exit ${st === null ? 'timeout' : st}, expected ${want === null ? 'timeout' : want}`);
    });
  }
});

describe('bare-metal runner', () => {
  test('a failing check reports its number as the exit status', async () => {
    const r = await run(byName('negative/fail-check').elf);
    assert.equal(r.status, 7);
    assert.equal(r.exitCode, 7);
  });
  test('an unexpected trap reaches the default handler (status 1337, exit code 1337 & 255)', async () => {
    const r = await run(byName('negative/unexpected-trap').elf);
    assert.equal(r.status, 1337);
    assert.equal(r.exitCode, 1337 % 256);
  });
  test('the instruction limit stops an endless program', async () => {
    const r = await run(byName('negative/spin').elf, { maxInstructions: 200_000 });
    assert.equal(r.status, null);
    assert.equal(r.exitCode, EXIT_LIMIT);
    assert.match(r.error ?? '', /instruction limit reached \(200000 instructions\)/);
    assert.ok(r.instructions >= 200_000 && r.instructions < 400_000, `ran ${r.instructions} instructions`);
  });
  test('a trap loop is detected well before the instruction limit', async () => {
    const r = await run(byName('negative/trap-loop').elf, { maxInstructions: 1e8 }, 30_000);
    assert.equal(r.exitCode, EXIT_MACHINE);
    assert.match(r.error ?? '', /trap loop: .*mcause=0x2/);
    assert.ok(r.instructions < 5e6, `detected after ${r.instructions} instructions`);
  });
  test('the interrupt tests do not look like trap loops', async () => {
    const r = await run(byName('priv/interrupts').elf);
    assert.notEqual(r.exitCode, EXIT_MACHINE, r.error);
  });
  test('HTIF SYS_write prints through the output callback', async () => {
    const r = await run(byName('htif/print').elf);
    assert.equal(r.status, 0, explain(r.status, r.error));
    assert.equal(r.out, 'hello from bare metal\nsecond line\n');
  });
  test('runs are deterministic: same instruction count and final time', async () => {
    const a = await run(byName('priv/interrupts').elf);
    const b = await run(byName('priv/interrupts').elf);
    assert.equal(a.instructions, b.instructions);
    assert.equal(a.mtime, b.mtime);
  });
});

describe('tuml elf (command line)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuml-elf-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a passing program exits 0', () => {
    const r = cli(['elf', byName('rv64i/upper').elf]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
  test('a failing program exits with its status', () => {
    const r = cli(['elf', byName('negative/fail-check').elf]);
    assert.equal(r.code, 7);
  });
  test('--max-instructions stops it with one line and exit 124', () => {
    const r = cli(['elf', byName('negative/spin').elf, '--max-instructions', '100000']);
    assert.equal(r.code, EXIT_LIMIT);
    assert.match(r.stderr, /^tuml: instruction limit reached \(100000 instructions\) at pc=0x[0-9a-f]+\n$/);
  });
  test('--max-instructions=N and --ram work', () => {
    const r = cli(['elf', '--ram', '16M', `--max-instructions=1e9`, byName('rv64i/upper').elf]);
    assert.equal(r.code, 0, r.stderr);
  });
  test('program output goes to stdout', () => {
    const r = cli(['elf', byName('htif/print').elf]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from bare metal\nsecond line\n');
  });
  test('a bad ELF gives one clear error line', () => {
    const f = join(dir, 'bad.elf');
    writeFileSync(f, 'this is not an ELF file\n');
    const r = cli(['elf', f]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `tuml: ${f}: invalid ELF: not an ELF file (bad magic)\n`);
    const x86 = Buffer.alloc(64);
    x86.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    x86.writeUInt16LE(2, 16);
    x86.writeUInt16LE(62, 18);
    writeFileSync(f, x86);
    const r2 = cli(['elf', f]);
    assert.equal(r2.code, 2);
    assert.equal(r2.stderr, `tuml: ${f}: invalid ELF: not a RISC-V ELF file (e_machine=62, expected 243)\n`);
  });
  test('usage errors are one line and exit 2', () => {
    for (const args of [['elf'], ['elf', join(dir, 'missing.elf')], ['elf', 'x.elf', '--ram', 'lots'], ['elf', 'x.elf', '--bogus'], ['elf', 'x.elf', '--max-instructions', '-5']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^tuml: [^\n]+\n$/, args.join(' '));
    }
  });
  test('--help and --version', () => {
    const h = cli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /elf/);
    const eh = cli(['elf', '--help']);
    assert.equal(eh.code, 0);
    assert.match(eh.stdout, /--max-instructions/);
    const v = cli(['--version']);
    assert.equal(v.code, 0);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(v.stdout, `tuml ${pkg.version}\n`);
  });
});

describe('ELF loader', () => {
  const good = () => new Uint8Array(readFileSync(byName('rv64i/upper').elf));
  const err = (bytes: Uint8Array, re: RegExp, mem?: GuestMemory) =>
    assert.throws(() => (mem ? loadElf(bytes, mem) : parseElf(bytes)), (e: unknown) => e instanceof ElfError && re.test(e.message));

  test('parses entry, segments and the HTIF symbols', () => {
    const img = loadElf(good(), new GuestMemory(new Uint8Array(1 << 20)));
    assert.equal(img.entry, 0x8000_0000);
    assert.equal(img.tohost, 0x8000_1000);
    assert.equal(img.fromhost, 0x8000_1040);
    assert.ok(img.segments.length >= 2);
  });
  test('copies segments to their physical addresses and zero-fills bss', () => {
    const bytes = good();
    const ram = new Uint8Array(1 << 20).fill(0xee);
    const img = loadElf(bytes, new GuestMemory(ram));
    for (const s of img.segments) {
      const off = s.paddr - 0x8000_0000;
      assert.deepEqual(ram.subarray(off, off + s.fileSize), bytes.subarray(s.offset, s.offset + s.fileSize));
      assert.ok(ram.subarray(off + s.fileSize, off + s.memSize).every((b) => b === 0));
    }
  });
  test('rejects what is not a little-endian RV64 executable', () => {
    err(new Uint8Array([1, 2, 3]), /bad magic/);
    const b = good();
    err(b.slice(0, 40), /truncated ELF header/);
    const c32 = good();
    c32[4] = 1;
    err(c32, /not a 64-bit ELF file/);
    const be = good();
    be[5] = 2;
    err(be, /not a little-endian/);
    const dyn = good();
    dyn[16] = 3;
    err(dyn, /not an executable ELF file \(e_type=3/);
  });
  test('rejects truncated files and segments that do not fit in RAM', () => {
    const b = good();
    err(b.slice(0, 0x1010), /outside the file/);
    err(b, /does not fit in RAM \(guest RAM is 0x80000000\.\.0x80001000\)/, new GuestMemory(new Uint8Array(0x1000)));
  });
});
