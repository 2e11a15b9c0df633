// The core's record of pages holding translated code (core/rv64/mmu.ts): a store of any
// kind to a marked page unmarks it, even when the store TLB already mapped the page
// before it was marked; loads, FENCE.I and SFENCE.VMA do not; host writes do. Also the
// exit codes the host reads from the core's EXIT_* exports.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Exit, Hart, RAM_BASE } from '../src/cpu/hart.js';
import { coreModule } from '../src/host/wasm.js';

const noMmio = {
  read: () => 0,
  write: () => {},
};

// Bare-metal M-mode, no translation: physical = virtual.
const PROGRAM = [
  0x00001297, // auipc t0, 1             t0 = RAM_BASE + 0x1000
  0x0002a023, // sw zero, 0(t0)
  0x0002a223, // sw zero, 4(t0)
  0x0002a02f, // amoadd.w zero, zero, (t0)
  0x7ff28313, // addi t1, t0, 2047
  0x7e033ea3, // sd zero, 2045(t1)       RAM_BASE + 0x1ffc: across into the next page
  0x0002a383, // lw t2, 0(t0)
  0x0000100f, // fence.i
  0x12000073, // sfence.vma
];

async function hart(): Promise<Hart> {
  const h = await Hart.create(await coreModule(), 1 << 20, noMmio);
  const code = new Uint8Array(new Uint32Array(PROGRAM).buffer);
  assert.ok(h.mem.write(RAM_BASE, code));
  h.pc = RAM_BASE;
  return h;
}

test('stores unmark code pages, loads and fences do not', async () => {
  const h = await hart();
  const p1 = RAM_BASE + 0x1000;
  const p2 = RAM_BASE + 0x2000;
  const p3 = RAM_BASE + 0x3000;

  // auipc; sw: the store TLB now maps p1
  assert.equal(h.run(2), Exit.Budget);
  assert.equal(h.codeWrites, 0);
  h.markCodePage(p1 + 0x10); // any address in the page
  assert.ok(h.isCodePage(p1));
  assert.ok(!h.isCodePage(p2));

  assert.equal(h.run(1), Exit.Budget); // sw zero, 4(t0)
  assert.ok(!h.isCodePage(p1), 'a store to a page the store TLB already mapped went unseen');
  assert.equal(h.codeWrites, 1);

  h.markCodePage(p1);
  h.run(1); // amoadd.w
  assert.ok(!h.isCodePage(p1), 'an AMO went unseen');
  assert.equal(h.codeWrites, 2);

  h.markCodePage(p2);
  h.run(2); // addi; sd across p1/p2
  assert.ok(!h.isCodePage(p2), 'the second page of a page-crossing store went unseen');
  assert.equal(h.codeWrites, 3);

  h.markCodePage(p1);
  h.markCodePage(p3);
  h.run(1); // lw
  assert.ok(h.isCodePage(p1) && h.isCodePage(p3), 'a load unmarked a page');
  assert.equal(h.codeWrites, 3);

  // translations are of physical pages and follow every store: fences keep them
  h.run(1); // fence.i
  assert.ok(h.isCodePage(p1) && h.isCodePage(p3));
  h.run(1); // sfence.vma
  assert.ok(h.isCodePage(p1) && h.isCodePage(p3));
  assert.equal(h.codeFences, 0);
  assert.equal(h.pc, RAM_BASE + 4 * PROGRAM.length);
  assert.equal(h.codeWrites, 3);
});

test('with the translator on, host writes through guest-memory views unmark code pages', async () => {
  const h = await Hart.create(await coreModule(), 1 << 20, noMmio, { jit: true });
  const p1 = RAM_BASE + 0x1000;
  h.markCodePage(p1);
  h.markCodePage(p1 + 0x1000);
  assert.ok(h.mem.read(p1, new Uint8Array(8)));
  assert.ok(h.isCodePage(p1), 'a read unmarked a page');
  h.mem.view(p1 + 0xff8, 16);
  assert.ok(!h.isCodePage(p1) && !h.isCodePage(p1 + 0x1000));
  h.markCodePage(p1);
  h.mem.write(p1 + 4, new Uint8Array(4));
  assert.ok(!h.isCodePage(p1));
});

test('pages outside RAM cannot be marked', async () => {
  const h = await hart();
  h.markCodePage(RAM_BASE - 0x1000);
  h.markCodePage(RAM_BASE + (1 << 20));
  assert.ok(!h.isCodePage(RAM_BASE - 0x1000));
  assert.ok(!h.isCodePage(RAM_BASE + (1 << 20)));
});

test('exit codes come from the core: a budget runs out, a WFI waits', async () => {
  const h = await Hart.create(await coreModule(), 1 << 20, noMmio);
  h.mem.write(RAM_BASE, new Uint8Array(new Uint32Array([0x00000013, 0x10500073]).buffer)); // nop; wfi
  h.pc = RAM_BASE;
  assert.equal(h.run(1), Exit.Budget);
  assert.equal(h.run(10), Exit.Wfi);
});
