// SBI served by the emulator, against a fake register file (the SBI logic is
// what is under test here; the hart itself is tested elsewhere).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestMemory, RAM_BASE } from '../src/cpu/hart.js';
import type { PowerRequest } from '../src/machine/power.js';
import {
  SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_EXT_BASE, SBI_EXT_DBCN,
  SBI_EXT_HSM, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_SRST, SBI_EXT_TIME, SBI_IMPL_ID_TUML, Sbi, SbiAction,
  type SbiHart,
} from '../src/machine/sbi.js';

const TWO32 = 0x1_0000_0000;

class FakeHart implements SbiHart {
  readonly regs = new BigUint64Array(32);
  stimecmp = 0;
  readonly csrs = new Map<number, number>([[0xf11, 0x5a5], [0xf12, 7], [0xf13, 0]]);
  flushes = 0;
  readonly mem = new GuestMemory(new Uint8Array(1 << 16));
  x(i: number): number {
    return Number(this.regs[i]);
  }
  xLo(i: number): number {
    return Number(this.regs[i] & 0xffff_ffffn);
  }
  xHi(i: number): number {
    return Number(this.regs[i] >> 32n);
  }
  setX(i: number, v: number): void {
    this.regs[i] = BigInt.asUintN(64, BigInt(v));
  }
  setXParts(i: number, lo: number, hi: number): void {
    this.regs[i] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }
  csr(n: number): number {
    return this.csrs.get(n) ?? 0;
  }
  setCsr(n: number, v: number): void {
    this.csrs.set(n, v);
  }
  tlbFlush(): void {
    this.flushes++;
  }
  /** a0 as a signed 64-bit value. */
  get error(): bigint {
    return BigInt.asIntN(64, this.regs[10]);
  }
  get value(): bigint {
    return this.regs[11];
  }
}

function setup(input = '') {
  const hart = new FakeHart();
  const out: number[] = [];
  const pending = [...new TextEncoder().encode(input)];
  const power: PowerRequest[] = [];
  const sbi = new Sbi(hart, {
    write: (d) => out.push(...d),
    read: (dst) => {
      const n = Math.min(dst.length, pending.length);
      dst.set(pending.splice(0, n));
      return n;
    },
  }, (p) => power.push(p));
  const call = (eid: number, fid: number, ...args: Array<number | bigint>): SbiAction => {
    hart.regs.fill(0n);
    hart.setX(17, eid);
    hart.setX(16, fid);
    args.forEach((a, i) => (hart.regs[10 + i] = BigInt.asUintN(64, BigInt(a))));
    return sbi.handle();
  };
  return { hart, sbi, out, power, call };
}

test('BASE: spec version 2.0, implementation id, probe, machine ids', () => {
  const { hart, call } = setup();
  call(SBI_EXT_BASE, 0);
  assert.equal(hart.error, 0n);
  assert.equal(hart.value, 0x0200_0000n);
  call(SBI_EXT_BASE, 1);
  assert.equal(hart.value, BigInt(SBI_IMPL_ID_TUML));
  for (const eid of [SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN, 0x01, 0x02]) {
    call(SBI_EXT_BASE, 3, eid);
    assert.equal(hart.value, 1n, `probe 0x${eid.toString(16)}`);
  }
  call(SBI_EXT_BASE, 3, 0x504d55); // PMU
  assert.equal(hart.error, 0n);
  assert.equal(hart.value, 0n);
  call(SBI_EXT_BASE, 4);
  assert.equal(hart.value, 0x5a5n);
  call(SBI_EXT_BASE, 99);
  assert.equal(hart.error, BigInt(SBI_ERR_NOT_SUPPORTED));
});

test('unknown extensions answer NOT_SUPPORTED (-2, sign-extended to 64 bits)', () => {
  const { hart, call } = setup();
  call(0x0a000000, 0);
  assert.equal(hart.regs[10], 0xffff_ffff_ffff_fffen);
  assert.equal(hart.value, 0n);
});

test('TIME set_timer writes stimecmp; all-ones means never', () => {
  const { hart, call } = setup();
  call(SBI_EXT_TIME, 0, 12345678);
  assert.equal(hart.stimecmp, 12345678);
  assert.equal(hart.error, 0n);
  call(SBI_EXT_TIME, 0, 0x1_2345_6789n);
  assert.equal(hart.stimecmp, 0x1_2345_6789);
  call(SBI_EXT_TIME, 0, 0xffff_ffff_ffff_ffffn);
  assert.equal(hart.stimecmp, Number.MAX_SAFE_INTEGER);
  call(0x00, 0, 500); // legacy set_timer
  assert.equal(hart.stimecmp, 500);
});

test('legacy console putchar/getchar', () => {
  const { hart, out, call } = setup('x');
  call(0x01, 0, 0x41);
  assert.deepEqual(out, [0x41]);
  call(0x02, 0);
  assert.equal(hart.error, 0x78n);
  call(0x02, 0);
  assert.equal(hart.error, -1n, 'no input');
});

test('IPI to self sets SSIP through sip; other harts are invalid', () => {
  const { hart, call } = setup();
  call(SBI_EXT_IPI, 0, 1, 0);
  assert.equal(hart.error, 0n);
  assert.equal(hart.csr(0x144), 2);
  hart.setCsr(0x144, 0);
  call(SBI_EXT_IPI, 0, 0, -1); // base -1: all harts
  assert.equal(hart.csr(0x144), 2);
  hart.setCsr(0x144, 0);
  call(SBI_EXT_IPI, 0, 0b10, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
  call(SBI_EXT_IPI, 0, 1, 1);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
  assert.equal(hart.csr(0x144), 0);
  call(0x04, 0, 0); // legacy send_ipi
  assert.equal(hart.csr(0x144), 2);
  call(0x03, 0); // legacy clear_ipi
  assert.equal(hart.csr(0x144), 0);
});

test('RFENCE flushes the TLB; hypervisor fences are not supported', () => {
  const { hart, call } = setup();
  call(SBI_EXT_RFENCE, 1, 1, 0, 0x1000, 0x1000);
  assert.equal(hart.error, 0n);
  call(SBI_EXT_RFENCE, 0, 0, -1);
  assert.equal(hart.flushes, 2);
  call(SBI_EXT_RFENCE, 3, 1, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_NOT_SUPPORTED));
});

test('HSM: hart 0 is started and cannot be started again; suspend idles', () => {
  const { hart, call } = setup();
  call(SBI_EXT_HSM, 0, 0, 0x8020_0000, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_ALREADY_AVAILABLE));
  call(SBI_EXT_HSM, 0, 1, 0x8020_0000, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
  call(SBI_EXT_HSM, 2, 0);
  assert.equal(hart.error, 0n);
  assert.equal(hart.value, 0n);
  call(SBI_EXT_HSM, 2, 3);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
  assert.equal(call(SBI_EXT_HSM, 3, 0, 0, 0), SbiAction.Suspend);
  assert.equal(hart.error, 0n);
  assert.equal(call(SBI_EXT_HSM, 3, 0x8000_0000, 0, 0), SbiAction.Continue);
  assert.equal(hart.error, BigInt(SBI_ERR_NOT_SUPPORTED));
  call(SBI_EXT_HSM, 3, 5, 0, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
});

test('SRST: shutdown and reboots become power requests; bad types are refused', () => {
  const { hart, power, call } = setup();
  call(SBI_EXT_SRST, 0, 0, 0);
  call(SBI_EXT_SRST, 0, 0, 1);
  call(SBI_EXT_SRST, 0, 1, 0);
  call(SBI_EXT_SRST, 0, 2, 0);
  assert.deepEqual(power, [
    { kind: 'poweroff', code: 0 }, { kind: 'poweroff', code: 1 },
    { kind: 'reboot', warm: false }, { kind: 'reboot', warm: true },
  ]);
  call(SBI_EXT_SRST, 0, 3, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM));
  call(SBI_EXT_SRST, 0, 0xf000_0000, 0);
  assert.equal(hart.error, BigInt(SBI_ERR_NOT_SUPPORTED));
  call(0x08, 0); // legacy shutdown
  assert.deepEqual(power.at(-1), { kind: 'poweroff', code: 0 });
});

test('DBCN write/read/write_byte with bounds-checked physical addresses', () => {
  const { hart, out, call } = setup('in');
  hart.mem.write(RAM_BASE + 0x100, new TextEncoder().encode('hello'));
  call(SBI_EXT_DBCN, 0, 5, RAM_BASE + 0x100, 0);
  assert.equal(hart.error, 0n);
  assert.equal(hart.value, 5n);
  assert.equal(String.fromCharCode(...out), 'hello');
  call(SBI_EXT_DBCN, 2, 0x21);
  assert.equal(out.at(-1), 0x21);
  call(SBI_EXT_DBCN, 1, 16, RAM_BASE + 0x200, 0);
  assert.equal(hart.value, 2n);
  assert.equal(String.fromCharCode(...hart.mem.view(RAM_BASE + 0x200, 2)!), 'in');

  const before = out.length;
  for (const [n, lo, hi] of [
    [5, RAM_BASE - 1, 0], // below RAM
    [0x20000, RAM_BASE, 0], // runs past the end of RAM
    [5, RAM_BASE, 1], // upper XLEN bits set
    [5, RAM_BASE + 3 * TWO32, 0],
    [TWO32 + 5, RAM_BASE, 0],
  ]) {
    call(SBI_EXT_DBCN, 0, n, lo, hi);
    assert.equal(hart.error, BigInt(SBI_ERR_INVALID_PARAM), `write ${n} at ${lo}/${hi}`);
  }
  assert.equal(out.length, before, 'nothing printed from bad buffers');
});
