// ns16550a: registers, RX from the host, THR interrupt, loopback.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Uart16550 } from '../src/machine/uart16550.js';

const RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function setup() {
  const out: number[] = [];
  const irq = { level: false, set(l: boolean) { this.level = l; } };
  const u = new Uart16550({ write: (d) => void out.push(...d) }, irq);
  const r = (o: number) => u.read(o, 1);
  const w = (o: number, v: number) => u.write(o, v, 1);
  return { u, out, irq, r, w };
}

test('transmit goes to the backend; LSR always shows THR empty', () => {
  const { out, r, w } = setup();
  for (const c of 'hi\n') w(THR, c.charCodeAt(0));
  assert.equal(String.fromCharCode(...out), 'hi\n');
  assert.equal(r(LSR) & 0x60, 0x60);
});

test('input waits until the driver enables the receive interrupt, then onRxReady fires', () => {
  const { u, r, w } = setup();
  let ready = 0;
  u.onRxReady = () => ready++;
  assert.equal(u.receive(Uint8Array.of(1, 2)), 0, 'port not open: refused, the host keeps it');
  assert.equal(r(LSR) & 1, 0);
  w(IER, 0x01);
  assert.equal(ready, 1);
  w(IER, 0x03);
  assert.equal(ready, 1, 'only when RDI goes on');
  assert.equal(u.receive(Uint8Array.of(1, 2)), 2);
});

test('receive: data ready, RDI interrupt, bytes in order', () => {
  const { u, irq, r, w } = setup();
  w(IER, 0x01);
  assert.equal(irq.level, false, 'nothing received yet');
  assert.equal(u.receive(new TextEncoder().encode('ab')), 2);
  assert.equal(r(LSR) & 1, 1);
  assert.equal(irq.level, true);
  assert.equal(r(IIR) & 0x0f, 0x04);
  assert.equal(r(RBR), 0x61);
  assert.equal(r(RBR), 0x62);
  assert.equal(r(LSR) & 1, 0);
  assert.equal(irq.level, false);
  assert.equal(r(IIR) & 0x0f, 0x01);
});

test('THRE interrupt: raised on enable, cleared by reading IIR, raised again after a write', () => {
  const { irq, r, w } = setup();
  w(IER, 0x02);
  assert.equal(irq.level, true);
  assert.equal(r(IIR) & 0x0f, 0x02);
  assert.equal(irq.level, false, 'reading IIR acknowledges THRE');
  assert.equal(r(IIR) & 0x0f, 0x01);
  // Linux's THRE test: toggling IER.THRI must re-assert it.
  w(IER, 0);
  w(IER, 0x02);
  assert.equal(r(IIR) & 0x0f, 0x02);
  w(THR, 0x41);
  assert.equal(irq.level, true);
});

test('RX data outranks THRE; FIFO bits show in IIR once enabled', () => {
  const { u, r, w } = setup();
  w(FCR, 0x01);
  w(IER, 0x03);
  assert.equal(u.receive(Uint8Array.of(1)), 1);
  assert.equal(r(IIR), 0xc4);
  r(RBR);
  assert.equal(r(IIR), 0xc2);
});

test('FCR clear drops pending input', () => {
  const { u, r, w } = setup();
  w(IER, 0x01);
  u.receive(Uint8Array.of(1, 2, 3));
  w(FCR, 0x01 | 0x02);
  assert.equal(r(LSR) & 1, 0);
});

test('divisor latch, scratch, LCR and MCR read back', () => {
  const { out, r, w } = setup();
  w(LCR, 0x83);
  w(0, 0x01);
  w(1, 0x02);
  assert.equal(r(0), 0x01);
  assert.equal(r(1), 0x02);
  assert.equal(out.length, 0, 'DLL write is not a transmit');
  w(LCR, 0x03);
  assert.equal(r(LCR), 0x03);
  assert.equal(r(IER), 0, 'IER is separate from DLM');
  w(SCR, 0x5a);
  assert.equal(r(SCR), 0x5a);
  w(MCR, 0x0b);
  assert.equal(r(MCR), 0x0b);
});

test('loopback: THR comes back on RBR and MSR mirrors MCR', () => {
  const { out, r, w } = setup();
  w(MCR, 0x10 | 0x0f);
  assert.equal(r(MSR) & 0xf0, 0xf0);
  w(THR, 0x55);
  assert.equal(out.length, 0);
  assert.equal(r(LSR) & 1, 1);
  assert.equal(r(RBR), 0x55);
  w(MCR, 0x10);
  assert.equal(r(MSR) & 0xf0, 0);
  w(MCR, 0x08);
  assert.equal(r(MSR) & 0xb0, 0xb0, 'outside loopback: a connected modem');
});

test('host input beyond the buffer is refused, and onRxReady says when to retry', () => {
  const { u, r, w } = setup();
  w(IER, 0x01);
  let ready = 0;
  u.onRxReady = () => ready++;
  const big = new Uint8Array(70_000);
  const n = u.receive(big);
  assert.ok(n < big.length);
  assert.equal(u.rxSpace, 0);
  r(RBR);
  assert.equal(ready, 1);
  assert.equal(u.receive(big), 1);
});

test('a congested host holds THR (no THRE, no THRI) until resumeOutput; carrier changes raise MSI', () => {
  const out: number[] = [];
  let full = true;
  const irq = { level: false, set(l: boolean) { this.level = l; } };
  const u = new Uart16550({ write: (d) => (out.push(...d), !full) }, irq);
  u.write(IER, 0x02, 1);
  u.read(IIR, 1); // THRI taken
  u.write(THR, 0x41, 1);
  assert.deepEqual(out, [0x41], 'the byte itself is not lost');
  assert.equal(u.read(LSR, 1) & 0x60, 0, 'THR not empty while held');
  assert.equal(irq.level, false);
  full = false;
  u.resumeOutput();
  assert.equal(u.read(LSR, 1) & 0x60, 0x60);
  assert.equal(irq.level, true, 'THRI once the host takes output again');
  u.write(IER, 0x08, 1); // MSI only
  u.setCarrier(false);
  assert.equal(u.read(IIR, 1) & 0x0f, 0x00, 'modem status interrupt');
  const msr = u.read(MSR, 1);
  assert.equal(msr & 0x80, 0, 'DCD down');
  assert.equal(msr & 0x08, 0x08, 'DDCD');
  u.setCarrier(true);
  assert.equal(u.read(MSR, 1) & 0x88, 0x88);
});
