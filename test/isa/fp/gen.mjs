// Generates the F/D extension ISA tests (fp-*.S in this directory) from the case
// tables below:  node test/isa/fp/gen.mjs
//
// Case syntax:  <mnemonic> [<rm>] <operand>... => <result> <flags>
//   rm        rne rtz rdn rup rmm, or dyn:<mode> (frm is set to <mode>, the
//             instruction uses the dynamic rounding mode)
//   operand   hex bits. A single-precision operand of 8 digits is loaded
//             NaN-boxed; 16 digits are loaded into the f register as they are
//             (to test improperly boxed inputs). Integer operands are 64-bit.
//   result    hex bits of rd. A single-precision result of 8 digits must come
//             back NaN-boxed (the whole 64-bit register is checked).
//   flags     fflags after the instruction, starting from 0: NV DZ OF UF NX
//             joined with |, or - for none.
// Every expected value was produced by a reference RISC-V implementation
// (QEMU's softfloat) and the generated tests pass on it:
//   qemu-system-riscv64 -M spike -bios none -kernel fp-xxx.elf -nographic
//
// Each case runs the instruction with sources fa0, fa1, fa2 (or a0) and
// destination fa3 (or a3) and makes two checks: the result (check number 2n)
// and fflags (2n+1), where n is the case's position in its file, from 1.
// A failing test reports the check number through tohost.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FLAG_BITS = { NV: 16, DZ: 8, OF: 4, UF: 2, NX: 1 };
const RM = { rne: 0, rtz: 1, rdn: 2, rup: 3, rmm: 4, dyn: 7 };

// Operand signature of every mnemonic: source kinds ('s' single, 'd' double,
// 'x' integer), destination kind, and whether it has a rounding mode.
export const SIG = {};
for (const p of ['s', 'd']) {
  for (const o of ['fadd', 'fsub', 'fmul', 'fdiv']) SIG[`${o}.${p}`] = { src: [p, p], dst: p, rm: true };
  SIG[`fsqrt.${p}`] = { src: [p], dst: p, rm: true };
  for (const o of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) SIG[`${o}.${p}`] = { src: [p, p, p], dst: p, rm: true };
  for (const o of ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax']) SIG[`${o}.${p}`] = { src: [p, p], dst: p, rm: false };
  for (const o of ['feq', 'flt', 'fle']) SIG[`${o}.${p}`] = { src: [p, p], dst: 'x', rm: false };
  SIG[`fclass.${p}`] = { src: [p], dst: 'x', rm: false };
  for (const i of ['w', 'wu', 'l', 'lu']) {
    SIG[`fcvt.${i}.${p}`] = { src: [p], dst: 'x', rm: true };
    SIG[`fcvt.${p}.${i}`] = { src: ['x'], dst: p, rm: true };
  }
}
SIG['fcvt.s.d'] = { src: ['d'], dst: 's', rm: true };
SIG['fcvt.d.s'] = { src: ['s'], dst: 'd', rm: true };
SIG['fmv.x.w'] = { src: ['d'], dst: 'x', rm: false }; // reads the raw register
SIG['fmv.w.x'] = { src: ['x'], dst: 's', rm: false };
SIG['fmv.x.d'] = { src: ['d'], dst: 'x', rm: false };
SIG['fmv.d.x'] = { src: ['x'], dst: 'd', rm: false };

// Exact conversions that the assembler only accepts without a rounding mode:
// encoded by hand so that every rounding mode can be tried (funct7, rs2).
const RAW = { 'fcvt.d.s': [0x21, 0], 'fcvt.d.w': [0x69, 0], 'fcvt.d.wu': [0x69, 1] };

const FREGS = ['fa0', 'fa1', 'fa2'];

function bits(tok, kind) {
  if (!/^[0-9a-f]{1,16}$/.test(tok)) throw new Error(`bad hex ${tok}`);
  let v = BigInt('0x' + tok);
  if (kind === 's' && tok.length <= 8) v |= 0xffffffff00000000n;
  return v;
}

export function parseCase(line) {
  const m = line.match(/^(\S+)\s+(.*?)\s*(?:=>\s*(\S+)\s+(\S+))?$/);
  if (!m) throw new Error(`bad case: ${line}`);
  const op = m[1];
  const sig = SIG[op];
  if (!sig) throw new Error(`unknown mnemonic: ${line}`);
  let args = m[2].split(/\s+/);
  let rm = null;
  let frm = null;
  if (sig.rm) {
    rm = args.shift();
    if (rm.startsWith('dyn:')) {
      frm = rm.slice(4);
      rm = 'dyn';
      if (!(frm in RM) || frm === 'dyn') throw new Error(`bad frm: ${line}`);
    }
    if (!(rm in RM)) throw new Error(`bad rm: ${line}`);
  }
  if (args.length !== sig.src.length) throw new Error(`operand count: ${line}`);
  const srcs = args.map((t, i) => bits(t, sig.src[i]));
  let result = null;
  let flags = null;
  if (m[3] !== undefined) {
    result = bits(m[3], sig.dst);
    flags = m[4] === '-' ? 0 : m[4].split('|').reduce((a, f) => {
      if (!(f in FLAG_BITS)) throw new Error(`bad flag ${f}: ${line}`);
      return a | FLAG_BITS[f];
    }, 0);
  }
  return { line, op, sig, rm, frm, srcs, result, flags };
}

// The instruction under test, with its fixed registers.
export function insnText(c) {
  const rd = c.sig.dst === 'x' ? 'a3' : 'fa3';
  if (c.op in RAW && c.rm !== null) {
    const [f7, rs2] = RAW[c.op];
    const w = (f7 << 25) | (rs2 << 20) | (10 << 15) | (RM[c.rm] << 12) | (13 << 7) | 0x53;
    return `.word 0x${(w >>> 0).toString(16).padStart(8, '0')} /* ${c.op} fa3, ${c.sig.src[0] === 'x' ? 'a0' : 'fa0'}, ${c.rm} */`;
  }
  const srcs = c.sig.src.map((k, i) => (k === 'x' ? 'a0' : FREGS[i]));
  return `${c.op} ${[rd, ...srcs].join(', ')}${c.rm !== null ? ', ' + c.rm : ''}`;
}

const hex = (v) => '0x' + v.toString(16).padStart(16, '0');

function emitCase(c, n) {
  const out = [`  /* ${n}: ${c.line} */`];
  c.sig.src.forEach((k, i) => {
    if (k === 'x') out.push(`  li a0, ${hex(c.srcs[i])}`);
    else out.push(`  li t0, ${hex(c.srcs[i])}`, `  fmv.d.x ${FREGS[i]}, t0`);
  });
  if (c.frm !== null) out.push(`  fsrmi ${RM[c.frm]}`);
  out.push('  fsflags zero', `  ${insnText(c)}`, '  frflags a4');
  if (c.sig.dst === 'x') out.push('  mv a5, a3');
  else out.push('  fmv.x.d a5, fa3');
  out.push(`  CHECK(${2 * n}, a5, ${hex(c.result)})`, `  CHECK(${2 * n + 1}, a4, ${c.flags})`);
  return out.join('\n');
}

export function emitFile(f) {
  const body = [];
  let n = 0;
  for (const l of f.cases.split('\n').map((x) => x.trim()).filter(Boolean)) {
    if (l.startsWith('#')) {
      body.push(`  /* ---- ${l.slice(1).trim()} */`);
      continue;
    }
    const c = parseCase(l);
    if (c.result === null) throw new Error(`no expected value: ${c.line}`);
    body.push(emitCase(c, ++n));
  }
  return [
    `/* ${f.title}`,
    ' * Generated by gen.mjs from its case tables: edit those, not this file. */',
    '#include "tuml_test.h"',
    '',
    'TEST_BEGIN',
    '',
    body.join('\n\n'),
    f.extra ? '\n' + f.extra.trim() + '\n' : '',
    'TEST_END',
    f.data ? '\n' + f.data.trim() : '',
    '',
  ].join('\n');
}

export function parseCases(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(parseCase);
}

// ---------------------------------------------------------------------------
// Hand-written parts. Check numbers from 1000 up.

// Trap handler for the illegal-instruction checks: counts traps in s1, checks
// mcause, skips the 4-byte instruction.
const illHandler = (label) => `
  j 9f
  .align 2
${label}:
  csrr t0, mcause
  li t1, 2
  beq t0, t1, 1f
  li TESTNUM, 1337
  j tuml_fail
1:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  addi s1, s1, 1
  mret
9:
  la t0, ${label}
  csrw mtvec, t0
`;

// Expects the raw instruction word to trap as illegal without touching fa3, a3
// or fflags. frm is set first (dynamic rounding mode tests).
function illegal(n, word, frm, what) {
  return `
  /* ${n}: illegal: ${what} */
  li s1, 0
  li t0, 0x5555555555555555
  fmv.d.x fa3, t0
  li a3, 0x6666
  fsflags zero
  fsrmi ${frm}
  .word 0x${(word >>> 0).toString(16).padStart(8, '0')}
  fsrmi 0
  CHECK(${n}, s1, 1)
  frflags a4
  CHECK(${n}, a4, 0)
  fmv.x.d a5, fa3
  CHECK(${n}, a5, 0x5555555555555555)
  CHECK(${n}, a3, 0x6666)`;
}

// Expects the raw instruction word to execute (no trap).
function legal(n, word, frm, what) {
  return `
  /* ${n}: legal: ${what} */
  li s1, 0
  fsrmi ${frm}
  .word 0x${(word >>> 0).toString(16).padStart(8, '0')}
  fsrmi 0
  CHECK(${n}, s1, 0)`;
}

const opfp = (f7, rs2, rm, rd = 13, rs1 = 10) => (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53;
const fma = (op, fmt, rm) => (12 << 27) | (fmt << 25) | (11 << 20) | (10 << 15) | (rm << 12) | (13 << 7) | op;

function illegalTests() {
  const t = [illHandler('fp_ill_handler')];
  let n = 1000;
  const rmOps = [
    ['fadd.s', 0x00, 11], ['fadd.d', 0x01, 11], ['fsub.s', 0x04, 11], ['fmul.d', 0x09, 11], ['fdiv.s', 0x0c, 11], ['fsqrt.d', 0x2d, 0],
    ['fcvt.s.d', 0x20, 1], ['fcvt.d.s', 0x21, 0], ['fcvt.w.s', 0x60, 0], ['fcvt.lu.d', 0x61, 3], ['fcvt.s.l', 0x68, 2], ['fcvt.d.w', 0x69, 0],
  ];
  for (const [name, f7, rs2] of rmOps) {
    t.push(illegal(n++, opfp(f7, rs2, 5), 0, `${name} rm=5`));
    t.push(illegal(n++, opfp(f7, rs2, 6), 0, `${name} rm=6`));
    for (const frm of [5, 6, 7]) t.push(illegal(n++, opfp(f7, rs2, 7), frm, `${name} dyn with frm=${frm}`));
    t.push(legal(n++, opfp(f7, rs2, 7), 4, `${name} dyn with frm=rmm`));
  }
  for (const [name, op] of [['fmadd', 0x43], ['fmsub', 0x47], ['fnmsub', 0x4b], ['fnmadd', 0x4f]]) {
    for (const fmt of [0, 1]) {
      t.push(illegal(n++, fma(op, fmt, 5), 0, `${name} fmt=${fmt} rm=5`));
      t.push(illegal(n++, fma(op, fmt, 7), 6, `${name} fmt=${fmt} dyn with frm=6`));
      t.push(legal(n++, fma(op, fmt, 4), 0, `${name} fmt=${fmt} rm=rmm`));
    }
    t.push(illegal(n++, fma(op, 3, 0), 0, `${name} fmt=Q`));
  }
  const bad = [
    [opfp(0x10, 11, 3), 'fsgnj.s funct3=3'], [opfp(0x11, 11, 7), 'fsgnj.d funct3=7'], [opfp(0x14, 11, 2), 'fmin.s funct3=2'],
    [opfp(0x15, 11, 7), 'fmax.d funct3=7'], [opfp(0x50, 11, 3), 'feq.s funct3=3'], [opfp(0x51, 11, 7), 'fle.d funct3=7'],
    [opfp(0x2c, 1, 0), 'fsqrt.s rs2=1'], [opfp(0x2d, 2, 0), 'fsqrt.d rs2=2'], [opfp(0x20, 0, 0), 'fcvt.s.d with rs2=0'],
    [opfp(0x21, 1, 0), 'fcvt.d.s with rs2=1'], [opfp(0x60, 4, 0), 'fcvt.w.s rs2=4'], [opfp(0x69, 5, 0), 'fcvt.d.w rs2=5'],
    [opfp(0x70, 0, 2), 'fmv.x.w funct3=2'], [opfp(0x70, 1, 0), 'fmv.x.w rs2=1'], [opfp(0x71, 0, 3), 'fmv.x.d funct3=3'],
    [opfp(0x78, 0, 1), 'fmv.w.x funct3=1'], [opfp(0x79, 3, 0), 'fmv.d.x rs2=3'], [opfp(0x03, 11, 0), 'OP-FP funct7=3 (fadd.q)'],
    [opfp(0x18, 11, 0), 'OP-FP funct7=0x18'], [opfp(0x7f, 11, 0), 'OP-FP funct7=0x7f'],
  ];
  for (const [w, what] of bad) t.push(illegal(n++, w, 0, what));
  for (const [w, what] of [[opfp(0x10, 11, 2), 'fsgnjx.s'], [opfp(0x71, 0, 1), 'fclass.d'], [opfp(0x21, 0, 7), 'fcvt.d.s dyn'], [opfp(0x69, 1, 3), 'fcvt.d.wu rup']]) {
    t.push(legal(n++, w, 0, what));
  }
  t.push(`
  la t0, tuml_default_trap
  csrw mtvec, t0`);
  return t.join('\n');
}

// fflags accrue (OR) across instructions; exact operations leave them alone;
// fcsr layout; writing an f register makes mstatus.FS dirty.
const FLAGS_EXTRA = `
  /* 1000: flags accrue across instructions */
  fsflags zero
  li t0, 0x3ff0000000000000
  fmv.d.x fa0, t0
  li t0, 0x4008000000000000
  fmv.d.x fa1, t0
  fdiv.d fa3, fa0, fa1, rne           /* NX */
  fmv.d.x fa2, zero
  fdiv.d fa3, fa0, fa2, rne           /* DZ */
  frflags a4
  CHECK(1000, a4, 0x9)
  fmul.d fa3, fa0, fa1, rne           /* exact: adds nothing */
  frflags a4
  CHECK(1001, a4, 0x9)
  li t0, 0x7fefffffffffffff
  fmv.d.x fa2, t0
  fadd.d fa3, fa2, fa2, rne           /* OF NX */
  frflags a4
  CHECK(1002, a4, 0xd)
  fsqrt.d fa3, fa3, rne               /* sqrt(inf): exact */
  fsub.d fa3, fa3, fa3, rne           /* inf - inf: NV */
  frflags a4
  CHECK(1003, a4, 0x1d)
  li t0, 0x0010000000000000
  fmv.d.x fa2, t0
  fmul.d fa3, fa2, fa1, rne           /* exact */
  fdiv.d fa3, fa2, fa1, rne           /* UF NX */
  frflags a4
  CHECK(1004, a4, 0x1f)

  /* 1005: an exact instruction keeps all five flags set */
  li t0, 0x1f
  fsflags t0
  fadd.d fa3, fa0, fa1, rtz
  fcvt.w.d a3, fa1, rtz
  feq.d a3, fa0, fa1
  fclass.d a3, fa0
  frflags a4
  CHECK(1005, a4, 0x1f)

  /* 1006: fcsr = frm << 5 | fflags; fsflags/fsrm return the old value */
  li t0, 0x65                         /* frm = rup, fflags = OF|NX */
  fscsr t0
  frrm a4
  CHECK(1006, a4, 3)
  frflags a4
  CHECK(1007, a4, 5)
  li t0, 0x10
  fsflags a4, t0
  CHECK(1008, a4, 5)
  frcsr a4
  CHECK(1009, a4, 0x70)
  fsrmi a4, 1
  CHECK(1010, a4, 3)
  frcsr a4
  CHECK(1011, a4, 0x30)
  li t0, 0x4000000000000000
  fmv.d.x fa2, t0
  fsqrt.d fa3, fa2                    /* no rounding mode given: dyn, rtz now */
  fmv.x.d a5, fa3
  CHECK(1012, a5, 0x3ff6a09e667f3bcc)
  fscsr zero

  /* 1013: flt/fle with a quiet NaN signal NV, feq does not */
  li t0, 0x7ff8000000000000
  fmv.d.x fa2, t0
  fsflags zero
  feq.d a3, fa2, fa0
  frflags a4
  CHECK(1013, a4, 0)
  flt.d a3, fa2, fa0
  frflags a4
  CHECK(1014, a4, 0x10)

  /* 1015: writing an f register makes mstatus.FS dirty */
  li t0, (3 << 13)
  csrc mstatus, t0
  li t0, (1 << 13)
  csrs mstatus, t0                    /* FS = Initial */
  fadd.d fa3, fa0, fa1, rne
  csrr a4, mstatus
  srli a4, a4, 13
  andi a4, a4, 3
  CHECK(1015, a4, 3)
  csrr a4, mstatus
  srli a4, a4, 63
  CHECK(1016, a4, 1)                  /* SD */
  li t0, (3 << 13)
  csrc mstatus, t0
  li t0, (2 << 13)
  csrs mstatus, t0                    /* FS = Clean */
  fmv.d.x fa3, zero
  csrr a4, mstatus
  srli a4, a4, 13
  andi a4, a4, 3
  CHECK(1017, a4, 3)
  li t0, (3 << 13)
  csrs mstatus, t0

  /* 1018: with mstatus.FS = Off every F/D instruction is illegal */
` + illHandler('fp_off_handler') + `
  li t0, (3 << 13)
  csrc mstatus, t0
  li s1, 0
  fadd.d fa3, fa0, fa1, rne
  fmadd.s fa3, fa0, fa1, fa2, rne
  fmv.x.d a3, fa0
  fcvt.d.l fa3, a0, rne
  CHECK(1018, s1, 4)
  li t0, (1 << 13)
  csrs mstatus, t0
  la t0, tuml_default_trap
  csrw mtvec, t0
`;

// Loads and stores, uncompressed and compressed.
const LDST_EXTRA = `
  /* 1000: flw NaN-boxes, fsw stores the low 32 bits as they are */
  la s0, fp_ldst_data
  flw fa0, 0(s0)
  fmv.x.d a5, fa0
  CHECK(1000, a5, 0xffffffff3f800000)
  flw fs1, 4(s0)
  fmv.x.d a5, fs1
  CHECK(1001, a5, 0xffffffffbfc00000)
  li t0, 0x123456787fa00001          /* not NaN-boxed */
  fmv.d.x fa1, t0
  fsw fa1, 8(s0)
  lwu a5, 8(s0)
  CHECK(1002, a5, 0x7fa00001)
  lwu a5, 12(s0)
  CHECK(1003, a5, 0xcafef00d)         /* untouched */
  /* 1004: fld/fsd keep all 64 bits, NaN payloads included */
  fld fa2, 16(s0)
  fmv.x.d a5, fa2
  CHECK(1004, a5, 0x7ff4000000000123)
  fsd fa2, 24(s0)
  ld a5, 24(s0)
  CHECK(1005, a5, 0x7ff4000000000123)
  /* 1006: compressed c.fld / c.fsd (registers f8-f15, x8-x15) */
  .option push
  .option rvc
  c.fld fs0, 32(s0)
  c.fsd fs0, 40(s0)
  .option pop
  fmv.x.d a5, fs0
  CHECK(1006, a5, 0xc00921fb54442d18)
  ld a5, 40(s0)
  CHECK(1007, a5, 0xc00921fb54442d18)
  /* 1008: c.fldsp / c.fsdsp */
  mv s2, sp
  addi sp, s0, 48
  .option push
  .option rvc
  c.fldsp fa4, 8(sp)
  c.fsdsp fa4, 0(sp)
  .option pop
  mv sp, s2
  fmv.x.d a5, fa4
  CHECK(1008, a5, 0x0000000000000001)
  ld a5, 48(s0)
  CHECK(1009, a5, 0x0000000000000001)
  /* 1010: a single loaded with flw feeds single arithmetic; with fld it is not boxed */
  flw fa0, 0(s0)
  fld fa1, 64(s0)                     /* 0x000000003f800000: improperly boxed */
  fadd.s fa3, fa0, fa0, rne
  fmv.x.d a5, fa3
  CHECK(1010, a5, 0xffffffff40000000)
  fadd.s fa3, fa0, fa1, rne
  fmv.x.d a5, fa3
  CHECK(1011, a5, 0xffffffff7fc00000)
`;

const LDST_DATA = `
  .data
  .align 4
fp_ldst_data:
  .word 0x3f800000, 0xbfc00000, 0xdeadbeef, 0xcafef00d
  .dword 0x7ff4000000000123, 0
  .dword 0xc00921fb54442d18, 0
  .dword 0, 0x0000000000000001
  .dword 0x000000003f800000
`;

export const FILES = [
  { name: 'fp-arith-s', title: 'RV64F: fadd.s, fsub.s, fmul.s, fdiv.s, fsqrt.s: results, special values, NaN-boxing, fflags.', cases: `
# fadd.s/fsub.s: exact, ties, overflow at the top, exact subnormal sums, signed zeros, infinities, NaNs, unboxed operands
fadd.s rne 3f800000 40000000 => 40400000 -
fadd.s rne 3f800000 33800000 => 3f800000 NX
fadd.s rne 3f800001 33800000 => 3f800002 NX
fadd.s rne 3f800000 33000000 => 3f800000 NX
fadd.s rne 3dcccccd 3e4ccccd => 3e99999a NX
fadd.s rne 7f7fffff 7f7fffff => 7f800000 OF|NX
fadd.s rne 7f7fffff 73000000 => 7f800000 OF|NX
fadd.s rne 7f7fffff 73800000 => 7f800000 OF|NX
fadd.s rne 00800000 80000001 => 007fffff -
fadd.s rne 00000001 00000001 => 00000002 -
fadd.s rne 007fffff 00000001 => 00800000 -
fadd.s rne 3f800000 bf800000 => 00000000 -
fadd.s rdn 3f800000 bf800000 => 80000000 -
fadd.s rne 80000000 80000000 => 80000000 -
fadd.s rne 00000000 80000000 => 00000000 -
fadd.s rdn 00000000 80000000 => 80000000 -
fadd.s rdn 00000000 00000000 => 00000000 -
fadd.s rup 80000000 80000000 => 80000000 -
fadd.s rne 7f800000 ff800000 => 7fc00000 NV
fadd.s rne 7f800000 7f800000 => 7f800000 -
fsub.s rne ff800000 7f800000 => ff800000 -
fsub.s rne 3f800000 ff800000 => 7f800000 -
fadd.s rne 7f800000 3f800000 => 7f800000 -
fadd.s rne ff800000 ff800000 => ff800000 -
fadd.s rne 7fc12345 3f800000 => 7fc00000 -
fadd.s rne 3f800000 ffc00000 => 7fc00000 -
fadd.s rne 7f800001 3f800000 => 7fc00000 NV
fadd.s rne 3f800000 ff900000 => 7fc00000 NV
fadd.s rne 7fc00000 7fa00000 => 7fc00000 NV
fadd.s rne 000000003f800000 3f800000 => 7fc00000 -
fadd.s rne 3f800000 fffffffe3f800000 => 7fc00000 -
fadd.s rne 7fffffff3f800000 7f800001 => 7fc00000 NV
fsub.s rne 3f800000 3f800000 => 00000000 -
fsub.s rdn 3f800000 3f800000 => 80000000 -
fsub.s rne 40400000 3f800000 => 40000000 -
fsub.s rne 3f800000 33800000 => 3f7fffff -
fsub.s rne 3f800000 33000000 => 3f800000 NX
fsub.s rne 3f800000 32800000 => 3f800000 NX
fsub.s rne 7f800000 7f800000 => 7fc00000 NV
fsub.s rne ff800000 7f800000 => ff800000 -
fsub.s rne ff7fffff 7f7fffff => ff800000 OF|NX
fsub.s rne 00800000 00000001 => 007fffff -
fsub.s rne 00000000 00000000 => 00000000 -
fsub.s rne 80000000 00000000 => 80000000 -
fsub.s rne 7fc00000 3f800000 => 7fc00000 -
fsub.s rne 3f800000 7f800001 => 7fc00000 NV
# fmul.s: inexact, overflow, underflow (tininess after rounding), signed zeros, invalid
fmul.s rne 40400000 3eaaaaab => 3f800000 NX
fmul.s rne 3f800001 3f800001 => 3f800002 NX
fmul.s rne 40400000 40800000 => 41400000 -
fmul.s rne 7f000000 40000000 => 7f800000 OF|NX
fmul.s rne 7f000000 3fffffff => 7f7fffff -
fmul.s rne 00800000 3f000000 => 00400000 -
fmul.s rne 00800001 3f000000 => 00400000 UF|NX
fmul.s rne 00ffffff 3f000000 => 00800000 UF|NX
fmul.s rne 3f7fffff 00800000 => 00800000 UF|NX
fmul.s rup 3f7fffff 00800000 => 00800000 UF|NX
fmul.s rne 21118e00 1ee12000 => 00800000 NX
fmul.s rup 21118e00 1ee12000 => 00800000 NX
fmul.s rtz 21118e00 1ee12000 => 007fffff UF|NX
fmul.s rne 00000001 3f000000 => 00000000 UF|NX
fmul.s rup 00000001 3f000000 => 00000001 UF|NX
fmul.s rne 80000001 3f000000 => 80000000 UF|NX
fmul.s rne 00000003 3f000000 => 00000002 UF|NX
fmul.s rne 0d800000 0d800000 => 00000000 UF|NX
fmul.s rne 7f800000 00000000 => 7fc00000 NV
fmul.s rne 80000000 7f800000 => 7fc00000 NV
fmul.s rne ff800000 bf800000 => 7f800000 -
fmul.s rne 80000000 3f800000 => 80000000 -
fmul.s rne 80000000 80000000 => 00000000 -
fmul.s rne 7fa00000 00000000 => 7fc00000 NV
fmul.s rne 7fc00000 7f800000 => 7fc00000 -
fmul.s rne 00000000ff800000 3f800000 => 7fc00000 -
# fdiv.s and fsqrt.s
fdiv.s rne 3f800000 40400000 => 3eaaaaab NX
fdiv.s rne 40c00000 40400000 => 40000000 -
fdiv.s rne 3f800000 00000000 => 7f800000 DZ
fdiv.s rne bf800000 00000000 => ff800000 DZ
fdiv.s rne 3f800000 80000000 => ff800000 DZ
fdiv.s rne 00000000 00000000 => 7fc00000 NV
fdiv.s rne 7f800000 7f800000 => 7fc00000 NV
fdiv.s rne 7f800000 00000000 => 7f800000 -
fdiv.s rne 3f800000 7f800000 => 00000000 -
fdiv.s rne bf800000 7f800000 => 80000000 -
fdiv.s rne 7f7fffff 3f000000 => 7f800000 OF|NX
fdiv.s rne 00800000 40000000 => 00400000 -
fdiv.s rne 00800000 40400000 => 002aaaab UF|NX
fdiv.s rne 00000001 40000000 => 00000000 UF|NX
fdiv.s rne 00000003 40000000 => 00000002 UF|NX
fdiv.s rne 7fc00000 00000000 => 7fc00000 -
fdiv.s rne 7f800001 3f800000 => 7fc00000 NV
fdiv.s rne 00000000 3f800000 => 00000000 -
fdiv.s rne 80000000 3f800000 => 80000000 -
fdiv.s rne 3f800000 00000000bf800000 => 7fc00000 -
fdiv.s rne 3f800000 3f7fffff => 3f800001 NX
fdiv.s rne 4b7fffff 3f7fffff => 4b800000 -
fsqrt.s rne 40800000 => 40000000 -
fsqrt.s rne 40000000 => 3fb504f3 NX
fsqrt.s rne bf800000 => 7fc00000 NV
fsqrt.s rne 80000000 => 80000000 -
fsqrt.s rne 7f800000 => 7f800000 -
fsqrt.s rne ff800000 => 7fc00000 NV
fsqrt.s rne 00000001 => 1a3504f3 NX
fsqrt.s rne 007fffff => 1fffffff NX
fsqrt.s rne 7f7fffff => 5f7fffff NX
fsqrt.s rne 7f800001 => 7fc00000 NV
fsqrt.s rne 7fc00001 => 7fc00000 -
fsqrt.s rne ffc00000 => 7fc00000 -
fsqrt.s rne 00000000 => 00000000 -
fsqrt.s rne 80000001 => 7fc00000 NV
fsqrt.s rne 0000000040800000 => 7fc00000 -
fsqrt.s rne 3f800001 => 3f800000 NX
fsqrt.s rne 3f7fffff => 3f7fffff NX` },
  { name: 'fp-arith-d', title: 'RV64D: fadd.d, fsub.d, fmul.d, fdiv.d, fsqrt.d: results, special values, fflags.', cases: `
# fadd.d/fsub.d: exact, ties, overflow at the top, exact subnormal sums, signed zeros, infinities, NaNs
fadd.d rne 3ff0000000000000 4000000000000000 => 4008000000000000 -
fadd.d rne 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fadd.d rne 3ff0000000000001 3ca0000000000000 => 3ff0000000000002 NX
fadd.d rne 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fadd.d rne 3fb999999999999a 3fc999999999999a => 3fd3333333333334 NX
fadd.d rne 7fefffffffffffff 7fefffffffffffff => 7ff0000000000000 OF|NX
fadd.d rne 7fefffffffffffff 7c90000000000000 => 7ff0000000000000 OF|NX
fadd.d rne 7fefffffffffffff 7ca0000000000000 => 7ff0000000000000 OF|NX
fadd.d rne 0010000000000000 8000000000000001 => 000fffffffffffff -
fadd.d rne 0000000000000001 0000000000000001 => 0000000000000002 -
fadd.d rne 3ff0000000000000 bff0000000000000 => 0000000000000000 -
fadd.d rdn 3ff0000000000000 bff0000000000000 => 8000000000000000 -
fadd.d rne 8000000000000000 8000000000000000 => 8000000000000000 -
fadd.d rne 0000000000000000 8000000000000000 => 0000000000000000 -
fadd.d rdn 0000000000000000 8000000000000000 => 8000000000000000 -
fadd.d rdn 0000000000000000 0000000000000000 => 0000000000000000 -
fadd.d rne 7ff0000000000000 fff0000000000000 => 7ff8000000000000 NV
fadd.d rne 7ff0000000000000 7ff0000000000000 => 7ff0000000000000 -
fadd.d rne fff0000000000000 fff0000000000000 => fff0000000000000 -
fsub.d rne 7ff0000000000000 fff0000000000000 => 7ff0000000000000 -
fsub.d rne 3ff0000000000000 7ff0000000000000 => fff0000000000000 -
fadd.d rne 7ff0000000000000 3ff0000000000000 => 7ff0000000000000 -
fadd.d rne 7ff8000000012345 3ff0000000000000 => 7ff8000000000000 -
fadd.d rne 7ff0000000000001 3ff0000000000000 => 7ff8000000000000 NV
fadd.d rne 3ff0000000000000 fff4000000000000 => 7ff8000000000000 NV
fadd.d rne 7ff8000000000000 7ff4000000000000 => 7ff8000000000000 NV
fadd.d rne 43e0000000000000 c3e0000000000000 => 0000000000000000 -
fadd.d rne 4330000000000000 3fe0000000000000 => 4330000000000000 NX
fadd.d rne 4330000000000001 3fe0000000000000 => 4330000000000002 NX
fsub.d rne 3ff0000000000000 3ff0000000000000 => 0000000000000000 -
fsub.d rdn 3ff0000000000000 3ff0000000000000 => 8000000000000000 -
fsub.d rne 4008000000000000 3ff0000000000000 => 4000000000000000 -
fsub.d rne 3ff0000000000000 3ca0000000000000 => 3fefffffffffffff -
fsub.d rne 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fsub.d rne 7ff0000000000000 7ff0000000000000 => 7ff8000000000000 NV
fsub.d rne ffefffffffffffff 7fefffffffffffff => fff0000000000000 OF|NX
fsub.d rne 0010000000000000 0000000000000001 => 000fffffffffffff -
fsub.d rne 0000000000000000 0000000000000000 => 0000000000000000 -
fsub.d rne 8000000000000000 0000000000000000 => 8000000000000000 -
fsub.d rne 3ff0000000000000 7ff0000000000001 => 7ff8000000000000 NV
# fmul.d: inexact, overflow, underflow (tininess after rounding), signed zeros, invalid
fmul.d rne 4008000000000000 3fd5555555555555 => 3ff0000000000000 NX
fmul.d rne 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d rne 7fe0000000000000 4000000000000000 => 7ff0000000000000 OF|NX
fmul.d rne 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rne 0010000000000000 3fe0000000000000 => 0008000000000000 -
fmul.d rne 0010000000000001 3fe0000000000000 => 0008000000000000 UF|NX
fmul.d rne 001fffffffffffff 3fe0000000000000 => 0010000000000000 UF|NX
fmul.d rne 3fefffffffffffff 0010000000000000 => 0010000000000000 UF|NX
fmul.d rup 3fefffffffffffff 0010000000000000 => 0010000000000000 UF|NX
fmul.d rne 1f6ffff800000000 2075555555540000 => 00055553ffffaaab UF|NX
fmul.d rup 1f6ffff800000000 2075555555540000 => 00055553ffffaaab UF|NX
fmul.d rtz 1f6ffff800000000 2075555555540000 => 00055553ffffaaaa UF|NX
fmul.d rne 0000000000000001 3fe0000000000000 => 0000000000000000 UF|NX
fmul.d rup 0000000000000001 3fe0000000000000 => 0000000000000001 UF|NX
fmul.d rne 8000000000000001 3fe0000000000000 => 8000000000000000 UF|NX
fmul.d rne 0000000000000003 3fe0000000000000 => 0000000000000002 UF|NX
fmul.d rne 2000000000000000 2000000000000000 => 0010000000000000 -
fmul.d rne 7ff0000000000000 0000000000000000 => 7ff8000000000000 NV
fmul.d rne 8000000000000000 7ff0000000000000 => 7ff8000000000000 NV
fmul.d rne fff0000000000000 bff0000000000000 => 7ff0000000000000 -
fmul.d rne 8000000000000000 3ff0000000000000 => 8000000000000000 -
fmul.d rne 7ff4000000000000 0000000000000000 => 7ff8000000000000 NV
fmul.d rne 7ff8000000000000 7ff0000000000000 => 7ff8000000000000 -
fmul.d rne 000fffffffffffff 4340000000000000 => 035ffffffffffffe -
fmul.d rne 0000000000000003 3ff8000000000000 => 0000000000000004 UF|NX
# fdiv.d and fsqrt.d
fdiv.d rne 3ff0000000000000 4008000000000000 => 3fd5555555555555 NX
fdiv.d rne 4018000000000000 4008000000000000 => 4000000000000000 -
fdiv.d rne 3ff0000000000000 0000000000000000 => 7ff0000000000000 DZ
fdiv.d rne bff0000000000000 0000000000000000 => fff0000000000000 DZ
fdiv.d rne 3ff0000000000000 8000000000000000 => fff0000000000000 DZ
fdiv.d rne 0000000000000000 0000000000000000 => 7ff8000000000000 NV
fdiv.d rne 7ff0000000000000 7ff0000000000000 => 7ff8000000000000 NV
fdiv.d rne 7ff0000000000000 0000000000000000 => 7ff0000000000000 -
fdiv.d rne 3ff0000000000000 7ff0000000000000 => 0000000000000000 -
fdiv.d rne bff0000000000000 7ff0000000000000 => 8000000000000000 -
fdiv.d rne 7fefffffffffffff 3fe0000000000000 => 7ff0000000000000 OF|NX
fdiv.d rne 0010000000000000 4000000000000000 => 0008000000000000 -
fdiv.d rne 0010000000000000 4008000000000000 => 0005555555555555 UF|NX
fdiv.d rne 0000000000000001 4000000000000000 => 0000000000000000 UF|NX
fdiv.d rne 0000000000000003 4000000000000000 => 0000000000000002 UF|NX
fdiv.d rne 7ff8000000000000 0000000000000000 => 7ff8000000000000 -
fdiv.d rne 7ff0000000000001 3ff0000000000000 => 7ff8000000000000 NV
fdiv.d rne 0000000000000000 3ff0000000000000 => 0000000000000000 -
fdiv.d rne 8000000000000000 3ff0000000000000 => 8000000000000000 -
fdiv.d rne 3ff0000000000000 3fefffffffffffff => 3ff0000000000001 NX
fdiv.d rne 000fffffffffffff 000ffffffffffffe => 3ff0000000000001 NX
fsqrt.d rne 4010000000000000 => 4000000000000000 -
fsqrt.d rne 4000000000000000 => 3ff6a09e667f3bcd NX
fsqrt.d rne bff0000000000000 => 7ff8000000000000 NV
fsqrt.d rne 8000000000000000 => 8000000000000000 -
fsqrt.d rne 7ff0000000000000 => 7ff0000000000000 -
fsqrt.d rne fff0000000000000 => 7ff8000000000000 NV
fsqrt.d rne 0000000000000001 => 1e60000000000000 -
fsqrt.d rne 000fffffffffffff => 1fffffffffffffff NX
fsqrt.d rne 7fefffffffffffff => 5fefffffffffffff NX
fsqrt.d rne 7ff0000000000001 => 7ff8000000000000 NV
fsqrt.d rne 7ff8000000000001 => 7ff8000000000000 -
fsqrt.d rne fff8000000000000 => 7ff8000000000000 -
fsqrt.d rne 0000000000000000 => 0000000000000000 -
fsqrt.d rne 8000000000000001 => 7ff8000000000000 NV
fsqrt.d rne 3ff0000000000001 => 3ff0000000000000 NX
fsqrt.d rne 3fefffffffffffff => 3fefffffffffffff NX` },
  { name: 'fp-fma', title: 'RV64F/D fused multiply-add: single rounding (cases a separately rounded product gets wrong), signs of zero, invalid cases, underflow, overflow.', cases: `
# the four sign variants
fmadd.s rne 40000000 40400000 3f800000 => 40e00000 -
fmadd.d rne 4000000000000000 4008000000000000 3ff0000000000000 => 401c000000000000 -
fmsub.s rne 40000000 40400000 3f800000 => 40a00000 -
fmsub.d rne 4000000000000000 4008000000000000 3ff0000000000000 => 4014000000000000 -
fnmsub.s rne 40000000 40400000 3f800000 => c0a00000 -
fnmsub.d rne 4000000000000000 4008000000000000 3ff0000000000000 => c014000000000000 -
fnmadd.s rne 40000000 40400000 3f800000 => c0e00000 -
fnmadd.d rne 4000000000000000 4008000000000000 3ff0000000000000 => c01c000000000000 -
# single: a*b + c = 1 + 2^-24 + 2^-60 (just above a midpoint; rounding the sum to double first lands on it)
fmadd.s rne 38ff0080 3a004010 3f800000 => 3f800000 NX
fmadd.s rtz 38ff0080 3a004010 3f800000 => 3f800000 NX
fmadd.s rdn 38ff0080 3a004010 3f800000 => 3f800000 NX
fmadd.s rup 38ff0080 3a004010 3f800000 => 3f800001 NX
fmadd.s rmm 38ff0080 3a004010 3f800000 => 3f800000 NX
fnmadd.s rne 38ff0080 3a004010 3f800000 => bf800000 NX
fnmadd.s rtz 38ff0080 3a004010 3f800000 => bf800000 NX
fnmadd.s rdn 38ff0080 3a004010 3f800000 => bf800001 NX
fnmadd.s rup 38ff0080 3a004010 3f800000 => bf800000 NX
fnmadd.s rmm 38ff0080 3a004010 3f800000 => bf800000 NX
fmsub.s rne 38ff0080 3a004010 bf800000 => 3f800000 NX
fnmsub.s rne 38ff0080 3a004010 3f800000 => 3f7fffff NX
# exact cancellation of the product
fmsub.s rne 3f800800 3f800800 3f801000 => 33800000 -
fmadd.s rne 3f800800 3f800800 bf801000 => 33800000 -
fnmsub.s rne 3f800800 3f800800 3f801000 => b3800000 -
fmsub.s rne 3f800001 3f800001 3f800002 => 28800000 -
# double: (1+2^-30)^2 - (1+2^-29) = 2^-60 exactly; a separately rounded product gives 0
fmsub.d rne 3ff0000040000000 3ff0000040000000 3ff0000080000000 => 3d30000000000000 -
fmadd.d rne 3ff0000040000000 3ff0000040000000 bff0000080000000 => 3d30000000000000 -
fnmadd.d rne 3ff0000040000000 3ff0000040000000 bff0000080000000 => bd30000000000000 -
fmsub.d rne 3ff0000040000000 3ff0000040000000 3ff0000000000000 => 3ea0000020000000 -
fmsub.d rne 3ff0000000000001 3ff0000000000001 3ff0000000000002 => 3970000000000000 -
# double: product 1 + 3*2^-27 + 2^-53 is a tie on its own; a tiny addend decides it
fmadd.d rne 3ff0000008000000 3ff0000010000000 3af0000000000000 => 3ff0000018000008 NX
fmadd.d rtz 3ff0000008000000 3ff0000010000000 3af0000000000000 => 3ff0000018000008 NX
fmadd.d rdn 3ff0000008000000 3ff0000010000000 3af0000000000000 => 3ff0000018000008 NX
fmadd.d rup 3ff0000008000000 3ff0000010000000 3af0000000000000 => 3ff0000018000009 NX
fmadd.d rmm 3ff0000008000000 3ff0000010000000 3af0000000000000 => 3ff0000018000008 NX
fmadd.d rne 3ff0000008000000 3ff0000010000000 baf0000000000000 => 3ff0000018000008 NX
fmadd.d rtz 3ff0000008000000 3ff0000010000000 baf0000000000000 => 3ff0000018000007 NX
fmadd.d rdn 3ff0000008000000 3ff0000010000000 baf0000000000000 => 3ff0000018000007 NX
fmadd.d rup 3ff0000008000000 3ff0000010000000 baf0000000000000 => 3ff0000018000008 NX
fmadd.d rmm 3ff0000008000000 3ff0000010000000 baf0000000000000 => 3ff0000018000008 NX
fmadd.d rne 3ff0000008000000 3ff0000010000000 0000000000000000 => 3ff0000018000008 -
fmadd.d rtz 3ff0000008000000 3ff0000010000000 0000000000000000 => 3ff0000018000008 -
fmadd.d rdn 3ff0000008000000 3ff0000010000000 0000000000000000 => 3ff0000018000008 -
fmadd.d rup 3ff0000008000000 3ff0000010000000 0000000000000000 => 3ff0000018000008 -
fmadd.d rmm 3ff0000008000000 3ff0000010000000 0000000000000000 => 3ff0000018000008 -
# double: (2^50+1) * 2^-103 + 1 = 1 + 2^-53 + 2^-103, above the midpoint
fmadd.d rne 3d68fe700c800000 3f00635400000000 3ff0000000000000 => 3ff0000000000000 NX
fmadd.d rtz 3d68fe700c800000 3f00635400000000 3ff0000000000000 => 3ff0000000000000 NX
fmadd.d rdn 3d68fe700c800000 3f00635400000000 3ff0000000000000 => 3ff0000000000000 NX
fmadd.d rup 3d68fe700c800000 3f00635400000000 3ff0000000000000 => 3ff0000000000001 NX
fmadd.d rmm 3d68fe700c800000 3f00635400000000 3ff0000000000000 => 3ff0000000000000 NX
fnmsub.d rne 3d68fe700c800000 3f00635400000000 bff0000000000000 => bff0000000000000 NX
# invalid (inf*0 even with a quiet NaN addend, inf-inf), NaNs, zero signs, overflow, underflow
fmadd.s rne 7f800000 00000000 7fc00000 => 7fc00000 NV
fmadd.s rne 00000000 7f800000 3f800000 => 7fc00000 NV
fmadd.s rne 7f800000 3f800000 ff800000 => 7fc00000 NV
fmsub.s rne 7f800000 3f800000 7f800000 => 7fc00000 NV
fmadd.s rne 7f800000 3f800000 7f800000 => 7f800000 -
fmadd.s rne 3f800000 3f800000 ff800000 => ff800000 -
fnmadd.s rne 7f800000 3f800000 3f800000 => ff800000 -
fmadd.s rne 7fc00000 3f800000 3f800000 => 7fc00000 -
fmadd.s rne 3f800000 3f800000 7f800001 => 7fc00000 NV
fmadd.s rne 7f800001 00000000 7f800000 => 7fc00000 NV
fmadd.s rne ffc00123 3f800000 3f800000 => 7fc00000 -
fmadd.s rne 3f800000 7fc00000 7f800001 => 7fc00000 NV
fmadd.s rne 00000000 40a00000 80000000 => 00000000 -
fmadd.s rdn 00000000 40a00000 80000000 => 80000000 -
fmadd.s rne 80000000 40a00000 80000000 => 80000000 -
fnmadd.s rne 00000000 40a00000 00000000 => 80000000 -
fnmsub.s rne 00000000 40a00000 00000000 => 00000000 -
fmsub.s rne 00000000 40a00000 00000000 => 00000000 -
fmsub.s rdn 00000000 40a00000 00000000 => 80000000 -
fmadd.s rne 3f800000 3f800000 bf800000 => 00000000 -
fmadd.s rdn 3f800000 3f800000 bf800000 => 80000000 -
fmsub.s rup 40000000 3f000000 3f800000 => 00000000 -
fnmadd.s rdn 40000000 3f000000 bf800000 => 80000000 -
fmadd.s rne 00000000 00000000 40a00000 => 40a00000 -
fmadd.s rne 7f7fffff 40000000 ff7fffff => 7f7fffff -
fmadd.s rne 7f7fffff 7f7fffff 00000000 => 7f800000 OF|NX
fmadd.s rtz 7f7fffff 7f7fffff 00000000 => 7f7fffff OF|NX
fmadd.s rne 00800000 3f000000 00000001 => 00400001 -
fmadd.s rne 00800000 00800000 00000000 => 00000000 UF|NX
fmadd.s rup 00800000 00800000 00000000 => 00000001 UF|NX
fmadd.s rne 00800000 00800000 3f800000 => 3f800000 NX
fmsub.s rne 00800000 40000000 00800000 => 00800000 -
fmadd.s rne 00000001 3f000000 00000000 => 00000000 UF|NX
fmadd.d rne 7ff0000000000000 0000000000000000 7ff8000000000000 => 7ff8000000000000 NV
fmadd.d rne 0000000000000000 7ff0000000000000 3ff0000000000000 => 7ff8000000000000 NV
fmadd.d rne 7ff0000000000000 3ff0000000000000 fff0000000000000 => 7ff8000000000000 NV
fmsub.d rne 7ff0000000000000 3ff0000000000000 7ff0000000000000 => 7ff8000000000000 NV
fmadd.d rne 7ff0000000000000 3ff0000000000000 7ff0000000000000 => 7ff0000000000000 -
fmadd.d rne 3ff0000000000000 3ff0000000000000 fff0000000000000 => fff0000000000000 -
fnmadd.d rne 7ff0000000000000 3ff0000000000000 3ff0000000000000 => fff0000000000000 -
fmadd.d rne 7ff8000000000000 3ff0000000000000 3ff0000000000000 => 7ff8000000000000 -
fmadd.d rne 3ff0000000000000 3ff0000000000000 7ff0000000000001 => 7ff8000000000000 NV
fmadd.d rne 7ff0000000000001 0000000000000000 7ff0000000000000 => 7ff8000000000000 NV
fmadd.d rne fff8000000000123 3ff0000000000000 3ff0000000000000 => 7ff8000000000000 -
fmadd.d rne 3ff0000000000000 7ff8000000000000 7ff0000000000001 => 7ff8000000000000 NV
fmadd.d rne 0000000000000000 4014000000000000 8000000000000000 => 0000000000000000 -
fmadd.d rdn 0000000000000000 4014000000000000 8000000000000000 => 8000000000000000 -
fmadd.d rne 8000000000000000 4014000000000000 8000000000000000 => 8000000000000000 -
fnmadd.d rne 0000000000000000 4014000000000000 0000000000000000 => 8000000000000000 -
fnmsub.d rne 0000000000000000 4014000000000000 0000000000000000 => 0000000000000000 -
fmsub.d rne 0000000000000000 4014000000000000 0000000000000000 => 0000000000000000 -
fmsub.d rdn 0000000000000000 4014000000000000 0000000000000000 => 8000000000000000 -
fmadd.d rne 3ff0000000000000 3ff0000000000000 bff0000000000000 => 0000000000000000 -
fmadd.d rdn 3ff0000000000000 3ff0000000000000 bff0000000000000 => 8000000000000000 -
fmsub.d rup 4000000000000000 3fe0000000000000 3ff0000000000000 => 0000000000000000 -
fnmadd.d rdn 4000000000000000 3fe0000000000000 bff0000000000000 => 8000000000000000 -
fmadd.d rne 0000000000000000 0000000000000000 4014000000000000 => 4014000000000000 -
fmadd.d rne 7fefffffffffffff 4000000000000000 ffefffffffffffff => 7fefffffffffffff -
fmadd.d rne 7fefffffffffffff 7fefffffffffffff 0000000000000000 => 7ff0000000000000 OF|NX
fmadd.d rtz 7fefffffffffffff 7fefffffffffffff 0000000000000000 => 7fefffffffffffff OF|NX
fmadd.d rne 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmadd.d rne 0010000000000000 0010000000000000 0000000000000000 => 0000000000000000 UF|NX
fmadd.d rup 0010000000000000 0010000000000000 0000000000000000 => 0000000000000001 UF|NX
fmadd.d rne 0010000000000000 0010000000000000 3ff0000000000000 => 3ff0000000000000 NX
fmsub.d rne 0010000000000000 4000000000000000 0010000000000000 => 0010000000000000 -
fmadd.d rne 0000000000000001 3fe0000000000000 0000000000000000 => 0000000000000000 UF|NX
# unboxed operands, exponent gaps, subnormal operands
fmadd.s rne 000000003f800000 3f800000 3f800000 => 7fc00000 -
fmadd.s rne 3f800000 3f800000 ffffff003f800000 => 7fc00000 -
fmadd.d rne 7fe0000000000000 4000000000000000 ffe0000000000000 => 7fe0000000000000 -
fmadd.d rne 000fffffffffffff 4340000000000000 8010000000000000 => 035ffffffffffffd -
fmadd.d rne 0000000000000003 3fe0000000000000 0000000000000000 => 0000000000000002 UF|NX
fmadd.d rup 3ff0000000000000 0000000000000001 3ff0000000000000 => 3ff0000000000001 NX
fmadd.d rne 3ff0000000000000 0000000000000001 3ff0000000000000 => 3ff0000000000000 NX
fmadd.d rdn 3ff0000000000000 8000000000000001 3ff0000000000000 => 3fefffffffffffff NX
fmadd.s rup 3f800000 00000001 3f800000 => 3f800001 NX
fmadd.s rdn bf800000 00000001 3f800000 => 3f7fffff NX
fmadd.d rne bfcc000000000000 7c8e08c252344304 00b896b8bfcf9000 => fc6a47aa07edbaa3 NX
fmadd.d rne 4008000000000000 fcd38a398b8c237f 2b425b81555c06b0 => fced4f565152353e NX
fmadd.d rtz bfcc000000000000 7c8e08c252344304 00b896b8bfcf9000 => fc6a47aa07edbaa3 NX
fmadd.d rtz 4008000000000000 fcd38a398b8c237f 2b425b81555c06b0 => fced4f565152353e NX
fmadd.d rdn bfcc000000000000 7c8e08c252344304 00b896b8bfcf9000 => fc6a47aa07edbaa4 NX
fmadd.d rdn 4008000000000000 fcd38a398b8c237f 2b425b81555c06b0 => fced4f565152353f NX
fmadd.d rup bfcc000000000000 7c8e08c252344304 00b896b8bfcf9000 => fc6a47aa07edbaa3 NX
fmadd.d rup 4008000000000000 fcd38a398b8c237f 2b425b81555c06b0 => fced4f565152353e NX
fmadd.d rmm bfcc000000000000 7c8e08c252344304 00b896b8bfcf9000 => fc6a47aa07edbaa3 NX
fmadd.d rmm 4008000000000000 fcd38a398b8c237f 2b425b81555c06b0 => fced4f565152353e NX
fmsub.d rne fa40c71694e41ccd 4008000000000000 bf36c10455a2a57a => fa592aa1df562b33 NX
fmsub.d rne 40c49ebccce02cc7 4008000000000000 b4b9c83b22003a85 => 40deee1b3350432b NX
fmsub.d rne 4008000000000000 b330c83ca8308a6f 2671ea4ca0000000 => b3492c5afc48cfa7 NX
fmadd.d rne c1ccbde7588405b8 bf66000000000000 0020000000000000 => 4143c28f0cdac3ef NX
fmadd.d rne 4008000000000000 3e9f623aa31a5066 7fefffffffffffff => 7fefffffffffffff NX
fnmsub.d rne 4008000000000000 3e9f623aa31a5066 ffefffffffffffff => ffefffffffffffff NX
fmadd.d rtz 4008000000000000 3e9f623aa31a5066 7fefffffffffffff => 7fefffffffffffff NX
fnmsub.d rtz 4008000000000000 3e9f623aa31a5066 ffefffffffffffff => ffefffffffffffff NX
fmadd.d rdn 4008000000000000 3e9f623aa31a5066 7fefffffffffffff => 7fefffffffffffff NX
fnmsub.d rdn 4008000000000000 3e9f623aa31a5066 ffefffffffffffff => fff0000000000000 OF|NX
fmadd.d rup 4008000000000000 3e9f623aa31a5066 7fefffffffffffff => 7ff0000000000000 OF|NX
fnmsub.d rup 4008000000000000 3e9f623aa31a5066 ffefffffffffffff => ffefffffffffffff NX
fmadd.d rmm 4008000000000000 3e9f623aa31a5066 7fefffffffffffff => 7fefffffffffffff NX
fnmsub.d rmm 4008000000000000 3e9f623aa31a5066 ffefffffffffffff => ffefffffffffffff NX` },
  { name: 'fp-cvt', title: 'RV64F/D conversions: float to integer (rounding, saturation, NV/NX), integer to float, single <-> double.', cases: `
# float to integer: every rounding mode, unsigned negatives, saturation at the limits, infinities and NaNs
fcvt.w.s rne 3fc00000 => 0000000000000002 NX
fcvt.w.s rtz 3fc00000 => 0000000000000001 NX
fcvt.w.s rdn 3fc00000 => 0000000000000001 NX
fcvt.w.s rup 3fc00000 => 0000000000000002 NX
fcvt.w.s rmm 3fc00000 => 0000000000000002 NX
fcvt.w.s rne bfc00000 => fffffffffffffffe NX
fcvt.w.s rtz bfc00000 => ffffffffffffffff NX
fcvt.w.s rdn bfc00000 => fffffffffffffffe NX
fcvt.w.s rup bfc00000 => ffffffffffffffff NX
fcvt.w.s rmm bfc00000 => fffffffffffffffe NX
fcvt.w.s rne 40200000 => 0000000000000002 NX
fcvt.w.s rtz 40200000 => 0000000000000002 NX
fcvt.w.s rdn 40200000 => 0000000000000002 NX
fcvt.w.s rup 40200000 => 0000000000000003 NX
fcvt.w.s rmm 40200000 => 0000000000000003 NX
fcvt.w.s rne c0200000 => fffffffffffffffe NX
fcvt.w.s rtz c0200000 => fffffffffffffffe NX
fcvt.w.s rdn c0200000 => fffffffffffffffd NX
fcvt.w.s rup c0200000 => fffffffffffffffe NX
fcvt.w.s rmm c0200000 => fffffffffffffffd NX
fcvt.w.s rne 3e800000 => 0000000000000000 NX
fcvt.w.s rtz 3e800000 => 0000000000000000 NX
fcvt.w.s rdn 3e800000 => 0000000000000000 NX
fcvt.w.s rup 3e800000 => 0000000000000001 NX
fcvt.w.s rmm 3e800000 => 0000000000000000 NX
fcvt.w.s rne bf400000 => ffffffffffffffff NX
fcvt.w.s rtz bf400000 => 0000000000000000 NX
fcvt.w.s rdn bf400000 => ffffffffffffffff NX
fcvt.w.s rup bf400000 => 0000000000000000 NX
fcvt.w.s rmm bf400000 => ffffffffffffffff NX
fcvt.l.s rne 3f000000 => 0000000000000000 NX
fcvt.l.s rne bf000000 => 0000000000000000 NX
fcvt.l.s rne 3fe00000 => 0000000000000002 NX
fcvt.l.s rne 80000000 => 0000000000000000 -
fcvt.l.s rne 00000000 => 0000000000000000 -
fcvt.wu.s rne bf000000 => 0000000000000000 NX
fcvt.wu.s rtz bf000000 => 0000000000000000 NX
fcvt.wu.s rup bf000000 => 0000000000000000 NX
fcvt.wu.s rne bf400000 => 0000000000000000 NV
fcvt.wu.s rtz bf400000 => 0000000000000000 NX
fcvt.wu.s rup bf400000 => 0000000000000000 NX
fcvt.wu.s rne bf800000 => 0000000000000000 NV
fcvt.wu.s rtz bf800000 => 0000000000000000 NV
fcvt.wu.s rup bf800000 => 0000000000000000 NV
fcvt.wu.s rne 3f400000 => 0000000000000001 NX
fcvt.wu.s rtz 3f400000 => 0000000000000000 NX
fcvt.wu.s rup 3f400000 => 0000000000000001 NX
fcvt.wu.s rne 4f32d05e => ffffffffb2d05e00 -
fcvt.wu.s rtz 4f32d05e => ffffffffb2d05e00 -
fcvt.wu.s rup 4f32d05e => ffffffffb2d05e00 -
fcvt.lu.s rtz bf400000 => 0000000000000000 NX
fcvt.lu.s rdn bf400000 => 0000000000000000 NV
fcvt.lu.s rtz bf800000 => 0000000000000000 NV
fcvt.lu.s rdn bf800000 => 0000000000000000 NV
fcvt.lu.s rtz 5f0ac723 => 8ac7230000000000 -
fcvt.lu.s rdn 5f0ac723 => 8ac7230000000000 -
fcvt.lu.s rtz 40200000 => 0000000000000002 NX
fcvt.lu.s rdn 40200000 => 0000000000000002 NX
fcvt.w.s rtz 4f000000 => 000000007fffffff NV
fcvt.wu.s rtz 4f000000 => ffffffff80000000 -
fcvt.l.s rtz 4f000000 => 0000000080000000 -
fcvt.lu.s rtz 4f000000 => 0000000080000000 -
fcvt.w.s rtz cf000000 => ffffffff80000000 -
fcvt.wu.s rtz cf000000 => 0000000000000000 NV
fcvt.l.s rtz cf000000 => ffffffff80000000 -
fcvt.lu.s rtz cf000000 => 0000000000000000 NV
fcvt.w.s rtz 4effffff => 000000007fffff80 -
fcvt.wu.s rtz 4effffff => 000000007fffff80 -
fcvt.l.s rtz 4effffff => 000000007fffff80 -
fcvt.lu.s rtz 4effffff => 000000007fffff80 -
fcvt.w.s rtz cf000001 => ffffffff80000000 NV
fcvt.wu.s rtz cf000001 => 0000000000000000 NV
fcvt.l.s rtz cf000001 => ffffffff7fffff00 -
fcvt.lu.s rtz cf000001 => 0000000000000000 NV
fcvt.w.s rtz 4f800000 => 000000007fffffff NV
fcvt.wu.s rtz 4f800000 => ffffffffffffffff NV
fcvt.l.s rtz 4f800000 => 0000000100000000 -
fcvt.lu.s rtz 4f800000 => 0000000100000000 -
fcvt.w.s rtz 4f7fffff => 000000007fffffff NV
fcvt.wu.s rtz 4f7fffff => ffffffffffffff00 -
fcvt.l.s rtz 4f7fffff => 00000000ffffff00 -
fcvt.lu.s rtz 4f7fffff => 00000000ffffff00 -
fcvt.w.s rtz 5f000000 => 000000007fffffff NV
fcvt.wu.s rtz 5f000000 => ffffffffffffffff NV
fcvt.l.s rtz 5f000000 => 7fffffffffffffff NV
fcvt.lu.s rtz 5f000000 => 8000000000000000 -
fcvt.w.s rtz df000000 => ffffffff80000000 NV
fcvt.wu.s rtz df000000 => 0000000000000000 NV
fcvt.l.s rtz df000000 => 8000000000000000 -
fcvt.lu.s rtz df000000 => 0000000000000000 NV
fcvt.w.s rtz 5effffff => 000000007fffffff NV
fcvt.wu.s rtz 5effffff => ffffffffffffffff NV
fcvt.l.s rtz 5effffff => 7fffff8000000000 -
fcvt.lu.s rtz 5effffff => 7fffff8000000000 -
fcvt.w.s rtz df000001 => ffffffff80000000 NV
fcvt.wu.s rtz df000001 => 0000000000000000 NV
fcvt.l.s rtz df000001 => 8000000000000000 NV
fcvt.lu.s rtz df000001 => 0000000000000000 NV
fcvt.w.s rtz 5f800000 => 000000007fffffff NV
fcvt.wu.s rtz 5f800000 => ffffffffffffffff NV
fcvt.l.s rtz 5f800000 => 7fffffffffffffff NV
fcvt.lu.s rtz 5f800000 => ffffffffffffffff NV
fcvt.w.s rtz 5f7fffff => 000000007fffffff NV
fcvt.wu.s rtz 5f7fffff => ffffffffffffffff NV
fcvt.l.s rtz 5f7fffff => 7fffffffffffffff NV
fcvt.lu.s rtz 5f7fffff => ffffff0000000000 -
fcvt.w.s rtz 7149f2ca => 000000007fffffff NV
fcvt.wu.s rtz 7149f2ca => ffffffffffffffff NV
fcvt.l.s rtz 7149f2ca => 7fffffffffffffff NV
fcvt.lu.s rtz 7149f2ca => ffffffffffffffff NV
fcvt.w.s rtz f149f2ca => ffffffff80000000 NV
fcvt.wu.s rtz f149f2ca => 0000000000000000 NV
fcvt.l.s rtz f149f2ca => 8000000000000000 NV
fcvt.lu.s rtz f149f2ca => 0000000000000000 NV
fcvt.w.s rtz 7f800000 => 000000007fffffff NV
fcvt.wu.s rtz 7f800000 => ffffffffffffffff NV
fcvt.l.s rtz 7f800000 => 7fffffffffffffff NV
fcvt.lu.s rtz 7f800000 => ffffffffffffffff NV
fcvt.w.s rtz ff800000 => ffffffff80000000 NV
fcvt.wu.s rtz ff800000 => 0000000000000000 NV
fcvt.l.s rtz ff800000 => 8000000000000000 NV
fcvt.lu.s rtz ff800000 => 0000000000000000 NV
fcvt.w.s rtz 7fc00000 => 000000007fffffff NV
fcvt.wu.s rtz 7fc00000 => ffffffffffffffff NV
fcvt.l.s rtz 7fc00000 => 7fffffffffffffff NV
fcvt.lu.s rtz 7fc00000 => ffffffffffffffff NV
fcvt.w.s rtz ffc00000 => 000000007fffffff NV
fcvt.wu.s rtz ffc00000 => ffffffffffffffff NV
fcvt.l.s rtz ffc00000 => 7fffffffffffffff NV
fcvt.lu.s rtz ffc00000 => ffffffffffffffff NV
fcvt.w.s rtz 7f800001 => 000000007fffffff NV
fcvt.wu.s rtz 7f800001 => ffffffffffffffff NV
fcvt.l.s rtz 7f800001 => 7fffffffffffffff NV
fcvt.lu.s rtz 7f800001 => ffffffffffffffff NV
fcvt.w.s rtz ff800001 => 000000007fffffff NV
fcvt.wu.s rtz ff800001 => ffffffffffffffff NV
fcvt.l.s rtz ff800001 => 7fffffffffffffff NV
fcvt.lu.s rtz ff800001 => ffffffffffffffff NV
fcvt.w.s rtz 00000001 => 0000000000000000 NX
fcvt.w.s rdn 00000001 => 0000000000000000 NX
fcvt.w.s rup 00000001 => 0000000000000001 NX
fcvt.w.s rtz 80000001 => 0000000000000000 NX
fcvt.w.s rdn 80000001 => ffffffffffffffff NX
fcvt.w.s rup 80000001 => 0000000000000000 NX
fcvt.wu.s rdn 80000001 => 0000000000000000 NV
fcvt.lu.s rtz 80000001 => 0000000000000000 NX
fcvt.l.s dyn:rne c0200000 => fffffffffffffffe NX
fcvt.l.s dyn:rtz c0200000 => fffffffffffffffe NX
fcvt.l.s dyn:rdn c0200000 => fffffffffffffffd NX
fcvt.l.s dyn:rup c0200000 => fffffffffffffffe NX
fcvt.l.s dyn:rmm c0200000 => fffffffffffffffd NX
fcvt.w.d rne 3ff8000000000000 => 0000000000000002 NX
fcvt.w.d rtz 3ff8000000000000 => 0000000000000001 NX
fcvt.w.d rdn 3ff8000000000000 => 0000000000000001 NX
fcvt.w.d rup 3ff8000000000000 => 0000000000000002 NX
fcvt.w.d rmm 3ff8000000000000 => 0000000000000002 NX
fcvt.w.d rne bff8000000000000 => fffffffffffffffe NX
fcvt.w.d rtz bff8000000000000 => ffffffffffffffff NX
fcvt.w.d rdn bff8000000000000 => fffffffffffffffe NX
fcvt.w.d rup bff8000000000000 => ffffffffffffffff NX
fcvt.w.d rmm bff8000000000000 => fffffffffffffffe NX
fcvt.w.d rne 4004000000000000 => 0000000000000002 NX
fcvt.w.d rtz 4004000000000000 => 0000000000000002 NX
fcvt.w.d rdn 4004000000000000 => 0000000000000002 NX
fcvt.w.d rup 4004000000000000 => 0000000000000003 NX
fcvt.w.d rmm 4004000000000000 => 0000000000000003 NX
fcvt.w.d rne c004000000000000 => fffffffffffffffe NX
fcvt.w.d rtz c004000000000000 => fffffffffffffffe NX
fcvt.w.d rdn c004000000000000 => fffffffffffffffd NX
fcvt.w.d rup c004000000000000 => fffffffffffffffe NX
fcvt.w.d rmm c004000000000000 => fffffffffffffffd NX
fcvt.w.d rne 3fd0000000000000 => 0000000000000000 NX
fcvt.w.d rtz 3fd0000000000000 => 0000000000000000 NX
fcvt.w.d rdn 3fd0000000000000 => 0000000000000000 NX
fcvt.w.d rup 3fd0000000000000 => 0000000000000001 NX
fcvt.w.d rmm 3fd0000000000000 => 0000000000000000 NX
fcvt.w.d rne bfe8000000000000 => ffffffffffffffff NX
fcvt.w.d rtz bfe8000000000000 => 0000000000000000 NX
fcvt.w.d rdn bfe8000000000000 => ffffffffffffffff NX
fcvt.w.d rup bfe8000000000000 => 0000000000000000 NX
fcvt.w.d rmm bfe8000000000000 => ffffffffffffffff NX
fcvt.l.d rne 3fe0000000000000 => 0000000000000000 NX
fcvt.l.d rne bfe0000000000000 => 0000000000000000 NX
fcvt.l.d rne 3ffc000000000000 => 0000000000000002 NX
fcvt.l.d rne 8000000000000000 => 0000000000000000 -
fcvt.l.d rne 0000000000000000 => 0000000000000000 -
fcvt.wu.d rne bfe0000000000000 => 0000000000000000 NX
fcvt.wu.d rtz bfe0000000000000 => 0000000000000000 NX
fcvt.wu.d rup bfe0000000000000 => 0000000000000000 NX
fcvt.wu.d rne bfe8000000000000 => 0000000000000000 NV
fcvt.wu.d rtz bfe8000000000000 => 0000000000000000 NX
fcvt.wu.d rup bfe8000000000000 => 0000000000000000 NX
fcvt.wu.d rne bff0000000000000 => 0000000000000000 NV
fcvt.wu.d rtz bff0000000000000 => 0000000000000000 NV
fcvt.wu.d rup bff0000000000000 => 0000000000000000 NV
fcvt.wu.d rne 3fe8000000000000 => 0000000000000001 NX
fcvt.wu.d rtz 3fe8000000000000 => 0000000000000000 NX
fcvt.wu.d rup 3fe8000000000000 => 0000000000000001 NX
fcvt.wu.d rne 41e65a0bc0000000 => ffffffffb2d05e00 -
fcvt.wu.d rtz 41e65a0bc0000000 => ffffffffb2d05e00 -
fcvt.wu.d rup 41e65a0bc0000000 => ffffffffb2d05e00 -
fcvt.lu.d rtz bfe8000000000000 => 0000000000000000 NX
fcvt.lu.d rdn bfe8000000000000 => 0000000000000000 NV
fcvt.lu.d rtz bff0000000000000 => 0000000000000000 NV
fcvt.lu.d rdn bff0000000000000 => 0000000000000000 NV
fcvt.lu.d rtz 43e158e460913d00 => 8ac7230489e80000 -
fcvt.lu.d rdn 43e158e460913d00 => 8ac7230489e80000 -
fcvt.lu.d rtz 4004000000000000 => 0000000000000002 NX
fcvt.lu.d rdn 4004000000000000 => 0000000000000002 NX
fcvt.w.d rtz 41dfffffffc00000 => 000000007fffffff -
fcvt.wu.d rtz 41dfffffffc00000 => 000000007fffffff -
fcvt.l.d rtz 41dfffffffc00000 => 000000007fffffff -
fcvt.lu.d rtz 41dfffffffc00000 => 000000007fffffff -
fcvt.w.d rtz 41dfffffffe00000 => 000000007fffffff NX
fcvt.wu.d rtz 41dfffffffe00000 => 000000007fffffff NX
fcvt.l.d rtz 41dfffffffe00000 => 000000007fffffff NX
fcvt.lu.d rtz 41dfffffffe00000 => 000000007fffffff NX
fcvt.w.d rtz 41e0000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 41e0000000000000 => ffffffff80000000 -
fcvt.l.d rtz 41e0000000000000 => 0000000080000000 -
fcvt.lu.d rtz 41e0000000000000 => 0000000080000000 -
fcvt.w.d rtz c1e0000000000000 => ffffffff80000000 -
fcvt.wu.d rtz c1e0000000000000 => 0000000000000000 NV
fcvt.l.d rtz c1e0000000000000 => ffffffff80000000 -
fcvt.lu.d rtz c1e0000000000000 => 0000000000000000 NV
fcvt.w.d rtz c1e0000000100000 => ffffffff80000000 NX
fcvt.wu.d rtz c1e0000000100000 => 0000000000000000 NV
fcvt.l.d rtz c1e0000000100000 => ffffffff80000000 NX
fcvt.lu.d rtz c1e0000000100000 => 0000000000000000 NV
fcvt.w.d rtz c1e0000000200000 => ffffffff80000000 NV
fcvt.wu.d rtz c1e0000000200000 => 0000000000000000 NV
fcvt.l.d rtz c1e0000000200000 => ffffffff7fffffff -
fcvt.lu.d rtz c1e0000000200000 => 0000000000000000 NV
fcvt.w.d rtz 41efffffffe00000 => 000000007fffffff NV
fcvt.wu.d rtz 41efffffffe00000 => ffffffffffffffff -
fcvt.l.d rtz 41efffffffe00000 => 00000000ffffffff -
fcvt.lu.d rtz 41efffffffe00000 => 00000000ffffffff -
fcvt.w.d rtz 41effffffff00000 => 000000007fffffff NV
fcvt.wu.d rtz 41effffffff00000 => ffffffffffffffff NX
fcvt.l.d rtz 41effffffff00000 => 00000000ffffffff NX
fcvt.lu.d rtz 41effffffff00000 => 00000000ffffffff NX
fcvt.w.d rtz 41f0000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 41f0000000000000 => ffffffffffffffff NV
fcvt.l.d rtz 41f0000000000000 => 0000000100000000 -
fcvt.lu.d rtz 41f0000000000000 => 0000000100000000 -
fcvt.w.d rtz 43e0000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 43e0000000000000 => ffffffffffffffff NV
fcvt.l.d rtz 43e0000000000000 => 7fffffffffffffff NV
fcvt.lu.d rtz 43e0000000000000 => 8000000000000000 -
fcvt.w.d rtz c3e0000000000000 => ffffffff80000000 NV
fcvt.wu.d rtz c3e0000000000000 => 0000000000000000 NV
fcvt.l.d rtz c3e0000000000000 => 8000000000000000 -
fcvt.lu.d rtz c3e0000000000000 => 0000000000000000 NV
fcvt.w.d rtz 43dfffffffffffff => 000000007fffffff NV
fcvt.wu.d rtz 43dfffffffffffff => ffffffffffffffff NV
fcvt.l.d rtz 43dfffffffffffff => 7ffffffffffffc00 -
fcvt.lu.d rtz 43dfffffffffffff => 7ffffffffffffc00 -
fcvt.w.d rtz c3e0000000000001 => ffffffff80000000 NV
fcvt.wu.d rtz c3e0000000000001 => 0000000000000000 NV
fcvt.l.d rtz c3e0000000000001 => 8000000000000000 NV
fcvt.lu.d rtz c3e0000000000001 => 0000000000000000 NV
fcvt.w.d rtz 43f0000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 43f0000000000000 => ffffffffffffffff NV
fcvt.l.d rtz 43f0000000000000 => 7fffffffffffffff NV
fcvt.lu.d rtz 43f0000000000000 => ffffffffffffffff NV
fcvt.w.d rtz 43efffffffffffff => 000000007fffffff NV
fcvt.wu.d rtz 43efffffffffffff => ffffffffffffffff NV
fcvt.l.d rtz 43efffffffffffff => 7fffffffffffffff NV
fcvt.lu.d rtz 43efffffffffffff => fffffffffffff800 -
fcvt.w.d rtz 7e37e43c8800759c => 000000007fffffff NV
fcvt.wu.d rtz 7e37e43c8800759c => ffffffffffffffff NV
fcvt.l.d rtz 7e37e43c8800759c => 7fffffffffffffff NV
fcvt.lu.d rtz 7e37e43c8800759c => ffffffffffffffff NV
fcvt.w.d rne 41dfffffffe00000 => 000000007fffffff NV
fcvt.w.d rdn 41dfffffffe00000 => 000000007fffffff NX
fcvt.w.d rup c1e0000000100000 => ffffffff80000000 NX
fcvt.w.d rmm c1e0000000100000 => ffffffff80000000 NV
fcvt.wu.d rne 41effffffff00000 => ffffffffffffffff NV
fcvt.wu.d rtz 41effffffff00000 => ffffffffffffffff NX
fcvt.w.d rtz 7ff0000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 7ff0000000000000 => ffffffffffffffff NV
fcvt.l.d rtz 7ff0000000000000 => 7fffffffffffffff NV
fcvt.lu.d rtz 7ff0000000000000 => ffffffffffffffff NV
fcvt.w.d rtz fff0000000000000 => ffffffff80000000 NV
fcvt.wu.d rtz fff0000000000000 => 0000000000000000 NV
fcvt.l.d rtz fff0000000000000 => 8000000000000000 NV
fcvt.lu.d rtz fff0000000000000 => 0000000000000000 NV
fcvt.w.d rtz 7ff8000000000000 => 000000007fffffff NV
fcvt.wu.d rtz 7ff8000000000000 => ffffffffffffffff NV
fcvt.l.d rtz 7ff8000000000000 => 7fffffffffffffff NV
fcvt.lu.d rtz 7ff8000000000000 => ffffffffffffffff NV
fcvt.w.d rtz fff8000000000000 => 000000007fffffff NV
fcvt.wu.d rtz fff8000000000000 => ffffffffffffffff NV
fcvt.l.d rtz fff8000000000000 => 7fffffffffffffff NV
fcvt.lu.d rtz fff8000000000000 => ffffffffffffffff NV
fcvt.w.d rtz 7ff0000000000001 => 000000007fffffff NV
fcvt.wu.d rtz 7ff0000000000001 => ffffffffffffffff NV
fcvt.l.d rtz 7ff0000000000001 => 7fffffffffffffff NV
fcvt.lu.d rtz 7ff0000000000001 => ffffffffffffffff NV
fcvt.w.d rtz fff0000000000001 => 000000007fffffff NV
fcvt.wu.d rtz fff0000000000001 => ffffffffffffffff NV
fcvt.l.d rtz fff0000000000001 => 7fffffffffffffff NV
fcvt.lu.d rtz fff0000000000001 => ffffffffffffffff NV
fcvt.w.d rtz 0000000000000001 => 0000000000000000 NX
fcvt.w.d rdn 0000000000000001 => 0000000000000000 NX
fcvt.w.d rup 0000000000000001 => 0000000000000001 NX
fcvt.w.d rtz 8000000000000001 => 0000000000000000 NX
fcvt.w.d rdn 8000000000000001 => ffffffffffffffff NX
fcvt.w.d rup 8000000000000001 => 0000000000000000 NX
fcvt.wu.d rdn 8000000000000001 => 0000000000000000 NV
fcvt.lu.d rtz 8000000000000001 => 0000000000000000 NX
fcvt.l.d dyn:rne c004000000000000 => fffffffffffffffe NX
fcvt.l.d dyn:rtz c004000000000000 => fffffffffffffffe NX
fcvt.l.d dyn:rdn c004000000000000 => fffffffffffffffd NX
fcvt.l.d dyn:rup c004000000000000 => fffffffffffffffe NX
fcvt.l.d dyn:rmm c004000000000000 => fffffffffffffffd NX
fcvt.w.s rtz 000000003f800000 => 000000007fffffff NV
fcvt.l.s rtz 0000000040000000 => 7fffffffffffffff NV
fcvt.wu.s rtz 00000000bf800000 => ffffffffffffffff NV
# integer to float: exact and rounded, every rounding mode
fcvt.s.w rne 0000000000000000 => 00000000 -
fcvt.s.w rne 0000000000000001 => 3f800000 -
fcvt.s.w rne ffffffffffffffff => bf800000 -
fcvt.s.w rne 000000007fffffff => 4f000000 NX
fcvt.s.w rne 0000000080000000 => cf000000 -
fcvt.s.w rne ffffffff80000000 => cf000000 -
fcvt.s.w rne 00000000ffffffff => bf800000 -
fcvt.s.w rne 0000000001000001 => 4b800000 NX
fcvt.s.w rne ffffffffff000001 => cb7fffff -
fcvt.s.w rne 0000000001000003 => 4b800002 NX
fcvt.s.w rne 0000000000ffffff => 4b7fffff -
fcvt.s.w rne 0000000002000001 => 4c000000 NX
fcvt.s.w rne 7fffffffffffffff => bf800000 -
fcvt.s.w rne 8000000000000000 => 00000000 -
fcvt.s.w rne 0020000000000001 => 3f800000 -
fcvt.s.w rne ffdfffffffffffff => bf800000 -
fcvt.s.w rne 0020000000000003 => 40400000 -
fcvt.s.w rne 001fffffffffffff => bf800000 -
fcvt.s.w rne fffffffffffffffe => c0000000 -
fcvt.s.w rne 8000000000000001 => 3f800000 -
fcvt.s.w rne 0000000100000001 => 3f800000 -
fcvt.s.w rne 123456789abcdef0 => ceca8642 NX
fcvt.s.wu rne 0000000000000000 => 00000000 -
fcvt.s.wu rne 0000000000000001 => 3f800000 -
fcvt.s.wu rne ffffffffffffffff => 4f800000 NX
fcvt.s.wu rne 000000007fffffff => 4f000000 NX
fcvt.s.wu rne 0000000080000000 => 4f000000 -
fcvt.s.wu rne ffffffff80000000 => 4f000000 -
fcvt.s.wu rne 00000000ffffffff => 4f800000 NX
fcvt.s.wu rne 0000000001000001 => 4b800000 NX
fcvt.s.wu rne ffffffffff000001 => 4f7f0000 NX
fcvt.s.wu rne 0000000001000003 => 4b800002 NX
fcvt.s.wu rne 0000000000ffffff => 4b7fffff -
fcvt.s.wu rne 0000000002000001 => 4c000000 NX
fcvt.s.wu rne 7fffffffffffffff => 4f800000 NX
fcvt.s.wu rne 8000000000000000 => 00000000 -
fcvt.s.wu rne 0020000000000001 => 3f800000 -
fcvt.s.wu rne ffdfffffffffffff => 4f800000 NX
fcvt.s.wu rne 0020000000000003 => 40400000 -
fcvt.s.wu rne 001fffffffffffff => 4f800000 NX
fcvt.s.wu rne fffffffffffffffe => 4f800000 NX
fcvt.s.wu rne 8000000000000001 => 3f800000 -
fcvt.s.wu rne 0000000100000001 => 3f800000 -
fcvt.s.wu rne 123456789abcdef0 => 4f1abcdf NX
fcvt.s.l rne 0000000000000000 => 00000000 -
fcvt.s.l rne 0000000000000001 => 3f800000 -
fcvt.s.l rne ffffffffffffffff => bf800000 -
fcvt.s.l rne 000000007fffffff => 4f000000 NX
fcvt.s.l rne 0000000080000000 => 4f000000 -
fcvt.s.l rne ffffffff80000000 => cf000000 -
fcvt.s.l rne 00000000ffffffff => 4f800000 NX
fcvt.s.l rne 0000000001000001 => 4b800000 NX
fcvt.s.l rne ffffffffff000001 => cb7fffff -
fcvt.s.l rne 0000000001000003 => 4b800002 NX
fcvt.s.l rne 0000000000ffffff => 4b7fffff -
fcvt.s.l rne 0000000002000001 => 4c000000 NX
fcvt.s.l rne 7fffffffffffffff => 5f000000 NX
fcvt.s.l rne 8000000000000000 => df000000 -
fcvt.s.l rne 0020000000000001 => 5a000000 NX
fcvt.s.l rne ffdfffffffffffff => da000000 NX
fcvt.s.l rne 0020000000000003 => 5a000000 NX
fcvt.s.l rne 001fffffffffffff => 5a000000 NX
fcvt.s.l rne fffffffffffffffe => c0000000 -
fcvt.s.l rne 8000000000000001 => df000000 NX
fcvt.s.l rne 0000000100000001 => 4f800000 NX
fcvt.s.l rne 123456789abcdef0 => 5d91a2b4 NX
fcvt.s.lu rne 0000000000000000 => 00000000 -
fcvt.s.lu rne 0000000000000001 => 3f800000 -
fcvt.s.lu rne ffffffffffffffff => 5f800000 NX
fcvt.s.lu rne 000000007fffffff => 4f000000 NX
fcvt.s.lu rne 0000000080000000 => 4f000000 -
fcvt.s.lu rne ffffffff80000000 => 5f800000 NX
fcvt.s.lu rne 00000000ffffffff => 4f800000 NX
fcvt.s.lu rne 0000000001000001 => 4b800000 NX
fcvt.s.lu rne ffffffffff000001 => 5f800000 NX
fcvt.s.lu rne 0000000001000003 => 4b800002 NX
fcvt.s.lu rne 0000000000ffffff => 4b7fffff -
fcvt.s.lu rne 0000000002000001 => 4c000000 NX
fcvt.s.lu rne 7fffffffffffffff => 5f000000 NX
fcvt.s.lu rne 8000000000000000 => 5f000000 -
fcvt.s.lu rne 0020000000000001 => 5a000000 NX
fcvt.s.lu rne ffdfffffffffffff => 5f7fe000 NX
fcvt.s.lu rne 0020000000000003 => 5a000000 NX
fcvt.s.lu rne 001fffffffffffff => 5a000000 NX
fcvt.s.lu rne fffffffffffffffe => 5f800000 NX
fcvt.s.lu rne 8000000000000001 => 5f000000 NX
fcvt.s.lu rne 0000000100000001 => 4f800000 NX
fcvt.s.lu rne 123456789abcdef0 => 5d91a2b4 NX
fcvt.d.w rne 0000000000000000 => 0000000000000000 -
fcvt.d.w rne 0000000000000001 => 3ff0000000000000 -
fcvt.d.w rne ffffffffffffffff => bff0000000000000 -
fcvt.d.w rne 000000007fffffff => 41dfffffffc00000 -
fcvt.d.w rne 0000000080000000 => c1e0000000000000 -
fcvt.d.w rne ffffffff80000000 => c1e0000000000000 -
fcvt.d.w rne 00000000ffffffff => bff0000000000000 -
fcvt.d.w rne 0000000001000001 => 4170000010000000 -
fcvt.d.w rne ffffffffff000001 => c16fffffe0000000 -
fcvt.d.w rne 0000000001000003 => 4170000030000000 -
fcvt.d.w rne 0000000000ffffff => 416fffffe0000000 -
fcvt.d.w rne 0000000002000001 => 4180000008000000 -
fcvt.d.w rne 7fffffffffffffff => bff0000000000000 -
fcvt.d.w rne 8000000000000000 => 0000000000000000 -
fcvt.d.w rne 0020000000000001 => 3ff0000000000000 -
fcvt.d.w rne ffdfffffffffffff => bff0000000000000 -
fcvt.d.w rne 0020000000000003 => 4008000000000000 -
fcvt.d.w rne 001fffffffffffff => bff0000000000000 -
fcvt.d.w rne fffffffffffffffe => c000000000000000 -
fcvt.d.w rne 8000000000000001 => 3ff0000000000000 -
fcvt.d.w rne 0000000100000001 => 3ff0000000000000 -
fcvt.d.w rne 123456789abcdef0 => c1d950c844000000 -
fcvt.d.wu rne 0000000000000000 => 0000000000000000 -
fcvt.d.wu rne 0000000000000001 => 3ff0000000000000 -
fcvt.d.wu rne ffffffffffffffff => 41efffffffe00000 -
fcvt.d.wu rne 000000007fffffff => 41dfffffffc00000 -
fcvt.d.wu rne 0000000080000000 => 41e0000000000000 -
fcvt.d.wu rne ffffffff80000000 => 41e0000000000000 -
fcvt.d.wu rne 00000000ffffffff => 41efffffffe00000 -
fcvt.d.wu rne 0000000001000001 => 4170000010000000 -
fcvt.d.wu rne ffffffffff000001 => 41efe00000200000 -
fcvt.d.wu rne 0000000001000003 => 4170000030000000 -
fcvt.d.wu rne 0000000000ffffff => 416fffffe0000000 -
fcvt.d.wu rne 0000000002000001 => 4180000008000000 -
fcvt.d.wu rne 7fffffffffffffff => 41efffffffe00000 -
fcvt.d.wu rne 8000000000000000 => 0000000000000000 -
fcvt.d.wu rne 0020000000000001 => 3ff0000000000000 -
fcvt.d.wu rne ffdfffffffffffff => 41efffffffe00000 -
fcvt.d.wu rne 0020000000000003 => 4008000000000000 -
fcvt.d.wu rne 001fffffffffffff => 41efffffffe00000 -
fcvt.d.wu rne fffffffffffffffe => 41efffffffc00000 -
fcvt.d.wu rne 8000000000000001 => 3ff0000000000000 -
fcvt.d.wu rne 0000000100000001 => 3ff0000000000000 -
fcvt.d.wu rne 123456789abcdef0 => 41e3579bde000000 -
fcvt.d.l rne 0000000000000000 => 0000000000000000 -
fcvt.d.l rne 0000000000000001 => 3ff0000000000000 -
fcvt.d.l rne ffffffffffffffff => bff0000000000000 -
fcvt.d.l rne 000000007fffffff => 41dfffffffc00000 -
fcvt.d.l rne 0000000080000000 => 41e0000000000000 -
fcvt.d.l rne ffffffff80000000 => c1e0000000000000 -
fcvt.d.l rne 00000000ffffffff => 41efffffffe00000 -
fcvt.d.l rne 0000000001000001 => 4170000010000000 -
fcvt.d.l rne ffffffffff000001 => c16fffffe0000000 -
fcvt.d.l rne 0000000001000003 => 4170000030000000 -
fcvt.d.l rne 0000000000ffffff => 416fffffe0000000 -
fcvt.d.l rne 0000000002000001 => 4180000008000000 -
fcvt.d.l rne 7fffffffffffffff => 43e0000000000000 NX
fcvt.d.l rne 8000000000000000 => c3e0000000000000 -
fcvt.d.l rne 0020000000000001 => 4340000000000000 NX
fcvt.d.l rne ffdfffffffffffff => c340000000000000 NX
fcvt.d.l rne 0020000000000003 => 4340000000000002 NX
fcvt.d.l rne 001fffffffffffff => 433fffffffffffff -
fcvt.d.l rne fffffffffffffffe => c000000000000000 -
fcvt.d.l rne 8000000000000001 => c3e0000000000000 NX
fcvt.d.l rne 0000000100000001 => 41f0000000100000 -
fcvt.d.l rne 123456789abcdef0 => 43b23456789abcdf NX
fcvt.d.lu rne 0000000000000000 => 0000000000000000 -
fcvt.d.lu rne 0000000000000001 => 3ff0000000000000 -
fcvt.d.lu rne ffffffffffffffff => 43f0000000000000 NX
fcvt.d.lu rne 000000007fffffff => 41dfffffffc00000 -
fcvt.d.lu rne 0000000080000000 => 41e0000000000000 -
fcvt.d.lu rne ffffffff80000000 => 43effffffff00000 -
fcvt.d.lu rne 00000000ffffffff => 41efffffffe00000 -
fcvt.d.lu rne 0000000001000001 => 4170000010000000 -
fcvt.d.lu rne ffffffffff000001 => 43efffffffffe000 NX
fcvt.d.lu rne 0000000001000003 => 4170000030000000 -
fcvt.d.lu rne 0000000000ffffff => 416fffffe0000000 -
fcvt.d.lu rne 0000000002000001 => 4180000008000000 -
fcvt.d.lu rne 7fffffffffffffff => 43e0000000000000 NX
fcvt.d.lu rne 8000000000000000 => 43e0000000000000 -
fcvt.d.lu rne 0020000000000001 => 4340000000000000 NX
fcvt.d.lu rne ffdfffffffffffff => 43effc0000000000 NX
fcvt.d.lu rne 0020000000000003 => 4340000000000002 NX
fcvt.d.lu rne 001fffffffffffff => 433fffffffffffff -
fcvt.d.lu rne fffffffffffffffe => 43f0000000000000 NX
fcvt.d.lu rne 8000000000000001 => 43e0000000000000 NX
fcvt.d.lu rne 0000000100000001 => 41f0000000100000 -
fcvt.d.lu rne 123456789abcdef0 => 43b23456789abcdf NX
fcvt.s.w rne 0000000001000001 => 4b800000 NX
fcvt.s.l rne 0000000001000001 => 4b800000 NX
fcvt.s.w rne ffffffffff000001 => cb7fffff -
fcvt.s.l rne ffffffffff000001 => cb7fffff -
fcvt.s.w rne 0000000001000003 => 4b800002 NX
fcvt.s.l rne 0000000001000003 => 4b800002 NX
fcvt.s.w rne 7fffffffffffffff => bf800000 -
fcvt.s.l rne 7fffffffffffffff => 5f000000 NX
fcvt.s.w rne 8000000000000001 => 3f800000 -
fcvt.s.l rne 8000000000000001 => df000000 NX
fcvt.s.w rtz 0000000001000001 => 4b800000 NX
fcvt.s.l rtz 0000000001000001 => 4b800000 NX
fcvt.s.w rtz ffffffffff000001 => cb7fffff -
fcvt.s.l rtz ffffffffff000001 => cb7fffff -
fcvt.s.w rtz 0000000001000003 => 4b800001 NX
fcvt.s.l rtz 0000000001000003 => 4b800001 NX
fcvt.s.w rtz 7fffffffffffffff => bf800000 -
fcvt.s.l rtz 7fffffffffffffff => 5effffff NX
fcvt.s.w rtz 8000000000000001 => 3f800000 -
fcvt.s.l rtz 8000000000000001 => deffffff NX
fcvt.s.w rdn 0000000001000001 => 4b800000 NX
fcvt.s.l rdn 0000000001000001 => 4b800000 NX
fcvt.s.w rdn ffffffffff000001 => cb7fffff -
fcvt.s.l rdn ffffffffff000001 => cb7fffff -
fcvt.s.w rdn 0000000001000003 => 4b800001 NX
fcvt.s.l rdn 0000000001000003 => 4b800001 NX
fcvt.s.w rdn 7fffffffffffffff => bf800000 -
fcvt.s.l rdn 7fffffffffffffff => 5effffff NX
fcvt.s.w rdn 8000000000000001 => 3f800000 -
fcvt.s.l rdn 8000000000000001 => df000000 NX
fcvt.s.w rup 0000000001000001 => 4b800001 NX
fcvt.s.l rup 0000000001000001 => 4b800001 NX
fcvt.s.w rup ffffffffff000001 => cb7fffff -
fcvt.s.l rup ffffffffff000001 => cb7fffff -
fcvt.s.w rup 0000000001000003 => 4b800002 NX
fcvt.s.l rup 0000000001000003 => 4b800002 NX
fcvt.s.w rup 7fffffffffffffff => bf800000 -
fcvt.s.l rup 7fffffffffffffff => 5f000000 NX
fcvt.s.w rup 8000000000000001 => 3f800000 -
fcvt.s.l rup 8000000000000001 => deffffff NX
fcvt.s.w rmm 0000000001000001 => 4b800001 NX
fcvt.s.l rmm 0000000001000001 => 4b800001 NX
fcvt.s.w rmm ffffffffff000001 => cb7fffff -
fcvt.s.l rmm ffffffffff000001 => cb7fffff -
fcvt.s.w rmm 0000000001000003 => 4b800002 NX
fcvt.s.l rmm 0000000001000003 => 4b800002 NX
fcvt.s.w rmm 7fffffffffffffff => bf800000 -
fcvt.s.l rmm 7fffffffffffffff => 5f000000 NX
fcvt.s.w rmm 8000000000000001 => 3f800000 -
fcvt.s.l rmm 8000000000000001 => df000000 NX
fcvt.d.l rne 0020000000000001 => 4340000000000000 NX
fcvt.d.lu rne 0020000000000001 => 4340000000000000 NX
fcvt.d.l rne ffdfffffffffffff => c340000000000000 NX
fcvt.d.lu rne ffdfffffffffffff => 43effc0000000000 NX
fcvt.d.l rne 0020000000000003 => 4340000000000002 NX
fcvt.d.lu rne 0020000000000003 => 4340000000000002 NX
fcvt.d.l rne ffffffffffffffff => bff0000000000000 -
fcvt.d.lu rne ffffffffffffffff => 43f0000000000000 NX
fcvt.d.l rne 8000000000000401 => c3dfffffffffffff NX
fcvt.d.lu rne 8000000000000401 => 43e0000000000001 NX
fcvt.d.l rtz 0020000000000001 => 4340000000000000 NX
fcvt.d.lu rtz 0020000000000001 => 4340000000000000 NX
fcvt.d.l rtz ffdfffffffffffff => c340000000000000 NX
fcvt.d.lu rtz ffdfffffffffffff => 43effbffffffffff NX
fcvt.d.l rtz 0020000000000003 => 4340000000000001 NX
fcvt.d.lu rtz 0020000000000003 => 4340000000000001 NX
fcvt.d.l rtz ffffffffffffffff => bff0000000000000 -
fcvt.d.lu rtz ffffffffffffffff => 43efffffffffffff NX
fcvt.d.l rtz 8000000000000401 => c3dffffffffffffe NX
fcvt.d.lu rtz 8000000000000401 => 43e0000000000000 NX
fcvt.d.l rdn 0020000000000001 => 4340000000000000 NX
fcvt.d.lu rdn 0020000000000001 => 4340000000000000 NX
fcvt.d.l rdn ffdfffffffffffff => c340000000000001 NX
fcvt.d.lu rdn ffdfffffffffffff => 43effbffffffffff NX
fcvt.d.l rdn 0020000000000003 => 4340000000000001 NX
fcvt.d.lu rdn 0020000000000003 => 4340000000000001 NX
fcvt.d.l rdn ffffffffffffffff => bff0000000000000 -
fcvt.d.lu rdn ffffffffffffffff => 43efffffffffffff NX
fcvt.d.l rdn 8000000000000401 => c3dfffffffffffff NX
fcvt.d.lu rdn 8000000000000401 => 43e0000000000000 NX
fcvt.d.l rup 0020000000000001 => 4340000000000001 NX
fcvt.d.lu rup 0020000000000001 => 4340000000000001 NX
fcvt.d.l rup ffdfffffffffffff => c340000000000000 NX
fcvt.d.lu rup ffdfffffffffffff => 43effc0000000000 NX
fcvt.d.l rup 0020000000000003 => 4340000000000002 NX
fcvt.d.lu rup 0020000000000003 => 4340000000000002 NX
fcvt.d.l rup ffffffffffffffff => bff0000000000000 -
fcvt.d.lu rup ffffffffffffffff => 43f0000000000000 NX
fcvt.d.l rup 8000000000000401 => c3dffffffffffffe NX
fcvt.d.lu rup 8000000000000401 => 43e0000000000001 NX
fcvt.d.l rmm 0020000000000001 => 4340000000000001 NX
fcvt.d.lu rmm 0020000000000001 => 4340000000000001 NX
fcvt.d.l rmm ffdfffffffffffff => c340000000000001 NX
fcvt.d.lu rmm ffdfffffffffffff => 43effc0000000000 NX
fcvt.d.l rmm 0020000000000003 => 4340000000000002 NX
fcvt.d.lu rmm 0020000000000003 => 4340000000000002 NX
fcvt.d.l rmm ffffffffffffffff => bff0000000000000 -
fcvt.d.lu rmm ffffffffffffffff => 43f0000000000000 NX
fcvt.d.l rmm 8000000000000401 => c3dfffffffffffff NX
fcvt.d.lu rmm 8000000000000401 => 43e0000000000001 NX
fcvt.s.lu rne ffffffffffffffff => 5f800000 NX
fcvt.s.lu rtz ffffffffffffffff => 5f7fffff NX
fcvt.s.lu rdn ffffffffffffffff => 5f7fffff NX
fcvt.s.lu rup ffffffffffffffff => 5f800000 NX
fcvt.s.lu rmm ffffffffffffffff => 5f800000 NX
fcvt.s.wu rne 00000000ffffffff => 4f800000 NX
fcvt.s.wu rtz 00000000ffffffff => 4f7fffff NX
fcvt.s.wu rdn 00000000ffffffff => 4f7fffff NX
fcvt.s.wu rup 00000000ffffffff => 4f800000 NX
fcvt.s.wu rmm 00000000ffffffff => 4f800000 NX
fcvt.d.w rne 00000000ffffffff => bff0000000000000 -
fcvt.d.wu rne ffffffff00000005 => 4014000000000000 -
fcvt.d.w rup ffffffff80000000 => c1e0000000000000 -
fcvt.d.wu rtz 00000000ffffffff => 41efffffffe00000 -
# fcvt.s.d: rounding, overflow, underflow, NaNs; fcvt.d.s: exact, sNaN, unboxed
fcvt.s.d rne 3ff0000000000000 => 3f800000 -
fcvt.s.d rne 3ff0000010000000 => 3f800000 NX
fcvt.s.d rne 3ff0000030000000 => 3f800002 NX
fcvt.s.d rne bff0000010000000 => bf800000 NX
fcvt.s.d rne 3ff0000010000001 => 3f800001 NX
fcvt.s.d rne 3fb999999999999a => 3dcccccd NX
fcvt.s.d rne 47efffffe0000000 => 7f7fffff -
fcvt.s.d rne 47efffffefffffff => 7f7fffff NX
fcvt.s.d rne 47effffff0000000 => 7f800000 OF|NX
fcvt.s.d rne 4800000000000000 => 7f800000 OF|NX
fcvt.s.d rne c7effffff0000000 => ff800000 OF|NX
fcvt.s.d rne 7fefffffffffffff => 7f800000 OF|NX
fcvt.s.d rne 3810000000000000 => 00800000 -
fcvt.s.d rne 380fffffe0000000 => 00800000 UF|NX
fcvt.s.d rne 380ffffff0000000 => 00800000 NX
fcvt.s.d rne 3800000000000000 => 00400000 -
fcvt.s.d rne 36a0000000000000 => 00000001 -
fcvt.s.d rne 3690000000000000 => 00000000 UF|NX
fcvt.s.d rne 3690000000000001 => 00000001 UF|NX
fcvt.s.d rne 3680000000000000 => 00000000 UF|NX
fcvt.s.d rne 0000000000000001 => 00000000 UF|NX
fcvt.s.d rne 8000000000000001 => 80000000 UF|NX
fcvt.s.d rne 0000000000000000 => 00000000 -
fcvt.s.d rne 8000000000000000 => 80000000 -
fcvt.s.d rne 7ff0000000000000 => 7f800000 -
fcvt.s.d rne fff0000000000000 => ff800000 -
fcvt.s.d rne 7ff8000000000000 => 7fc00000 -
fcvt.s.d rne fff8000000000000 => 7fc00000 -
fcvt.s.d rne 7ff0000000000001 => 7fc00000 NV
fcvt.s.d rne 7ff8000000000123 => 7fc00000 -
fcvt.s.d rne 380fffffffffffff => 00800000 NX
fcvt.s.d rne 3ff0000010000000 => 3f800000 NX
fcvt.s.d rne bff0000010000000 => bf800000 NX
fcvt.s.d rne 3ff0000030000000 => 3f800002 NX
fcvt.s.d rne 47effffff0000000 => 7f800000 OF|NX
fcvt.s.d rne c7effffff0000000 => ff800000 OF|NX
fcvt.s.d rne 3690000000000000 => 00000000 UF|NX
fcvt.s.d rne 380ffffff0000000 => 00800000 NX
fcvt.s.d rne 36a8000000000000 => 00000002 UF|NX
fcvt.s.d rtz 3ff0000010000000 => 3f800000 NX
fcvt.s.d rtz bff0000010000000 => bf800000 NX
fcvt.s.d rtz 3ff0000030000000 => 3f800001 NX
fcvt.s.d rtz 47effffff0000000 => 7f7fffff NX
fcvt.s.d rtz c7effffff0000000 => ff7fffff NX
fcvt.s.d rtz 3690000000000000 => 00000000 UF|NX
fcvt.s.d rtz 380ffffff0000000 => 007fffff UF|NX
fcvt.s.d rtz 36a8000000000000 => 00000001 UF|NX
fcvt.s.d rdn 3ff0000010000000 => 3f800000 NX
fcvt.s.d rdn bff0000010000000 => bf800001 NX
fcvt.s.d rdn 3ff0000030000000 => 3f800001 NX
fcvt.s.d rdn 47effffff0000000 => 7f7fffff NX
fcvt.s.d rdn c7effffff0000000 => ff800000 OF|NX
fcvt.s.d rdn 3690000000000000 => 00000000 UF|NX
fcvt.s.d rdn 380ffffff0000000 => 007fffff UF|NX
fcvt.s.d rdn 36a8000000000000 => 00000001 UF|NX
fcvt.s.d rup 3ff0000010000000 => 3f800001 NX
fcvt.s.d rup bff0000010000000 => bf800000 NX
fcvt.s.d rup 3ff0000030000000 => 3f800002 NX
fcvt.s.d rup 47effffff0000000 => 7f800000 OF|NX
fcvt.s.d rup c7effffff0000000 => ff7fffff NX
fcvt.s.d rup 3690000000000000 => 00000001 UF|NX
fcvt.s.d rup 380ffffff0000000 => 00800000 NX
fcvt.s.d rup 36a8000000000000 => 00000002 UF|NX
fcvt.s.d rmm 3ff0000010000000 => 3f800001 NX
fcvt.s.d rmm bff0000010000000 => bf800001 NX
fcvt.s.d rmm 3ff0000030000000 => 3f800002 NX
fcvt.s.d rmm 47effffff0000000 => 7f800000 OF|NX
fcvt.s.d rmm c7effffff0000000 => ff800000 OF|NX
fcvt.s.d rmm 3690000000000000 => 00000001 UF|NX
fcvt.s.d rmm 380ffffff0000000 => 00800000 NX
fcvt.s.d rmm 36a8000000000000 => 00000002 UF|NX
fcvt.d.s rne 3f800000 => 3ff0000000000000 -
fcvt.d.s rne bf800000 => bff0000000000000 -
fcvt.d.s rne 00000001 => 36a0000000000000 -
fcvt.d.s rne 807fffff => b80fffffc0000000 -
fcvt.d.s rne 7f7fffff => 47efffffe0000000 -
fcvt.d.s rne 7f800000 => 7ff0000000000000 -
fcvt.d.s rne ff800000 => fff0000000000000 -
fcvt.d.s rne 7fc00000 => 7ff8000000000000 -
fcvt.d.s rne ffc00000 => 7ff8000000000000 -
fcvt.d.s rne 7f800001 => 7ff8000000000000 NV
fcvt.d.s rne 7fc12345 => 7ff8000000000000 -
fcvt.d.s rne 00000000 => 0000000000000000 -
fcvt.d.s rne 80000000 => 8000000000000000 -
fcvt.d.s rne 0000000040000000 => 7ff8000000000000 -
fcvt.d.s rne 3dcccccd => 3fb99999a0000000 -
fcvt.d.s rtz 3dcccccd => 3fb99999a0000000 -
fcvt.d.s dyn:rup 3dcccccd => 3fb99999a0000000 -` },
  { name: 'fp-cmp-class', title: 'RV64F/D comparisons, fmin/fmax, fclass, sign injection, moves; NaN-boxed operands.', cases: `
# feq/flt/fle, fmin/fmax, fclass, sign injection
feq.s 3f800000 40000000 => 0000000000000000 -
feq.s 40000000 3f800000 => 0000000000000000 -
feq.s 3f800000 3f800000 => 0000000000000001 -
feq.s 00000000 80000000 => 0000000000000001 -
feq.s 80000000 00000000 => 0000000000000001 -
feq.s bf800000 3f800000 => 0000000000000000 -
feq.s ff800000 7f800000 => 0000000000000000 -
feq.s 7f800000 7f800000 => 0000000000000001 -
feq.s 7fc00000 3f800000 => 0000000000000000 -
feq.s 3f800000 7fc00000 => 0000000000000000 -
feq.s 7f800001 3f800000 => 0000000000000000 NV
feq.s 3f800000 ffa00000 => 0000000000000000 NV
feq.s 7fc00000 7fc00000 => 0000000000000000 -
feq.s 00000001 00000000 => 0000000000000000 -
feq.s 807fffff 80000000 => 0000000000000000 -
feq.s 7f7fffff 7f800000 => 0000000000000000 -
flt.s 3f800000 40000000 => 0000000000000001 -
flt.s 40000000 3f800000 => 0000000000000000 -
flt.s 3f800000 3f800000 => 0000000000000000 -
flt.s 00000000 80000000 => 0000000000000000 -
flt.s 80000000 00000000 => 0000000000000000 -
flt.s bf800000 3f800000 => 0000000000000001 -
flt.s ff800000 7f800000 => 0000000000000001 -
flt.s 7f800000 7f800000 => 0000000000000000 -
flt.s 7fc00000 3f800000 => 0000000000000000 NV
flt.s 3f800000 7fc00000 => 0000000000000000 NV
flt.s 7f800001 3f800000 => 0000000000000000 NV
flt.s 3f800000 ffa00000 => 0000000000000000 NV
flt.s 7fc00000 7fc00000 => 0000000000000000 NV
flt.s 00000001 00000000 => 0000000000000000 -
flt.s 807fffff 80000000 => 0000000000000001 -
flt.s 7f7fffff 7f800000 => 0000000000000001 -
fle.s 3f800000 40000000 => 0000000000000001 -
fle.s 40000000 3f800000 => 0000000000000000 -
fle.s 3f800000 3f800000 => 0000000000000001 -
fle.s 00000000 80000000 => 0000000000000001 -
fle.s 80000000 00000000 => 0000000000000001 -
fle.s bf800000 3f800000 => 0000000000000001 -
fle.s ff800000 7f800000 => 0000000000000001 -
fle.s 7f800000 7f800000 => 0000000000000001 -
fle.s 7fc00000 3f800000 => 0000000000000000 NV
fle.s 3f800000 7fc00000 => 0000000000000000 NV
fle.s 7f800001 3f800000 => 0000000000000000 NV
fle.s 3f800000 ffa00000 => 0000000000000000 NV
fle.s 7fc00000 7fc00000 => 0000000000000000 NV
fle.s 00000001 00000000 => 0000000000000000 -
fle.s 807fffff 80000000 => 0000000000000001 -
fle.s 7f7fffff 7f800000 => 0000000000000001 -
fmin.s 3f800000 40000000 => 3f800000 -
fmin.s 40000000 3f800000 => 3f800000 -
fmin.s bf800000 3f800000 => bf800000 -
fmin.s 00000000 80000000 => 80000000 -
fmin.s 80000000 00000000 => 80000000 -
fmin.s 00000000 00000000 => 00000000 -
fmin.s 7fc00000 3f800000 => 3f800000 -
fmin.s 3f800000 7fc00000 => 3f800000 -
fmin.s 7f800001 3f800000 => 3f800000 NV
fmin.s 3f800000 ffa00000 => 3f800000 NV
fmin.s 7fc00000 7fc00000 => 7fc00000 -
fmin.s 7f800001 7fc00000 => 7fc00000 NV
fmin.s ffc00000 7f800001 => 7fc00000 NV
fmin.s ff800000 7f7fffff => ff800000 -
fmin.s 7f800000 7fc00000 => 7f800000 -
fmin.s 00000001 807fffff => 807fffff -
fmax.s 3f800000 40000000 => 40000000 -
fmax.s 40000000 3f800000 => 40000000 -
fmax.s bf800000 3f800000 => 3f800000 -
fmax.s 00000000 80000000 => 00000000 -
fmax.s 80000000 00000000 => 00000000 -
fmax.s 00000000 00000000 => 00000000 -
fmax.s 7fc00000 3f800000 => 3f800000 -
fmax.s 3f800000 7fc00000 => 3f800000 -
fmax.s 7f800001 3f800000 => 3f800000 NV
fmax.s 3f800000 ffa00000 => 3f800000 NV
fmax.s 7fc00000 7fc00000 => 7fc00000 -
fmax.s 7f800001 7fc00000 => 7fc00000 NV
fmax.s ffc00000 7f800001 => 7fc00000 NV
fmax.s ff800000 7f7fffff => 7f7fffff -
fmax.s 7f800000 7fc00000 => 7f800000 -
fmax.s 00000001 807fffff => 00000001 -
fclass.s ff800000 => 0000000000000001 -
fclass.s bf800000 => 0000000000000002 -
fclass.s 807fffff => 0000000000000004 -
fclass.s 80000000 => 0000000000000008 -
fclass.s 00000000 => 0000000000000010 -
fclass.s 00000001 => 0000000000000020 -
fclass.s 3f800000 => 0000000000000040 -
fclass.s 7f800000 => 0000000000000080 -
fclass.s 7f800001 => 0000000000000100 -
fclass.s 7fc00000 => 0000000000000200 -
fclass.s ffc00000 => 0000000000000200 -
fclass.s ffa00000 => 0000000000000100 -
fclass.s 7f7fffff => 0000000000000040 -
fclass.s 00800000 => 0000000000000040 -
fsgnj.s 3f800000 bf800000 => bf800000 -
fsgnj.s bf800000 3f800000 => 3f800000 -
fsgnj.s bf800000 bf800000 => bf800000 -
fsgnj.s 3f800000 3f800000 => 3f800000 -
fsgnj.s 7fc00000 bf800000 => ffc00000 -
fsgnj.s ffa00000 3f800000 => 7fa00000 -
fsgnj.s 00000000 80000000 => 80000000 -
fsgnj.s ff800000 80000000 => ff800000 -
fsgnjn.s 3f800000 bf800000 => 3f800000 -
fsgnjn.s bf800000 3f800000 => bf800000 -
fsgnjn.s bf800000 bf800000 => 3f800000 -
fsgnjn.s 3f800000 3f800000 => bf800000 -
fsgnjn.s 7fc00000 bf800000 => 7fc00000 -
fsgnjn.s ffa00000 3f800000 => ffa00000 -
fsgnjn.s 00000000 80000000 => 00000000 -
fsgnjn.s ff800000 80000000 => 7f800000 -
fsgnjx.s 3f800000 bf800000 => bf800000 -
fsgnjx.s bf800000 3f800000 => bf800000 -
fsgnjx.s bf800000 bf800000 => 3f800000 -
fsgnjx.s 3f800000 3f800000 => 3f800000 -
fsgnjx.s 7fc00000 bf800000 => ffc00000 -
fsgnjx.s ffa00000 3f800000 => ffa00000 -
fsgnjx.s 00000000 80000000 => 80000000 -
fsgnjx.s ff800000 80000000 => 7f800000 -
feq.d 3ff0000000000000 4000000000000000 => 0000000000000000 -
feq.d 4000000000000000 3ff0000000000000 => 0000000000000000 -
feq.d 3ff0000000000000 3ff0000000000000 => 0000000000000001 -
feq.d 0000000000000000 8000000000000000 => 0000000000000001 -
feq.d 8000000000000000 0000000000000000 => 0000000000000001 -
feq.d bff0000000000000 3ff0000000000000 => 0000000000000000 -
feq.d fff0000000000000 7ff0000000000000 => 0000000000000000 -
feq.d 7ff0000000000000 7ff0000000000000 => 0000000000000001 -
feq.d 7ff8000000000000 3ff0000000000000 => 0000000000000000 -
feq.d 3ff0000000000000 7ff8000000000000 => 0000000000000000 -
feq.d 7ff0000000000001 3ff0000000000000 => 0000000000000000 NV
feq.d 3ff0000000000000 fff4000000000000 => 0000000000000000 NV
feq.d 7ff8000000000000 7ff8000000000000 => 0000000000000000 -
feq.d 0000000000000001 0000000000000000 => 0000000000000000 -
feq.d 800fffffffffffff 8000000000000000 => 0000000000000000 -
feq.d 7fefffffffffffff 7ff0000000000000 => 0000000000000000 -
flt.d 3ff0000000000000 4000000000000000 => 0000000000000001 -
flt.d 4000000000000000 3ff0000000000000 => 0000000000000000 -
flt.d 3ff0000000000000 3ff0000000000000 => 0000000000000000 -
flt.d 0000000000000000 8000000000000000 => 0000000000000000 -
flt.d 8000000000000000 0000000000000000 => 0000000000000000 -
flt.d bff0000000000000 3ff0000000000000 => 0000000000000001 -
flt.d fff0000000000000 7ff0000000000000 => 0000000000000001 -
flt.d 7ff0000000000000 7ff0000000000000 => 0000000000000000 -
flt.d 7ff8000000000000 3ff0000000000000 => 0000000000000000 NV
flt.d 3ff0000000000000 7ff8000000000000 => 0000000000000000 NV
flt.d 7ff0000000000001 3ff0000000000000 => 0000000000000000 NV
flt.d 3ff0000000000000 fff4000000000000 => 0000000000000000 NV
flt.d 7ff8000000000000 7ff8000000000000 => 0000000000000000 NV
flt.d 0000000000000001 0000000000000000 => 0000000000000000 -
flt.d 800fffffffffffff 8000000000000000 => 0000000000000001 -
flt.d 7fefffffffffffff 7ff0000000000000 => 0000000000000001 -
fle.d 3ff0000000000000 4000000000000000 => 0000000000000001 -
fle.d 4000000000000000 3ff0000000000000 => 0000000000000000 -
fle.d 3ff0000000000000 3ff0000000000000 => 0000000000000001 -
fle.d 0000000000000000 8000000000000000 => 0000000000000001 -
fle.d 8000000000000000 0000000000000000 => 0000000000000001 -
fle.d bff0000000000000 3ff0000000000000 => 0000000000000001 -
fle.d fff0000000000000 7ff0000000000000 => 0000000000000001 -
fle.d 7ff0000000000000 7ff0000000000000 => 0000000000000001 -
fle.d 7ff8000000000000 3ff0000000000000 => 0000000000000000 NV
fle.d 3ff0000000000000 7ff8000000000000 => 0000000000000000 NV
fle.d 7ff0000000000001 3ff0000000000000 => 0000000000000000 NV
fle.d 3ff0000000000000 fff4000000000000 => 0000000000000000 NV
fle.d 7ff8000000000000 7ff8000000000000 => 0000000000000000 NV
fle.d 0000000000000001 0000000000000000 => 0000000000000000 -
fle.d 800fffffffffffff 8000000000000000 => 0000000000000001 -
fle.d 7fefffffffffffff 7ff0000000000000 => 0000000000000001 -
fmin.d 3ff0000000000000 4000000000000000 => 3ff0000000000000 -
fmin.d 4000000000000000 3ff0000000000000 => 3ff0000000000000 -
fmin.d bff0000000000000 3ff0000000000000 => bff0000000000000 -
fmin.d 0000000000000000 8000000000000000 => 8000000000000000 -
fmin.d 8000000000000000 0000000000000000 => 8000000000000000 -
fmin.d 0000000000000000 0000000000000000 => 0000000000000000 -
fmin.d 7ff8000000000000 3ff0000000000000 => 3ff0000000000000 -
fmin.d 3ff0000000000000 7ff8000000000000 => 3ff0000000000000 -
fmin.d 7ff0000000000001 3ff0000000000000 => 3ff0000000000000 NV
fmin.d 3ff0000000000000 fff4000000000000 => 3ff0000000000000 NV
fmin.d 7ff8000000000000 7ff8000000000000 => 7ff8000000000000 -
fmin.d 7ff0000000000001 7ff8000000000000 => 7ff8000000000000 NV
fmin.d fff8000000000000 7ff0000000000001 => 7ff8000000000000 NV
fmin.d fff0000000000000 7fefffffffffffff => fff0000000000000 -
fmin.d 7ff0000000000000 7ff8000000000000 => 7ff0000000000000 -
fmin.d 0000000000000001 800fffffffffffff => 800fffffffffffff -
fmax.d 3ff0000000000000 4000000000000000 => 4000000000000000 -
fmax.d 4000000000000000 3ff0000000000000 => 4000000000000000 -
fmax.d bff0000000000000 3ff0000000000000 => 3ff0000000000000 -
fmax.d 0000000000000000 8000000000000000 => 0000000000000000 -
fmax.d 8000000000000000 0000000000000000 => 0000000000000000 -
fmax.d 0000000000000000 0000000000000000 => 0000000000000000 -
fmax.d 7ff8000000000000 3ff0000000000000 => 3ff0000000000000 -
fmax.d 3ff0000000000000 7ff8000000000000 => 3ff0000000000000 -
fmax.d 7ff0000000000001 3ff0000000000000 => 3ff0000000000000 NV
fmax.d 3ff0000000000000 fff4000000000000 => 3ff0000000000000 NV
fmax.d 7ff8000000000000 7ff8000000000000 => 7ff8000000000000 -
fmax.d 7ff0000000000001 7ff8000000000000 => 7ff8000000000000 NV
fmax.d fff8000000000000 7ff0000000000001 => 7ff8000000000000 NV
fmax.d fff0000000000000 7fefffffffffffff => 7fefffffffffffff -
fmax.d 7ff0000000000000 7ff8000000000000 => 7ff0000000000000 -
fmax.d 0000000000000001 800fffffffffffff => 0000000000000001 -
fclass.d fff0000000000000 => 0000000000000001 -
fclass.d bff0000000000000 => 0000000000000002 -
fclass.d 800fffffffffffff => 0000000000000004 -
fclass.d 8000000000000000 => 0000000000000008 -
fclass.d 0000000000000000 => 0000000000000010 -
fclass.d 0000000000000001 => 0000000000000020 -
fclass.d 3ff0000000000000 => 0000000000000040 -
fclass.d 7ff0000000000000 => 0000000000000080 -
fclass.d 7ff0000000000001 => 0000000000000100 -
fclass.d 7ff8000000000000 => 0000000000000200 -
fclass.d fff8000000000000 => 0000000000000200 -
fclass.d fff4000000000000 => 0000000000000100 -
fclass.d 7fefffffffffffff => 0000000000000040 -
fclass.d 0010000000000000 => 0000000000000040 -
fsgnj.d 3ff0000000000000 bff0000000000000 => bff0000000000000 -
fsgnj.d bff0000000000000 3ff0000000000000 => 3ff0000000000000 -
fsgnj.d bff0000000000000 bff0000000000000 => bff0000000000000 -
fsgnj.d 3ff0000000000000 3ff0000000000000 => 3ff0000000000000 -
fsgnj.d 7ff8000000000000 bff0000000000000 => fff8000000000000 -
fsgnj.d fff4000000000000 3ff0000000000000 => 7ff4000000000000 -
fsgnj.d 0000000000000000 8000000000000000 => 8000000000000000 -
fsgnj.d fff0000000000000 8000000000000000 => fff0000000000000 -
fsgnjn.d 3ff0000000000000 bff0000000000000 => 3ff0000000000000 -
fsgnjn.d bff0000000000000 3ff0000000000000 => bff0000000000000 -
fsgnjn.d bff0000000000000 bff0000000000000 => 3ff0000000000000 -
fsgnjn.d 3ff0000000000000 3ff0000000000000 => bff0000000000000 -
fsgnjn.d 7ff8000000000000 bff0000000000000 => 7ff8000000000000 -
fsgnjn.d fff4000000000000 3ff0000000000000 => fff4000000000000 -
fsgnjn.d 0000000000000000 8000000000000000 => 0000000000000000 -
fsgnjn.d fff0000000000000 8000000000000000 => 7ff0000000000000 -
fsgnjx.d 3ff0000000000000 bff0000000000000 => bff0000000000000 -
fsgnjx.d bff0000000000000 3ff0000000000000 => bff0000000000000 -
fsgnjx.d bff0000000000000 bff0000000000000 => 3ff0000000000000 -
fsgnjx.d 3ff0000000000000 3ff0000000000000 => 3ff0000000000000 -
fsgnjx.d 7ff8000000000000 bff0000000000000 => fff8000000000000 -
fsgnjx.d fff4000000000000 3ff0000000000000 => fff4000000000000 -
fsgnjx.d 0000000000000000 8000000000000000 => 8000000000000000 -
fsgnjx.d fff0000000000000 8000000000000000 => 7ff0000000000000 -
# improperly NaN-boxed single operands read as the canonical NaN
feq.s 000000003f800000 3f800000 => 0000000000000000 -
feq.s 3f800000 7fffffffbf800000 => 0000000000000000 -
flt.s 000000003f800000 3f800000 => 0000000000000000 NV
flt.s 3f800000 7fffffffbf800000 => 0000000000000000 NV
fle.s 000000003f800000 3f800000 => 0000000000000000 NV
fle.s 3f800000 7fffffffbf800000 => 0000000000000000 NV
fmin.s 000000003f800000 3f800000 => 3f800000 -
fmin.s 3f800000 7fffffffbf800000 => 3f800000 -
fmax.s 000000003f800000 3f800000 => 3f800000 -
fmax.s 3f800000 7fffffffbf800000 => 3f800000 -
fsgnj.s 000000003f800000 3f800000 => 7fc00000 -
fsgnj.s 3f800000 7fffffffbf800000 => 3f800000 -
fsgnjn.s 000000003f800000 3f800000 => ffc00000 -
fsgnjn.s 3f800000 7fffffffbf800000 => bf800000 -
fsgnjx.s 000000003f800000 3f800000 => 7fc00000 -
fsgnjx.s 3f800000 7fffffffbf800000 => 3f800000 -
fclass.s 000000003f800000 => 0000000000000200 -
fclass.s ffffffff3f800000 => 0000000000000040 -
fclass.s 7ff0000000000000 => 0000000000000200 -
fmin.s 000000003f800000 000000003f800000 => 7fc00000 -
# moves: fmv.x.w sign-extends the raw low word, fmv.w.x boxes
fmv.x.w ffffffff3f800000 => 000000003f800000 -
fmv.x.w ffffffffbf800000 => ffffffffbf800000 -
fmv.x.w 00000000bf800000 => ffffffffbf800000 -
fmv.x.w 123456787fc00001 => 000000007fc00001 -
fmv.x.w ffffffff80000000 => ffffffff80000000 -
fmv.x.w 3ff0000000000000 => 0000000000000000 -
fmv.w.x 000000003f800000 => 3f800000 -
fmv.w.x ffffffffbf800000 => bf800000 -
fmv.w.x 12345678ff800001 => ff800001 -
fmv.w.x 0000000000000000 => 00000000 -
fmv.w.x aaaaaaaa7fa00000 => 7fa00000 -
fmv.x.d 3ff0000000000000 => 3ff0000000000000 -
fmv.d.x 3ff0000000000000 => 3ff0000000000000 -
fmv.x.d 7ff0000000000001 => 7ff0000000000001 -
fmv.d.x 7ff0000000000001 => 7ff0000000000001 -
fmv.x.d ffffffff3f800000 => ffffffff3f800000 -
fmv.d.x ffffffff3f800000 => ffffffff3f800000 -
fmv.x.d 8000000000000000 => 8000000000000000 -
fmv.d.x 8000000000000000 => 8000000000000000 -` },
  { name: 'fp-rounding', title: 'RV64F/D rounding modes: every static mode and the dynamic mode on values where they differ.', cases: `
# each case in all five static modes: rne rtz rdn rup rmm
fadd.s rne 3f800000 33000000 => 3f800000 NX
fadd.s rtz 3f800000 33000000 => 3f800000 NX
fadd.s rdn 3f800000 33000000 => 3f800000 NX
fadd.s rup 3f800000 33000000 => 3f800001 NX
fadd.s rmm 3f800000 33000000 => 3f800000 NX
fadd.s rne 3f800000 33800000 => 3f800000 NX
fadd.s rtz 3f800000 33800000 => 3f800000 NX
fadd.s rdn 3f800000 33800000 => 3f800000 NX
fadd.s rup 3f800000 33800000 => 3f800001 NX
fadd.s rmm 3f800000 33800000 => 3f800001 NX
fadd.s rne 3f800000 33c00000 => 3f800001 NX
fadd.s rtz 3f800000 33c00000 => 3f800000 NX
fadd.s rdn 3f800000 33c00000 => 3f800000 NX
fadd.s rup 3f800000 33c00000 => 3f800001 NX
fadd.s rmm 3f800000 33c00000 => 3f800001 NX
fadd.s rne 3f800001 33800000 => 3f800002 NX
fadd.s rtz 3f800001 33800000 => 3f800001 NX
fadd.s rdn 3f800001 33800000 => 3f800001 NX
fadd.s rup 3f800001 33800000 => 3f800002 NX
fadd.s rmm 3f800001 33800000 => 3f800002 NX
fadd.s rne bf800000 b3000000 => bf800000 NX
fadd.s rtz bf800000 b3000000 => bf800000 NX
fadd.s rdn bf800000 b3000000 => bf800001 NX
fadd.s rup bf800000 b3000000 => bf800000 NX
fadd.s rmm bf800000 b3000000 => bf800000 NX
fadd.s rne bf800000 b3800000 => bf800000 NX
fadd.s rtz bf800000 b3800000 => bf800000 NX
fadd.s rdn bf800000 b3800000 => bf800001 NX
fadd.s rup bf800000 b3800000 => bf800000 NX
fadd.s rmm bf800000 b3800000 => bf800001 NX
fadd.s rne bf800000 b3c00000 => bf800001 NX
fadd.s rtz bf800000 b3c00000 => bf800000 NX
fadd.s rdn bf800000 b3c00000 => bf800001 NX
fadd.s rup bf800000 b3c00000 => bf800000 NX
fadd.s rmm bf800000 b3c00000 => bf800001 NX
fadd.s rne bf800001 b3800000 => bf800002 NX
fadd.s rtz bf800001 b3800000 => bf800001 NX
fadd.s rdn bf800001 b3800000 => bf800002 NX
fadd.s rup bf800001 b3800000 => bf800001 NX
fadd.s rmm bf800001 b3800000 => bf800002 NX
fsub.s rne 3f800000 32800000 => 3f800000 NX
fsub.s rtz 3f800000 32800000 => 3f7fffff NX
fsub.s rdn 3f800000 32800000 => 3f7fffff NX
fsub.s rup 3f800000 32800000 => 3f800000 NX
fsub.s rmm 3f800000 32800000 => 3f800000 NX
fsub.s rne bf800000 b2800000 => bf800000 NX
fsub.s rtz bf800000 b2800000 => bf7fffff NX
fsub.s rdn bf800000 b2800000 => bf800000 NX
fsub.s rup bf800000 b2800000 => bf7fffff NX
fsub.s rmm bf800000 b2800000 => bf800000 NX
fadd.s rne 7f7fffff 73000000 => 7f800000 OF|NX
fadd.s rtz 7f7fffff 73000000 => 7f7fffff NX
fadd.s rdn 7f7fffff 73000000 => 7f7fffff NX
fadd.s rup 7f7fffff 73000000 => 7f800000 OF|NX
fadd.s rmm 7f7fffff 73000000 => 7f800000 OF|NX
fadd.s rne ff7fffff f3000000 => ff800000 OF|NX
fadd.s rtz ff7fffff f3000000 => ff7fffff NX
fadd.s rdn ff7fffff f3000000 => ff800000 OF|NX
fadd.s rup ff7fffff f3000000 => ff7fffff NX
fadd.s rmm ff7fffff f3000000 => ff800000 OF|NX
fadd.s rne 7f7fffff 7f7fffff => 7f800000 OF|NX
fadd.s rtz 7f7fffff 7f7fffff => 7f7fffff OF|NX
fadd.s rdn 7f7fffff 7f7fffff => 7f7fffff OF|NX
fadd.s rup 7f7fffff 7f7fffff => 7f800000 OF|NX
fadd.s rmm 7f7fffff 7f7fffff => 7f800000 OF|NX
fsub.s rne ff7fffff 7f7fffff => ff800000 OF|NX
fsub.s rtz ff7fffff 7f7fffff => ff7fffff OF|NX
fsub.s rdn ff7fffff 7f7fffff => ff800000 OF|NX
fsub.s rup ff7fffff 7f7fffff => ff7fffff OF|NX
fsub.s rmm ff7fffff 7f7fffff => ff800000 OF|NX
fmul.s rne 3f800001 3f800001 => 3f800002 NX
fmul.s rtz 3f800001 3f800001 => 3f800002 NX
fmul.s rdn 3f800001 3f800001 => 3f800002 NX
fmul.s rup 3f800001 3f800001 => 3f800003 NX
fmul.s rmm 3f800001 3f800001 => 3f800002 NX
fmul.s rne bf800001 3f800001 => bf800002 NX
fmul.s rtz bf800001 3f800001 => bf800002 NX
fmul.s rdn bf800001 3f800001 => bf800003 NX
fmul.s rup bf800001 3f800001 => bf800002 NX
fmul.s rmm bf800001 3f800001 => bf800002 NX
fmul.s rne 3fc00000 3f800001 => 3fc00002 NX
fmul.s rtz 3fc00000 3f800001 => 3fc00001 NX
fmul.s rdn 3fc00000 3f800001 => 3fc00001 NX
fmul.s rup 3fc00000 3f800001 => 3fc00002 NX
fmul.s rmm 3fc00000 3f800001 => 3fc00002 NX
fmul.s rne 00000003 3f000000 => 00000002 UF|NX
fmul.s rtz 00000003 3f000000 => 00000001 UF|NX
fmul.s rdn 00000003 3f000000 => 00000001 UF|NX
fmul.s rup 00000003 3f000000 => 00000002 UF|NX
fmul.s rmm 00000003 3f000000 => 00000002 UF|NX
fmul.s rne 80000003 3f000000 => 80000002 UF|NX
fmul.s rtz 80000003 3f000000 => 80000001 UF|NX
fmul.s rdn 80000003 3f000000 => 80000002 UF|NX
fmul.s rup 80000003 3f000000 => 80000001 UF|NX
fmul.s rmm 80000003 3f000000 => 80000002 UF|NX
fmul.s rne 00000001 3e800000 => 00000000 UF|NX
fmul.s rtz 00000001 3e800000 => 00000000 UF|NX
fmul.s rdn 00000001 3e800000 => 00000000 UF|NX
fmul.s rup 00000001 3e800000 => 00000001 UF|NX
fmul.s rmm 00000001 3e800000 => 00000000 UF|NX
fmul.s rne 80000001 3e800000 => 80000000 UF|NX
fmul.s rtz 80000001 3e800000 => 80000000 UF|NX
fmul.s rdn 80000001 3e800000 => 80000001 UF|NX
fmul.s rup 80000001 3e800000 => 80000000 UF|NX
fmul.s rmm 80000001 3e800000 => 80000000 UF|NX
fmul.s rne 7f000000 40000000 => 7f800000 OF|NX
fmul.s rtz 7f000000 40000000 => 7f7fffff OF|NX
fmul.s rdn 7f000000 40000000 => 7f7fffff OF|NX
fmul.s rup 7f000000 40000000 => 7f800000 OF|NX
fmul.s rmm 7f000000 40000000 => 7f800000 OF|NX
fmul.s rne ff000000 40000000 => ff800000 OF|NX
fmul.s rtz ff000000 40000000 => ff7fffff OF|NX
fmul.s rdn ff000000 40000000 => ff800000 OF|NX
fmul.s rup ff000000 40000000 => ff7fffff OF|NX
fmul.s rmm ff000000 40000000 => ff800000 OF|NX
fdiv.s rne 3f800000 40400000 => 3eaaaaab NX
fdiv.s rtz 3f800000 40400000 => 3eaaaaaa NX
fdiv.s rdn 3f800000 40400000 => 3eaaaaaa NX
fdiv.s rup 3f800000 40400000 => 3eaaaaab NX
fdiv.s rmm 3f800000 40400000 => 3eaaaaab NX
fdiv.s rne bf800000 40400000 => beaaaaab NX
fdiv.s rtz bf800000 40400000 => beaaaaaa NX
fdiv.s rdn bf800000 40400000 => beaaaaab NX
fdiv.s rup bf800000 40400000 => beaaaaaa NX
fdiv.s rmm bf800000 40400000 => beaaaaab NX
fdiv.s rne 40000000 40400000 => 3f2aaaab NX
fdiv.s rtz 40000000 40400000 => 3f2aaaaa NX
fdiv.s rdn 40000000 40400000 => 3f2aaaaa NX
fdiv.s rup 40000000 40400000 => 3f2aaaab NX
fdiv.s rmm 40000000 40400000 => 3f2aaaab NX
fdiv.s rne c0000000 40400000 => bf2aaaab NX
fdiv.s rtz c0000000 40400000 => bf2aaaaa NX
fdiv.s rdn c0000000 40400000 => bf2aaaab NX
fdiv.s rup c0000000 40400000 => bf2aaaaa NX
fdiv.s rmm c0000000 40400000 => bf2aaaab NX
fdiv.s rne 00800000 40400000 => 002aaaab UF|NX
fdiv.s rtz 00800000 40400000 => 002aaaaa UF|NX
fdiv.s rdn 00800000 40400000 => 002aaaaa UF|NX
fdiv.s rup 00800000 40400000 => 002aaaab UF|NX
fdiv.s rmm 00800000 40400000 => 002aaaab UF|NX
fsqrt.s rne 40000000 => 3fb504f3 NX
fsqrt.s rtz 40000000 => 3fb504f3 NX
fsqrt.s rdn 40000000 => 3fb504f3 NX
fsqrt.s rup 40000000 => 3fb504f4 NX
fsqrt.s rmm 40000000 => 3fb504f3 NX
fsqrt.s rne 40400000 => 3fddb3d7 NX
fsqrt.s rtz 40400000 => 3fddb3d7 NX
fsqrt.s rdn 40400000 => 3fddb3d7 NX
fsqrt.s rup 40400000 => 3fddb3d8 NX
fsqrt.s rmm 40400000 => 3fddb3d7 NX
fsqrt.s rne 00000002 => 1a800000 -
fsqrt.s rtz 00000002 => 1a800000 -
fsqrt.s rdn 00000002 => 1a800000 -
fsqrt.s rup 00000002 => 1a800000 -
fsqrt.s rmm 00000002 => 1a800000 -
fadd.d rne 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fadd.d rtz 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fadd.d rdn 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fadd.d rup 3ff0000000000000 3c90000000000000 => 3ff0000000000001 NX
fadd.d rmm 3ff0000000000000 3c90000000000000 => 3ff0000000000000 NX
fadd.d rne 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fadd.d rtz 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fadd.d rdn 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fadd.d rup 3ff0000000000000 3ca0000000000000 => 3ff0000000000001 NX
fadd.d rmm 3ff0000000000000 3ca0000000000000 => 3ff0000000000001 NX
fadd.d rne 3ff0000000000000 3ca8000000000000 => 3ff0000000000001 NX
fadd.d rtz 3ff0000000000000 3ca8000000000000 => 3ff0000000000000 NX
fadd.d rdn 3ff0000000000000 3ca8000000000000 => 3ff0000000000000 NX
fadd.d rup 3ff0000000000000 3ca8000000000000 => 3ff0000000000001 NX
fadd.d rmm 3ff0000000000000 3ca8000000000000 => 3ff0000000000001 NX
fadd.d rne 3ff0000000000001 3ca0000000000000 => 3ff0000000000002 NX
fadd.d rtz 3ff0000000000001 3ca0000000000000 => 3ff0000000000001 NX
fadd.d rdn 3ff0000000000001 3ca0000000000000 => 3ff0000000000001 NX
fadd.d rup 3ff0000000000001 3ca0000000000000 => 3ff0000000000002 NX
fadd.d rmm 3ff0000000000001 3ca0000000000000 => 3ff0000000000002 NX
fadd.d rne bff0000000000000 bc90000000000000 => bff0000000000000 NX
fadd.d rtz bff0000000000000 bc90000000000000 => bff0000000000000 NX
fadd.d rdn bff0000000000000 bc90000000000000 => bff0000000000001 NX
fadd.d rup bff0000000000000 bc90000000000000 => bff0000000000000 NX
fadd.d rmm bff0000000000000 bc90000000000000 => bff0000000000000 NX
fadd.d rne bff0000000000000 bca0000000000000 => bff0000000000000 NX
fadd.d rtz bff0000000000000 bca0000000000000 => bff0000000000000 NX
fadd.d rdn bff0000000000000 bca0000000000000 => bff0000000000001 NX
fadd.d rup bff0000000000000 bca0000000000000 => bff0000000000000 NX
fadd.d rmm bff0000000000000 bca0000000000000 => bff0000000000001 NX
fadd.d rne bff0000000000000 bca8000000000000 => bff0000000000001 NX
fadd.d rtz bff0000000000000 bca8000000000000 => bff0000000000000 NX
fadd.d rdn bff0000000000000 bca8000000000000 => bff0000000000001 NX
fadd.d rup bff0000000000000 bca8000000000000 => bff0000000000000 NX
fadd.d rmm bff0000000000000 bca8000000000000 => bff0000000000001 NX
fadd.d rne bff0000000000001 bca0000000000000 => bff0000000000002 NX
fadd.d rtz bff0000000000001 bca0000000000000 => bff0000000000001 NX
fadd.d rdn bff0000000000001 bca0000000000000 => bff0000000000002 NX
fadd.d rup bff0000000000001 bca0000000000000 => bff0000000000001 NX
fadd.d rmm bff0000000000001 bca0000000000000 => bff0000000000002 NX
fsub.d rne 3ff0000000000000 3c80000000000000 => 3ff0000000000000 NX
fsub.d rtz 3ff0000000000000 3c80000000000000 => 3fefffffffffffff NX
fsub.d rdn 3ff0000000000000 3c80000000000000 => 3fefffffffffffff NX
fsub.d rup 3ff0000000000000 3c80000000000000 => 3ff0000000000000 NX
fsub.d rmm 3ff0000000000000 3c80000000000000 => 3ff0000000000000 NX
fsub.d rne bff0000000000000 bc80000000000000 => bff0000000000000 NX
fsub.d rtz bff0000000000000 bc80000000000000 => bfefffffffffffff NX
fsub.d rdn bff0000000000000 bc80000000000000 => bff0000000000000 NX
fsub.d rup bff0000000000000 bc80000000000000 => bfefffffffffffff NX
fsub.d rmm bff0000000000000 bc80000000000000 => bff0000000000000 NX
fadd.d rne 7fefffffffffffff 7c90000000000000 => 7ff0000000000000 OF|NX
fadd.d rtz 7fefffffffffffff 7c90000000000000 => 7fefffffffffffff NX
fadd.d rdn 7fefffffffffffff 7c90000000000000 => 7fefffffffffffff NX
fadd.d rup 7fefffffffffffff 7c90000000000000 => 7ff0000000000000 OF|NX
fadd.d rmm 7fefffffffffffff 7c90000000000000 => 7ff0000000000000 OF|NX
fadd.d rne ffefffffffffffff fc90000000000000 => fff0000000000000 OF|NX
fadd.d rtz ffefffffffffffff fc90000000000000 => ffefffffffffffff NX
fadd.d rdn ffefffffffffffff fc90000000000000 => fff0000000000000 OF|NX
fadd.d rup ffefffffffffffff fc90000000000000 => ffefffffffffffff NX
fadd.d rmm ffefffffffffffff fc90000000000000 => fff0000000000000 OF|NX
fadd.d rne 7fefffffffffffff 7c80000000000000 => 7fefffffffffffff NX
fadd.d rtz 7fefffffffffffff 7c80000000000000 => 7fefffffffffffff NX
fadd.d rdn 7fefffffffffffff 7c80000000000000 => 7fefffffffffffff NX
fadd.d rup 7fefffffffffffff 7c80000000000000 => 7ff0000000000000 OF|NX
fadd.d rmm 7fefffffffffffff 7c80000000000000 => 7fefffffffffffff NX
fadd.d rne ffefffffffffffff fc80000000000000 => ffefffffffffffff NX
fadd.d rtz ffefffffffffffff fc80000000000000 => ffefffffffffffff NX
fadd.d rdn ffefffffffffffff fc80000000000000 => fff0000000000000 OF|NX
fadd.d rup ffefffffffffffff fc80000000000000 => ffefffffffffffff NX
fadd.d rmm ffefffffffffffff fc80000000000000 => ffefffffffffffff NX
fadd.s rne 7f7fffff 72800000 => 7f7fffff NX
fadd.s rtz 7f7fffff 72800000 => 7f7fffff NX
fadd.s rdn 7f7fffff 72800000 => 7f7fffff NX
fadd.s rup 7f7fffff 72800000 => 7f800000 OF|NX
fadd.s rmm 7f7fffff 72800000 => 7f7fffff NX
fadd.s rne ff7fffff f2800000 => ff7fffff NX
fadd.s rtz ff7fffff f2800000 => ff7fffff NX
fadd.s rdn ff7fffff f2800000 => ff800000 OF|NX
fadd.s rup ff7fffff f2800000 => ff7fffff NX
fadd.s rmm ff7fffff f2800000 => ff7fffff NX
fmul.d rne 7fecbf2c42e9f83b 3ff1cf89d9d25aa8 => 7fefffffffffffff NX
fmul.d rtz 7fecbf2c42e9f83b 3ff1cf89d9d25aa8 => 7fefffffffffffff NX
fmul.d rdn 7fecbf2c42e9f83b 3ff1cf89d9d25aa8 => 7fefffffffffffff NX
fmul.d rup 7fecbf2c42e9f83b 3ff1cf89d9d25aa8 => 7ff0000000000000 OF|NX
fmul.d rmm 7fecbf2c42e9f83b 3ff1cf89d9d25aa8 => 7fefffffffffffff NX
fmul.d rne 7fecbf2c42e9f83b bff1cf89d9d25aa8 => ffefffffffffffff NX
fmul.d rtz 7fecbf2c42e9f83b bff1cf89d9d25aa8 => ffefffffffffffff NX
fmul.d rdn 7fecbf2c42e9f83b bff1cf89d9d25aa8 => fff0000000000000 OF|NX
fmul.d rup 7fecbf2c42e9f83b bff1cf89d9d25aa8 => ffefffffffffffff NX
fmul.d rmm 7fecbf2c42e9f83b bff1cf89d9d25aa8 => ffefffffffffffff NX
fadd.d rne 7fefffffffffffff 7fefffffffffffff => 7ff0000000000000 OF|NX
fadd.d rtz 7fefffffffffffff 7fefffffffffffff => 7fefffffffffffff OF|NX
fadd.d rdn 7fefffffffffffff 7fefffffffffffff => 7fefffffffffffff OF|NX
fadd.d rup 7fefffffffffffff 7fefffffffffffff => 7ff0000000000000 OF|NX
fadd.d rmm 7fefffffffffffff 7fefffffffffffff => 7ff0000000000000 OF|NX
fsub.d rne ffefffffffffffff 7fefffffffffffff => fff0000000000000 OF|NX
fsub.d rtz ffefffffffffffff 7fefffffffffffff => ffefffffffffffff OF|NX
fsub.d rdn ffefffffffffffff 7fefffffffffffff => fff0000000000000 OF|NX
fsub.d rup ffefffffffffffff 7fefffffffffffff => ffefffffffffffff OF|NX
fsub.d rmm ffefffffffffffff 7fefffffffffffff => fff0000000000000 OF|NX
fadd.d rne 7fefffffffffffff 7ca0000000000000 => 7ff0000000000000 OF|NX
fadd.d rtz 7fefffffffffffff 7ca0000000000000 => 7fefffffffffffff OF|NX
fadd.d rdn 7fefffffffffffff 7ca0000000000000 => 7fefffffffffffff OF|NX
fadd.d rup 7fefffffffffffff 7ca0000000000000 => 7ff0000000000000 OF|NX
fadd.d rmm 7fefffffffffffff 7ca0000000000000 => 7ff0000000000000 OF|NX
fadd.d rne 7fefffffffffffff 7c98000000000000 => 7ff0000000000000 OF|NX
fadd.d rtz 7fefffffffffffff 7c98000000000000 => 7fefffffffffffff NX
fadd.d rdn 7fefffffffffffff 7c98000000000000 => 7fefffffffffffff NX
fadd.d rup 7fefffffffffffff 7c98000000000000 => 7ff0000000000000 OF|NX
fadd.d rmm 7fefffffffffffff 7c98000000000000 => 7ff0000000000000 OF|NX
fmul.d rne 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d rtz 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d rdn 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d rup 3ff0000000000001 3ff0000000000001 => 3ff0000000000003 NX
fmul.d rmm 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d rne bff0000000000001 3ff0000000000001 => bff0000000000002 NX
fmul.d rtz bff0000000000001 3ff0000000000001 => bff0000000000002 NX
fmul.d rdn bff0000000000001 3ff0000000000001 => bff0000000000003 NX
fmul.d rup bff0000000000001 3ff0000000000001 => bff0000000000002 NX
fmul.d rmm bff0000000000001 3ff0000000000001 => bff0000000000002 NX
fmul.d rne 3ff8000000000000 3ff0000000000001 => 3ff8000000000002 NX
fmul.d rtz 3ff8000000000000 3ff0000000000001 => 3ff8000000000001 NX
fmul.d rdn 3ff8000000000000 3ff0000000000001 => 3ff8000000000001 NX
fmul.d rup 3ff8000000000000 3ff0000000000001 => 3ff8000000000002 NX
fmul.d rmm 3ff8000000000000 3ff0000000000001 => 3ff8000000000002 NX
fmul.d rne 0000000000000003 3fe0000000000000 => 0000000000000002 UF|NX
fmul.d rtz 0000000000000003 3fe0000000000000 => 0000000000000001 UF|NX
fmul.d rdn 0000000000000003 3fe0000000000000 => 0000000000000001 UF|NX
fmul.d rup 0000000000000003 3fe0000000000000 => 0000000000000002 UF|NX
fmul.d rmm 0000000000000003 3fe0000000000000 => 0000000000000002 UF|NX
fmul.d rne 8000000000000003 3fe0000000000000 => 8000000000000002 UF|NX
fmul.d rtz 8000000000000003 3fe0000000000000 => 8000000000000001 UF|NX
fmul.d rdn 8000000000000003 3fe0000000000000 => 8000000000000002 UF|NX
fmul.d rup 8000000000000003 3fe0000000000000 => 8000000000000001 UF|NX
fmul.d rmm 8000000000000003 3fe0000000000000 => 8000000000000002 UF|NX
fmul.d rne 0000000000000001 3fd0000000000000 => 0000000000000000 UF|NX
fmul.d rtz 0000000000000001 3fd0000000000000 => 0000000000000000 UF|NX
fmul.d rdn 0000000000000001 3fd0000000000000 => 0000000000000000 UF|NX
fmul.d rup 0000000000000001 3fd0000000000000 => 0000000000000001 UF|NX
fmul.d rmm 0000000000000001 3fd0000000000000 => 0000000000000000 UF|NX
fmul.d rne 8000000000000001 3fd0000000000000 => 8000000000000000 UF|NX
fmul.d rtz 8000000000000001 3fd0000000000000 => 8000000000000000 UF|NX
fmul.d rdn 8000000000000001 3fd0000000000000 => 8000000000000001 UF|NX
fmul.d rup 8000000000000001 3fd0000000000000 => 8000000000000000 UF|NX
fmul.d rmm 8000000000000001 3fd0000000000000 => 8000000000000000 UF|NX
fmul.d rne 7fe0000000000000 4000000000000000 => 7ff0000000000000 OF|NX
fmul.d rtz 7fe0000000000000 4000000000000000 => 7fefffffffffffff OF|NX
fmul.d rdn 7fe0000000000000 4000000000000000 => 7fefffffffffffff OF|NX
fmul.d rup 7fe0000000000000 4000000000000000 => 7ff0000000000000 OF|NX
fmul.d rmm 7fe0000000000000 4000000000000000 => 7ff0000000000000 OF|NX
fmul.d rne ffe0000000000000 4000000000000000 => fff0000000000000 OF|NX
fmul.d rtz ffe0000000000000 4000000000000000 => ffefffffffffffff OF|NX
fmul.d rdn ffe0000000000000 4000000000000000 => fff0000000000000 OF|NX
fmul.d rup ffe0000000000000 4000000000000000 => ffefffffffffffff OF|NX
fmul.d rmm ffe0000000000000 4000000000000000 => fff0000000000000 OF|NX
fmul.d rne 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rtz 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rdn 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rup 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rmm 7fe0000000000000 3fffffffffffffff => 7fefffffffffffff -
fmul.d rne 3fefffffffffffff 0010000000000000 => 0010000000000000 UF|NX
fmul.d rtz 3fefffffffffffff 0010000000000000 => 000fffffffffffff UF|NX
fmul.d rdn 3fefffffffffffff 0010000000000000 => 000fffffffffffff UF|NX
fmul.d rup 3fefffffffffffff 0010000000000000 => 0010000000000000 UF|NX
fmul.d rmm 3fefffffffffffff 0010000000000000 => 0010000000000000 UF|NX
fmul.d rne 000fffffffffffff 3ff0000000000001 => 0010000000000000 NX
fmul.d rtz 000fffffffffffff 3ff0000000000001 => 000fffffffffffff UF|NX
fmul.d rdn 000fffffffffffff 3ff0000000000001 => 000fffffffffffff UF|NX
fmul.d rup 000fffffffffffff 3ff0000000000001 => 0010000000000000 NX
fmul.d rmm 000fffffffffffff 3ff0000000000001 => 0010000000000000 NX
fdiv.d rne 3ff0000000000000 4008000000000000 => 3fd5555555555555 NX
fdiv.d rtz 3ff0000000000000 4008000000000000 => 3fd5555555555555 NX
fdiv.d rdn 3ff0000000000000 4008000000000000 => 3fd5555555555555 NX
fdiv.d rup 3ff0000000000000 4008000000000000 => 3fd5555555555556 NX
fdiv.d rmm 3ff0000000000000 4008000000000000 => 3fd5555555555555 NX
fdiv.d rne bff0000000000000 4008000000000000 => bfd5555555555555 NX
fdiv.d rtz bff0000000000000 4008000000000000 => bfd5555555555555 NX
fdiv.d rdn bff0000000000000 4008000000000000 => bfd5555555555556 NX
fdiv.d rup bff0000000000000 4008000000000000 => bfd5555555555555 NX
fdiv.d rmm bff0000000000000 4008000000000000 => bfd5555555555555 NX
fdiv.d rne 4000000000000000 4008000000000000 => 3fe5555555555555 NX
fdiv.d rtz 4000000000000000 4008000000000000 => 3fe5555555555555 NX
fdiv.d rdn 4000000000000000 4008000000000000 => 3fe5555555555555 NX
fdiv.d rup 4000000000000000 4008000000000000 => 3fe5555555555556 NX
fdiv.d rmm 4000000000000000 4008000000000000 => 3fe5555555555555 NX
fdiv.d rne c000000000000000 4008000000000000 => bfe5555555555555 NX
fdiv.d rtz c000000000000000 4008000000000000 => bfe5555555555555 NX
fdiv.d rdn c000000000000000 4008000000000000 => bfe5555555555556 NX
fdiv.d rup c000000000000000 4008000000000000 => bfe5555555555555 NX
fdiv.d rmm c000000000000000 4008000000000000 => bfe5555555555555 NX
fdiv.d rne 0010000000000000 4008000000000000 => 0005555555555555 UF|NX
fdiv.d rtz 0010000000000000 4008000000000000 => 0005555555555555 UF|NX
fdiv.d rdn 0010000000000000 4008000000000000 => 0005555555555555 UF|NX
fdiv.d rup 0010000000000000 4008000000000000 => 0005555555555556 UF|NX
fdiv.d rmm 0010000000000000 4008000000000000 => 0005555555555555 UF|NX
fdiv.d rne 7fefffffffffffff 3fe0000000000000 => 7ff0000000000000 OF|NX
fdiv.d rtz 7fefffffffffffff 3fe0000000000000 => 7fefffffffffffff OF|NX
fdiv.d rdn 7fefffffffffffff 3fe0000000000000 => 7fefffffffffffff OF|NX
fdiv.d rup 7fefffffffffffff 3fe0000000000000 => 7ff0000000000000 OF|NX
fdiv.d rmm 7fefffffffffffff 3fe0000000000000 => 7ff0000000000000 OF|NX
fdiv.d rne 0000000000000001 4000000000000000 => 0000000000000000 UF|NX
fdiv.d rtz 0000000000000001 4000000000000000 => 0000000000000000 UF|NX
fdiv.d rdn 0000000000000001 4000000000000000 => 0000000000000000 UF|NX
fdiv.d rup 0000000000000001 4000000000000000 => 0000000000000001 UF|NX
fdiv.d rmm 0000000000000001 4000000000000000 => 0000000000000001 UF|NX
fsqrt.d rne 4000000000000000 => 3ff6a09e667f3bcd NX
fsqrt.d rtz 4000000000000000 => 3ff6a09e667f3bcc NX
fsqrt.d rdn 4000000000000000 => 3ff6a09e667f3bcc NX
fsqrt.d rup 4000000000000000 => 3ff6a09e667f3bcd NX
fsqrt.d rmm 4000000000000000 => 3ff6a09e667f3bcd NX
fsqrt.d rne 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d rtz 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d rdn 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d rup 4008000000000000 => 3ffbb67ae8584cab NX
fsqrt.d rmm 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d rne 0000000000000002 => 1e66a09e667f3bcd NX
fsqrt.d rtz 0000000000000002 => 1e66a09e667f3bcc NX
fsqrt.d rdn 0000000000000002 => 1e66a09e667f3bcc NX
fsqrt.d rup 0000000000000002 => 1e66a09e667f3bcd NX
fsqrt.d rmm 0000000000000002 => 1e66a09e667f3bcd NX
fmadd.s rne 3f800001 3f800001 bf800000 => 34800000 NX
fmadd.s rtz 3f800001 3f800001 bf800000 => 34800000 NX
fmadd.s rdn 3f800001 3f800001 bf800000 => 34800000 NX
fmadd.s rup 3f800001 3f800001 bf800000 => 34800001 NX
fmadd.s rmm 3f800001 3f800001 bf800000 => 34800001 NX
fmadd.s rne 3f800000 3f800000 33800000 => 3f800000 NX
fmadd.s rtz 3f800000 3f800000 33800000 => 3f800000 NX
fmadd.s rdn 3f800000 3f800000 33800000 => 3f800000 NX
fmadd.s rup 3f800000 3f800000 33800000 => 3f800001 NX
fmadd.s rmm 3f800000 3f800000 33800000 => 3f800001 NX
fmadd.s rne bf800000 3f800000 b3800000 => bf800000 NX
fmadd.s rtz bf800000 3f800000 b3800000 => bf800000 NX
fmadd.s rdn bf800000 3f800000 b3800000 => bf800001 NX
fmadd.s rup bf800000 3f800000 b3800000 => bf800000 NX
fmadd.s rmm bf800000 3f800000 b3800000 => bf800001 NX
fnmsub.s rne 3f800000 3f800000 b3800000 => bf800000 NX
fnmsub.s rtz 3f800000 3f800000 b3800000 => bf800000 NX
fnmsub.s rdn 3f800000 3f800000 b3800000 => bf800001 NX
fnmsub.s rup 3f800000 3f800000 b3800000 => bf800000 NX
fnmsub.s rmm 3f800000 3f800000 b3800000 => bf800001 NX
fmadd.d rne 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d rtz 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d rdn 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d rup 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000001 NX
fmadd.d rmm 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000001 NX
fmadd.d rne 3ff0000000000000 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fmadd.d rtz 3ff0000000000000 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fmadd.d rdn 3ff0000000000000 3ff0000000000000 3ca0000000000000 => 3ff0000000000000 NX
fmadd.d rup 3ff0000000000000 3ff0000000000000 3ca0000000000000 => 3ff0000000000001 NX
fmadd.d rmm 3ff0000000000000 3ff0000000000000 3ca0000000000000 => 3ff0000000000001 NX
fnmadd.d rne 3ff0000000000000 3ff0000000000000 3ca0000000000000 => bff0000000000000 NX
fnmadd.d rtz 3ff0000000000000 3ff0000000000000 3ca0000000000000 => bff0000000000000 NX
fnmadd.d rdn 3ff0000000000000 3ff0000000000000 3ca0000000000000 => bff0000000000001 NX
fnmadd.d rup 3ff0000000000000 3ff0000000000000 3ca0000000000000 => bff0000000000000 NX
fnmadd.d rmm 3ff0000000000000 3ff0000000000000 3ca0000000000000 => bff0000000000001 NX
fmadd.d rne 7fefffffffffffff 3ff0000000000001 0000000000000000 => 7ff0000000000000 OF|NX
fmadd.d rtz 7fefffffffffffff 3ff0000000000001 0000000000000000 => 7fefffffffffffff OF|NX
fmadd.d rdn 7fefffffffffffff 3ff0000000000001 0000000000000000 => 7fefffffffffffff OF|NX
fmadd.d rup 7fefffffffffffff 3ff0000000000001 0000000000000000 => 7ff0000000000000 OF|NX
fmadd.d rmm 7fefffffffffffff 3ff0000000000001 0000000000000000 => 7ff0000000000000 OF|NX
fmadd.d rne 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmadd.d rtz 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmadd.d rdn 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmadd.d rup 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmadd.d rmm 0010000000000000 3fe0000000000000 0000000000000001 => 0008000000000001 -
fmsub.d rne 0010000000000001 3fe0000000000000 8000000000000000 => 0008000000000000 UF|NX
fmsub.d rtz 0010000000000001 3fe0000000000000 8000000000000000 => 0008000000000000 UF|NX
fmsub.d rdn 0010000000000001 3fe0000000000000 8000000000000000 => 0008000000000000 UF|NX
fmsub.d rup 0010000000000001 3fe0000000000000 8000000000000000 => 0008000000000001 UF|NX
fmsub.d rmm 0010000000000001 3fe0000000000000 8000000000000000 => 0008000000000001 UF|NX
# dynamic rounding mode: the same instruction follows frm
fadd.s dyn:rne 3f800000 33c00000 => 3f800001 NX
fadd.s dyn:rtz 3f800000 33c00000 => 3f800000 NX
fadd.s dyn:rdn 3f800000 33c00000 => 3f800000 NX
fadd.s dyn:rup 3f800000 33c00000 => 3f800001 NX
fadd.s dyn:rmm 3f800000 33c00000 => 3f800001 NX
fadd.d dyn:rne bff0000000000000 bca8000000000000 => bff0000000000001 NX
fadd.d dyn:rtz bff0000000000000 bca8000000000000 => bff0000000000000 NX
fadd.d dyn:rdn bff0000000000000 bca8000000000000 => bff0000000000001 NX
fadd.d dyn:rup bff0000000000000 bca8000000000000 => bff0000000000000 NX
fadd.d dyn:rmm bff0000000000000 bca8000000000000 => bff0000000000001 NX
fmul.d dyn:rne 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d dyn:rtz 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d dyn:rdn 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fmul.d dyn:rup 3ff0000000000001 3ff0000000000001 => 3ff0000000000003 NX
fmul.d dyn:rmm 3ff0000000000001 3ff0000000000001 => 3ff0000000000002 NX
fdiv.s dyn:rne bf800000 40400000 => beaaaaab NX
fdiv.s dyn:rtz bf800000 40400000 => beaaaaaa NX
fdiv.s dyn:rdn bf800000 40400000 => beaaaaab NX
fdiv.s dyn:rup bf800000 40400000 => beaaaaaa NX
fdiv.s dyn:rmm bf800000 40400000 => beaaaaab NX
fmadd.d dyn:rne 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d dyn:rtz 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d dyn:rdn 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000000 NX
fmadd.d dyn:rup 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000001 NX
fmadd.d dyn:rmm 3ff0000000000001 3ff0000000000001 bff0000000000000 => 3cc0000000000001 NX
fsqrt.d dyn:rne 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d dyn:rtz 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d dyn:rdn 4008000000000000 => 3ffbb67ae8584caa NX
fsqrt.d dyn:rup 4008000000000000 => 3ffbb67ae8584cab NX
fsqrt.d dyn:rmm 4008000000000000 => 3ffbb67ae8584caa NX
fcvt.w.d dyn:rne 4004000000000000 => 0000000000000002 NX
fcvt.w.d dyn:rtz 4004000000000000 => 0000000000000002 NX
fcvt.w.d dyn:rdn 4004000000000000 => 0000000000000002 NX
fcvt.w.d dyn:rup 4004000000000000 => 0000000000000003 NX
fcvt.w.d dyn:rmm 4004000000000000 => 0000000000000003 NX
fcvt.s.d dyn:rne 3ff0000030000000 => 3f800002 NX
fcvt.s.d dyn:rtz 3ff0000030000000 => 3f800001 NX
fcvt.s.d dyn:rdn 3ff0000030000000 => 3f800001 NX
fcvt.s.d dyn:rup 3ff0000030000000 => 3f800002 NX
fcvt.s.d dyn:rmm 3ff0000030000000 => 3f800002 NX
fcvt.s.l dyn:rne 0000000001000003 => 4b800002 NX
fcvt.s.l dyn:rtz 0000000001000003 => 4b800001 NX
fcvt.s.l dyn:rdn 0000000001000003 => 4b800001 NX
fcvt.s.l dyn:rup 0000000001000003 => 4b800002 NX
fcvt.s.l dyn:rmm 0000000001000003 => 4b800002 NX` },
  { name: 'fp-flags', title: 'RV64F/D fflags accrual, fcsr, mstatus.FS, and illegal encodings (reserved rounding modes, bad funct fields).', cases: `
# one instruction per flag, from clean fflags
fdiv.s rne 3f800000 40400000 => 3eaaaaab NX
fdiv.d rne 3ff0000000000000 0000000000000000 => 7ff0000000000000 DZ
fmul.d rne 7fefffffffffffff 4000000000000000 => 7ff0000000000000 OF|NX
fmul.s rne 00800000 3f000001 => 00400000 UF|NX
fsqrt.d rne bff0000000000000 => 7ff8000000000000 NV
fcvt.w.s rtz 4f000000 => 000000007fffffff NV
fcvt.wu.d rtz bfe0000000000000 => 0000000000000000 NX
fcvt.s.d rne 0000000000000001 => 00000000 UF|NX
fmin.d 7ff0000000000001 3ff0000000000000 => 3ff0000000000000 NV
fle.s 7fc00000 3f800000 => 0000000000000000 NV
feq.s 7f800001 3f800000 => 0000000000000000 NV
fsgnj.d 7ff0000000000001 3ff0000000000000 => 7ff0000000000001 -
fclass.s 7f800001 => 0000000000000100 -
fmv.x.w ffffffff7f800001 => 000000007f800001 -`, extra: () => FLAGS_EXTRA + illegalTests() },
  { name: 'fp-ldst', title: 'RV64F/D loads and stores: flw/fsw/fld/fsd and compressed forms, NaN-boxing on load.', cases: '', extra: () => LDST_EXTRA, data: LDST_DATA },
];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  for (const f of FILES) {
    const text = emitFile({ ...f, extra: typeof f.extra === 'function' ? f.extra() : f.extra });
    fs.writeFileSync(path.join(dir, `${f.name}.S`), text);
  }
}
