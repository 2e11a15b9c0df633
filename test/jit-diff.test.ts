// The translator against the interpreter: random programs run on two harts, one with the
// translator (translating everything after its first execution) and one without, in
// lock-step slices; after every slice pc, registers, instret, trap CSRs and data memory
// must be equal. Then a real program (the bare-metal CPU benchmark) on both engines.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Exit, Hart, RAM_BASE } from '../src/cpu/hart.js';
import { coreModule } from '../src/host/wasm.js';
import { runBareMetal } from '../src/baremetal/index.js';
import { buildCpuBench } from '../bench/cpu/run.js';

// ---- encoders ----
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const B = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
const J = (imm: number, rd: number) =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12) |
    (rd << 7) | 0x6f) >>> 0;
const U = (imm: number, rd: number, op: number) => ((imm & 0xfffff000) | (rd << 7) | op) >>> 0;

// Small deterministic PRNG (xorshift32).
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const DATA = 0x10000; // data region offset in RAM (x20 points at it)
const CODE = 0x1000;
const HANDLER = 0x800;
const BASE_REG = 20;
const COUNT_REG = 21;
const TMP = 31;

// Registers the random code may write: x1..x15.
function randomProgram(seed: number): number[] {
  const r = rng(seed);
  const reg = () => 1 + r(15);
  const src = () => (r(8) === 0 ? 0 : r(4) === 0 ? BASE_REG : reg());
  const out: number[] = [];
  const body = 200 + r(300);
  for (let k = 0; k < body; k++) {
    const kind = r(100);
    if (kind < 30) {
      // OP / OP-32 incl. M
      const f3 = r(8);
      const m = r(3);
      const w = r(3) === 0;
      let f7 = m === 0 ? 1 : 0;
      if (m === 1 && (f3 === 0 || f3 === 5)) f7 = 0x20;
      if (w && f7 !== 1 && f3 !== 0 && f3 !== 1 && f3 !== 5) {
        out.push(R(0, src(), src(), 0, reg(), 0x3b));
        continue;
      }
      if (w && f7 === 1 && f3 > 0 && f3 < 4) {
        out.push(R(1, src(), src(), 0, reg(), 0x3b));
        continue;
      }
      out.push(R(f7, src(), src(), f3, reg(), w ? 0x3b : 0x33));
    } else if (kind < 50) {
      const f3 = r(8);
      const imm = r(2) ? r(4096) - 2048 : [0, 1, -1, 2047, -2048][r(5)];
      if (f3 === 1) out.push(I(r(64), src(), 1, reg(), 0x13));
      else if (f3 === 5) out.push(I(r(64) | (r(2) ? 0x400 : 0), src(), 5, reg(), 0x13));
      else out.push(I(imm, src(), f3, reg(), 0x13));
    } else if (kind < 56) {
      const f = r(4);
      if (f === 0) out.push(I(r(4096) - 2048, src(), 0, reg(), 0x1b));
      else if (f === 1) out.push(I(r(32), src(), 1, reg(), 0x1b));
      else out.push(I(r(32) | (f === 3 ? 0x400 : 0), src(), 5, reg(), 0x1b));
    } else if (kind < 60) {
      out.push(U(r(0x100000) << 12, reg(), r(2) ? 0x37 : 0x17));
    } else if (kind < 75) {
      // loads from the data region (some misaligned, some crossing into the next page)
      const off = r(5) === 0 ? 4093 + r(6) : r(2040);
      out.push(I(off, BASE_REG, r(7), reg(), 0x03));
    } else if (kind < 87) {
      const off = r(5) === 0 ? 4093 + r(6) : r(2040);
      out.push(S(off, src(), BASE_REG, r(4)));
    } else if (kind < 90) {
      // AMO on an aligned word/doubleword of the data region
      const d = r(2);
      const f5 = [0, 1, 4, 8, 0xc, 0x10, 0x14, 0x18, 0x1c][r(9)];
      out.push(I(r(256) * 8, BASE_REG, 0, TMP, 0x13)); // addi t6, x20, off
      out.push(R((f5 << 2), src(), TMP, d ? 3 : 2, reg(), 0x2f));
    } else if (kind < 97) {
      // forward branch over 1..3 instructions
      const f3 = [0, 1, 4, 5, 6, 7][r(6)];
      out.push(B(4 * (1 + r(3)), src(), src(), f3));
    } else if (kind < 98) {
      // a load that faults (address 0: no device there) — precise exception
      out.push(I(0, 0, 3, reg(), 0x03));
    } else if (kind < 99) {
      // a tight counted loop: t6 = n; loop: addi x?, x?, k; addi t6, t6, -1; bnez t6, loop
      out.push(I(1 + r(40), 0, 0, TMP, 0x13));
      const d = reg();
      out.push(I(r(100), d, 0, d, 0x13));
      out.push(I(-1, TMP, 0, TMP, 0x13));
      out.push(B(-8, 0, TMP, 1));
    } else {
      // jal forward over one instruction, linking
      out.push(J(8, reg()));
    }
  }
  // make sure forward branches land inside the program: pad with nops
  for (let k = 0; k < 4; k++) out.push(0x00000013);
  return out;
}

async function makeHart(jit: boolean, program: number[]): Promise<Hart> {
  let h!: Hart;
  const mmio = {
    read: () => {
      h.mmioFault();
      return 0;
    },
    write: () => h.mmioFault(),
  };
  h = await Hart.create(await coreModule(), 1 << 20, mmio, { jit });
  // handler: mepc += 4; mret (every fault here comes from a 4-byte instruction)
  const handler = [
    0x34102ff3, // csrr t6, mepc
    I(4, TMP, 0, TMP, 0x13),
    0x341f9073, // csrw mepc, t6
    0x30200073, // mret
  ];
  h.mem.write(RAM_BASE + HANDLER, new Uint8Array(new Uint32Array(handler).buffer));
  const main = [
    ...program,
    I(-1, COUNT_REG, 0, COUNT_REG, 0x13),
  ];
  main.push(B(-4 * (main.length), 0, COUNT_REG, 1)); // bnez count, top
  main.push(J(0, 0)); // j . (stays put once done)
  h.mem.write(RAM_BASE + CODE, new Uint8Array(new Uint32Array(main).buffer));
  const r = rng(7);
  const data = new Uint8Array(0x4000);
  for (let i = 0; i < data.length; i++) data[i] = r(256);
  h.mem.write(RAM_BASE + DATA, data);
  h.setCsr(0x305, RAM_BASE + HANDLER); // mtvec
  h.setX(BASE_REG, RAM_BASE + DATA);
  h.setX(COUNT_REG, 200);
  const specials = [0, 1, -1, 0x7fffffff, -0x80000000];
  for (let i = 1; i <= 15; i++) {
    if (i <= 5) h.setX(i, specials[i - 1]);
    else h.setXParts(i, r(0x10000) * 0x10000 + r(0x10000), r(0x10000) * 0x10000 + r(0x10000));
  }
  h.setXParts(9, 0, 0x80000000); // INT64_MIN
  h.pc = RAM_BASE + CODE;
  h.priv = 3;
  return h;
}

function state(h: Hart): string {
  const regs: string[] = [];
  for (let i = 1; i < 32; i++) regs.push(h.xHi(i).toString(16) + ':' + h.xLo(i).toString(16));
  const csrs = [0x341, 0x342, 0x343, 0x300].map((c) => h.csrHi(c).toString(16) + ':' + h.csrLo(c).toString(16));
  let sum = 0;
  const d = h.mem.view(RAM_BASE + DATA, 0x4000)!;
  for (let i = 0; i < d.length; i++) sum = (Math.imul(sum, 31) + d[i]) >>> 0;
  return `pc=${h.pc.toString(16)} instret=${h.instret} regs=${regs.join(',')} csrs=${csrs.join(',')} mem=${sum}`;
}

/**
 * Runs interpreter `a` and translator `b` in slices of random budgets (at most `maxBudget`)
 * until one stops; after every slice their exits and `view`s must be equal. Then b must have
 * run translated code.
 */
function lockstep(a: Hart, b: Hart, r: (n: number) => number, slices: number, maxBudget: number, view: (h: Hart) => string, what: string): void {
  for (let slice = 0; slice < slices; slice++) {
    const budget = 1 + r(maxBudget);
    const ea = a.run(budget);
    const eb = b.run(budget);
    assert.equal(eb, ea, `${what} slice ${slice}: exit`);
    assert.equal(view(b), view(a), `${what} slice ${slice}`);
    if (ea !== Exit.Budget) break;
  }
  assert.ok(b.jitStats()!.blocksRun > 0, `${what}: no translated block ran`);
}

test('random programs: translated and interpreted runs agree after every slice', async () => {
  const prev = process.env.TUML_JIT_HOT;
  process.env.TUML_JIT_HOT = '1';
  try {
    for (let seed = 1; seed <= 40; seed++) {
      const prog = randomProgram(seed * 7919);
      const a = await makeHart(false, prog);
      const b = await makeHart(true, prog);
      lockstep(a, b, rng(seed), 60, 5000, state, `seed ${seed}`);
    }
  } finally {
    if (prev === undefined) delete process.env.TUML_JIT_HOT;
    else process.env.TUML_JIT_HOT = prev;
  }
});

// ---- double-precision code: the translator's inline paths against the interpreter ----
const FDATA = 0x700; // offset in the data region of the FP registers' initial values (within reach of an immediate)
const FSPECIAL: Array<[number, number]> = [
  [0, 0], [0, 0x80000000], [0, 0x3ff00000], [0, 0xbff80000], [0, 0x7ff00000], [0, 0xfff00000], // 0 -0 1 -1.5 inf -inf
  [0, 0x7ff80000], [1, 0x7ff00000], [1, 0], [0xffffffff, 0x7fefffff], [0, 0x00100000], [1, 0x43400000], // qNaN sNaN min-sub max min-normal 2^53+2
  [0x8fd7b3d1, 0x7e37e43c], [0x2e6bd0c5, 0x01a56e1f], [0x55555555, 0x3fd55555], [0, 0xc1e00000], // 1e300 1e-300 1/3 -2^31
];

function randomFpProgram(seed: number): number[] {
  const r = rng(seed);
  const f = () => r(16);
  const xr = () => 1 + r(15);
  const out: number[] = [];
  for (let k = 0; k < 16; k++) out.push(I(FDATA + 8 * k, BASE_REG, 3, k, 0x07)); // fld fk
  const body = 100 + r(200);
  for (let k = 0; k < body; k++) {
    const kind = r(100);
    const rm = [7, 7, 7, 0, 1, 2, 3, 4][r(8)];
    if (kind < 35) out.push(R([0x01, 0x05, 0x09, 0x0d][r(4)], f(), f(), rm, f(), 0x53)); // fadd/fsub/fmul/fdiv.d
    else if (kind < 45) out.push(R(0x11, f(), f(), r(3), f(), 0x53)); // fsgnj*.d
    else if (kind < 52) out.push(R(0x51, f(), f(), r(3), xr(), 0x53)); // fle/flt/feq.d
    else if (kind < 60) out.push(R(0x69, r(4), xr(), rm, f(), 0x53)); // fcvt.d.w/wu/l/lu
    else if (kind < 68) out.push(R(0x61, [0, 2, 1, 3][r(4)], f(), r(3) ? 1 : rm, xr(), 0x53)); // fcvt.w/l.d
    else if (kind < 73) out.push(R(0x71, 0, f(), r(4) ? 0 : 1, xr(), 0x53)); // fmv.x.d, fclass.d
    else if (kind < 78) out.push(R(0x79, 0, xr(), 0, f(), 0x53)); // fmv.d.x
    else if (kind < 82) out.push((R(0x01, f(), f(), rm, f(), [0x43, 0x47, 0x4b, 0x4f][r(4)]) | (f() << 27)) >>> 0); // fmadd & co
    else if (kind < 84) out.push(R(0x2d, 0, f(), rm, f(), 0x53)); // fsqrt.d
    else if (kind < 88) out.push(I(r(2) ? FDATA + 8 * r(16) : 8 * r(256), BASE_REG, 3, f(), 0x07)); // fld
    else if (kind < 92) out.push(S(8 * r(256), f(), BASE_REG, 3) ^ 0x23 ^ 0x27); // fsd
    else if (kind < 94) out.push(R(0, xr(), xr(), [0, 4, 6][r(3)], xr(), 0x33)); // add/xor/or: fresh integer bits
    else if (kind < 97) out.push(I(0x001, 0, 1, xr(), 0x73)); // csrrw x, fflags, x0: the flags so far, cleared
    else out.push(B(4 * (1 + r(3)), xr(), xr(), [0, 1, 4, 5][r(4)])); // forward branch
    // often the flags of just the last instruction, read and cleared (csrrw x, fflags, x0):
    // accrued flags would hide one that a translation failed to raise. The CSR access ends
    // the translated block; a taken `beq x0, x0, +4` makes what follows a jump target, which
    // is where translation starts again.
    if (kind < 84 && r(2) === 0) out.push(I(0x001, 0, 1, xr(), 0x73), B(4, 0, 0, 0));
  }
  for (let k = 0; k < 4; k++) out.push(0x00000013);
  return out;
}

function fpState(h: Hart): string {
  const fr: string[] = [];
  for (let i = 0; i < 32; i++) fr.push(h.fHi(i).toString(16) + ':' + h.fLo(i).toString(16));
  return `${state(h)} fcsr=${h.csrLo(0x003).toString(16)} f=${fr.join(',')}`;
}

test('random double-precision programs: translated and interpreted runs agree after every slice', async () => {
  const prev = process.env.TUML_JIT_HOT;
  process.env.TUML_JIT_HOT = '1';
  try {
    for (let seed = 1; seed <= 30; seed++) {
      const prog = randomFpProgram(seed * 104729);
      const mk = async (jit: boolean) => {
        const h = await makeHart(jit, prog);
        const vals = new Uint32Array(32);
        const r = rng(seed);
        // a third special values, a third any bits, a third ordinary numbers (which stay
        // finite for a while, so that the inline paths, not the core's, see most of the work)
        const plain = new Uint32Array(new Float64Array([0]).buffer);
        for (let k = 0; k < 16; k++) {
          const kind = r(3);
          let lo: number, hi: number;
          if (kind === 0) [lo, hi] = FSPECIAL[r(FSPECIAL.length)];
          else if (kind === 1) [lo, hi] = [r(0x10000) * 0x10000 + r(0x10000), r(0x10000) * 0x10000 + r(0x10000)];
          else {
            new Float64Array(plain.buffer)[0] = (r(2_000_001) - 1_000_000) / (1 + r(97));
            [lo, hi] = [plain[0], plain[1]];
          }
          vals[2 * k] = lo;
          vals[2 * k + 1] = hi;
        }
        h.mem.write(RAM_BASE + DATA + FDATA, new Uint8Array(vals.buffer));
        h.setXParts(6, 0, 0x00200000); // 2^53
        h.setXParts(7, 1, 0x00200000); // 2^53 + 1
        h.setXParts(8, 0, 0xffe00000); // -2^53
        h.setCsr(0x300, 0x2000); // mstatus.FS = initial
        h.setCsr(0x002, [0, 0, 1, 2, 3, 4][seed % 6]); // frm
        return h;
      };
      const a = await mk(false);
      const b = await mk(true);
      lockstep(a, b, rng(seed + 1000), 40, 4000, fpState, `seed ${seed}`);
    }
  } finally {
    if (prev === undefined) delete process.env.TUML_JIT_HOT;
    else process.env.TUML_JIT_HOT = prev;
  }
});

test('code that rewrites itself runs the new code on both engines', async () => {
  // loop: addi x5, x5, 1 (patched: its immediate grows by one per round); lw x6 of it;
  // add 1 << 20; sw back; [fence.i]; count--; bnez
  for (const fence of [true, false]) {
    const target = RAM_BASE + CODE;
    const prog = [
      I(1, 5, 0, 5, 0x13), // addi x5, x5, 1   <- patched
      U(0x00100000, 7, 0x37), // lui x7, 0x100  (1 << 20)
      I(0, 8, 3, 6, 0x03), // ld x6, 0(x8): x8 = target, set below
      R(0, 7, 6, 0, 6, 0x33), // add x6, x6, x7
      S(0, 6, 8, 2), // sw x6, 0(x8)
      ...(fence ? [0x0000100f] : []),
    ];
    const mk = async (jit: boolean) => {
      const h = await makeHart(jit, prog);
      h.setX(8, target);
      h.setX(5, 0);
      h.setX(COUNT_REG, 300);
      return h;
    };
    const prev = process.env.TUML_JIT_HOT;
    process.env.TUML_JIT_HOT = '1';
    try {
      const a = await mk(false);
      const b = await mk(true);
      for (let slice = 0; slice < 100; slice++) {
        const budget = 97;
        assert.equal(b.run(budget), a.run(budget));
        assert.equal(state(b), state(a), `fence ${fence} slice ${slice}`);
      }
      assert.equal(b.xLo(5), (300 * 301) / 2, 'the patched instruction did not run');
    } finally {
      if (prev === undefined) delete process.env.TUML_JIT_HOT;
      else process.env.TUML_JIT_HOT = prev;
    }
  }
});

test('the CPU benchmark gives the same output and instruction count on both engines', async (t) => {
  let elfPath: string;
  try {
    elfPath = buildCpuBench();
  } catch (e) {
    t.skip((e as Error).message.split('\n')[0]);
    return;
  }
  const elf = new Uint8Array(readFileSync(elfPath));
  const run = async (jit: string) => {
    const prev = process.env.TUML_JIT;
    process.env.TUML_JIT = jit;
    try {
      let out = '';
      const res = await runBareMetal(await coreModule(), elf, { output: (_fd, b) => (out += new TextDecoder().decode(b)) });
      return { out, instructions: res.instructions, status: res.status, mtime: res.mtime };
    } finally {
      if (prev === undefined) delete process.env.TUML_JIT;
      else process.env.TUML_JIT = prev;
    }
  };
  const a = await run('0');
  const b = await run('1');
  assert.equal(a.status, 0);
  assert.deepEqual(b, a);
});
