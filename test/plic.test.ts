// PLIC: priorities, enables, thresholds, claim/complete, per-context outputs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Plic } from '../src/machine/plic.js';

const PRIO = (i: number) => 4 * i;
const PENDING = 0x1000;
const ENABLE = (c: number) => 0x2000 + 0x80 * c;
const THRESHOLD = (c: number) => 0x20_0000 + 0x1000 * c;
const CLAIM = (c: number) => 0x20_0004 + 0x1000 * c;

function setup() {
  const out = [false, false];
  const log: string[] = [];
  const plic = new Plic(95, [
    (l) => { out[0] = l; log.push(`M${l ? 1 : 0}`); },
    (l) => { out[1] = l; log.push(`S${l ? 1 : 0}`); },
  ]);
  const w = (off: number, v: number) => plic.write(off, v, 4);
  const r = (off: number) => plic.read(off, 4);
  return { plic, out, log, w, r };
}

test('a source needs priority > threshold and an enable bit to reach a context', () => {
  const { plic, out, w, r } = setup();
  plic.line(10).set(true);
  assert.equal(r(PENDING), 1 << 10, 'pending regardless of enables');
  assert.deepEqual(out, [false, false]);
  w(ENABLE(1), 1 << 10);
  assert.deepEqual(out, [false, false], 'priority 0 never interrupts');
  w(PRIO(10), 1);
  assert.deepEqual(out, [false, true], 'S context only');
  w(THRESHOLD(1), 1);
  assert.equal(out[1], false, 'threshold masks equal priority');
  w(THRESHOLD(1), 0);
  assert.equal(out[1], true);
});

test('claim returns the highest priority (lowest id on ties), complete re-arms a still-high line', () => {
  const { plic, out, w, r } = setup();
  w(ENABLE(1), (1 << 1) | (1 << 3) | (1 << 10));
  w(PRIO(1), 2);
  w(PRIO(3), 2);
  w(PRIO(10), 5);
  plic.line(1).set(true);
  plic.line(3).set(true);
  plic.line(10).set(true);
  assert.equal(r(CLAIM(1)), 10);
  assert.equal(r(PENDING) & (1 << 10), 0, 'claim clears pending');
  assert.equal(r(CLAIM(1)), 1);
  assert.equal(r(CLAIM(1)), 3);
  assert.equal(r(CLAIM(1)), 0);
  assert.equal(out[1], false, 'everything claimed: output low');
  // Source 10 is still asserted: completing it makes it pending again.
  w(CLAIM(1), 10);
  assert.equal(out[1], true);
  assert.equal(r(CLAIM(1)), 10);
  plic.line(10).set(false);
  w(CLAIM(1), 10);
  assert.equal(r(CLAIM(1)), 0);
});

test('a claimed source that is not enabled cannot be completed (PLIC spec), a re-enabled one can', () => {
  const { plic, w, r } = setup();
  w(ENABLE(1), 1 << 5);
  w(PRIO(5), 1);
  plic.line(5).set(true);
  assert.equal(r(CLAIM(1)), 5);
  w(ENABLE(1), 0);
  w(CLAIM(1), 5); // ignored
  w(ENABLE(1), 1 << 5);
  assert.equal(r(CLAIM(1)), 0, 'still in flight');
  w(CLAIM(1), 5); // Linux's eoi path for a masked irq: enable, complete, disable
  assert.equal(r(CLAIM(1)), 5);
});

test('contexts are independent: M context drives its own output', () => {
  const { plic, out, w, r } = setup();
  w(ENABLE(0), 1 << 2);
  w(PRIO(2), 7);
  plic.line(2).set(true);
  assert.deepEqual(out, [true, false]);
  assert.equal(r(CLAIM(1)), 0, 'not enabled for S');
  assert.equal(r(CLAIM(0)), 2);
  assert.deepEqual(out, [false, false]);
});

test('registers: priority has 3 bits, source 0 and bits past ndev do not exist, pending is read-only', () => {
  const { w, r } = setup();
  w(PRIO(4), 0xffff_ffff);
  assert.equal(r(PRIO(4)), 7);
  w(PRIO(0), 3);
  assert.equal(r(PRIO(0)), 0);
  w(ENABLE(1), 0xffff_ffff);
  assert.equal(r(ENABLE(1)), 0xffff_fffe);
  w(ENABLE(1) + 8, 0xffff_ffff); // sources 64..95
  assert.equal(r(ENABLE(1) + 8), 0xffff_ffff);
  w(ENABLE(1) + 12, 0xffff_ffff); // 96.. do not exist
  assert.equal(r(ENABLE(1) + 12), 0);
  w(PENDING, 0xffff_ffff);
  assert.equal(r(PENDING), 0);
  assert.equal(r(THRESHOLD(2)), 0, 'no third context');
});

test('output only toggles on changes', () => {
  const { plic, log, w } = setup();
  w(ENABLE(1), 1 << 7);
  w(PRIO(7), 1);
  plic.line(7).set(true);
  plic.line(7).set(true);
  w(PRIO(7), 2);
  assert.deepEqual(log, ['S1']);
  plic.line(7).set(false);
  assert.deepEqual(log, ['S1', 'S0']);
});
