// The machine end to end with the real CPU core (build/cpu.wasm): tiny
// hand-assembled S-mode programs stand in for a kernel. Also the boot layout.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NodeClock, NodeScheduler } from '../src/host/clock.js';
import { BootError, Machine, type MachineOptions, layoutBoot, parseKernelImage } from '../src/machine/machine.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const wasmPath = join(root, 'build', 'cpu.wasm');
const haveCore = existsSync(wasmPath);
const MIB = 1 << 20;

// ---- a minimal RV64 assembler: just what the programs below use ----
const T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A6 = 16, A7 = 17;
const lui = (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37;
const auipc = (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17;
const addi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
const store = (f3: number) => (rs2: number, off: number, rs1: number) =>
  (((off >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((off & 0x1f) << 7) | 0x23;
const sb = store(0);
const sw = store(2);
const lwu = (rd: number, off: number, rs1: number) => ((off & 0xfff) << 20) | (rs1 << 15) | (6 << 12) | (rd << 7) | 0x03;
const csrrs = (rd: number, csr: number, rs1: number) => (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
const csrrw = (rd: number, csr: number, rs1: number) => (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73;
const csrrsi = (rd: number, csr: number, uimm: number) => (csr << 20) | (uimm << 15) | (6 << 12) | (rd << 7) | 0x73;
const jal = (rd: number, off: number) =>
  (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
const slli = (rd: number, rs1: number, sh: number) => (sh << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x13;
const ECALL = 0x00000073;
const WFI = 0x10500073;
/** li for 32-bit values: lui + addi with the carry handled. */
const li = (rd: number, v: number) => {
  const lo = ((v & 0xfff) << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return hi ? [lui(rd, hi), addi(rd, rd, lo)] : [addi(rd, 0, lo)];
};
const program = (...words: Array<number | number[]>) => {
  const w = words.flat();
  const b = new Uint8Array(w.length * 4);
  const dv = new DataView(b.buffer);
  w.forEach((x, i) => dv.setUint32(i * 4, x >>> 0, true));
  return b;
};

async function start(kernel: Uint8Array, extra: Partial<MachineOptions> = {}) {
  const out: number[] = [];
  const sbiOut: number[] = [];
  const m = await Machine.create({
    core: await WebAssembly.compile(readFileSync(wasmPath)),
    ramSize: 16 * MIB,
    kernel,
    cmdline: 'console=ttyS0',
    clock: new NodeClock(),
    scheduler: new NodeScheduler(),
    random: (b) => b.fill(7),
    sbiConsole: { write: (d) => sbiOut.push(...d), read: () => 0 },
    uart: { write: (d) => void out.push(...d) },
    rtc: true,
    syscon: true,
    ...extra,
  });
  return { m, out, sbiOut };
}

const text = (b: number[]) => String.fromCharCode(...b);

test('boot layout: kernel at RAM + text_offset, DTB 2 MiB-aligned at the top, initrd below it', () => {
  const kernel = new Uint8Array(3 * MIB);
  const l = layoutBoot(64 * MIB, kernel, 1_000_000, 4000);
  assert.equal(l.kernelStart, 0x8020_0000);
  assert.equal(l.entry, 0x8020_0000);
  assert.equal(l.fdtStart, 0x8000_0000 + 62 * MIB);
  assert.equal(l.initrdEnd <= l.fdtStart, true);
  assert.equal(l.initrdStart % 4096, 0);
  assert.throws(() => layoutBoot(8 * MIB, kernel, 1_000_000, 4000), /Too few physical memory! Needed=\d+, given=8388608/);
});

test('the RISC-V Image header: text_offset and image_size (which covers the bss)', () => {
  const k = new Uint8Array(4096);
  const dv = new DataView(k.buffer);
  dv.setUint32(8, 0x20_0000, true); // text_offset
  dv.setUint32(16, 0x80_0000, true); // image_size
  k.set(new TextEncoder().encode('RISCV\0\0\0RSC\x05'), 48);
  assert.deepEqual(parseKernelImage(k), { textOffset: 0x20_0000, imageSize: 0x80_0000 });
  assert.deepEqual(parseKernelImage(new Uint8Array(100)), { textOffset: 0x20_0000, imageSize: 100 });
  const elf = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1);
  assert.throws(() => parseKernelImage(elf), BootError);
});

test('UART output, SBI console, then SBI SRST poweroff; a1 holds the DTB', { skip: !haveCore && 'no build/cpu.wasm', timeout: 10_000 }, async () => {
  const { m, out, sbiOut } = await start(program(
    li(T0, 0x1000_0000),
    li(T1, 0x4f), sb(T1, 0, T0), // 'O'
    li(T1, 0x4b), sb(T1, 0, T0), // 'K'
    li(A7, 1), li(A0, 0x21), ECALL, // legacy putchar '!'
    lwu(T2, 0, A1), li(T0, 0x801), slli(T0, T0, 20), sw(T2, 0, T0), // DTB magic → RAM + 1 MiB
    li(A7, 0x53525354), li(A6, 0), li(A0, 0), li(A1, 0), ECALL, // SRST shutdown
    jal(0, 0),
  ));
  const exit = await m.run();
  assert.deepEqual(exit, { kind: 'poweroff', code: 0 });
  assert.equal(text(out), 'OK');
  assert.equal(text(sbiOut), '!');
  assert.deepEqual([...m.hart.mem.view(0x8010_0000, 4)!], [0xd0, 0x0d, 0xfe, 0xed], 'a1 pointed at the DTB (magic, big-endian)');
});

test('syscon: FINISHER_FAIL carries the exit status', { skip: !haveCore && 'no build/cpu.wasm', timeout: 10_000 }, async () => {
  const { m } = await start(program(
    li(T0, 0x0010_0000),
    li(T1, (7 << 16) | 0x3333), sw(T1, 0, T0),
    jal(0, 0),
  ));
  assert.deepEqual(await m.run(), { kind: 'poweroff', code: 7 });
});

test('WFI sleeps until the SBI timer fires, then the interrupt is taken', { skip: !haveCore && 'no build/cpu.wasm', timeout: 10_000 }, async () => {
  // stvec = handler; sie.STIE; set_timer(now + 20 ms); sstatus.SIE; wfi loop. Handler: poweroff 5.
  const prog = program(
    auipc(T0, 0), addi(T0, T0, 4 * 21), csrrw(0, 0x105, T0), // stvec (handler is word 21)
    li(T0, 0x20), csrrs(0, 0x104, T0), // sie.STIE
    csrrs(A0, 0xc01, 0), li(T1, 200_000), [0x006505b3 /* add a1,a0,t1 */], addi(A0, 11, 0), // a0 = time + 20 ms
    li(A7, 0x54494d45), li(A6, 0), ECALL, // TIME set_timer
    csrrsi(0, 0x100, 2), // sstatus.SIE
    WFI, jal(0, -4),
  );
  const words = prog.length / 4;
  const handler = program(li(T0, 0x0010_0000), li(T1, (5 << 16) | 0x3333), sw(T1, 0, T0), jal(0, 0));
  assert.ok(words <= 21);
  const kernel = new Uint8Array([...prog, ...program(...Array(21 - words).fill(0x00000013)), ...handler]);
  const t0 = performance.now();
  const { m } = await start(kernel);
  const exit = await m.run();
  const ms = performance.now() - t0;
  assert.deepEqual(exit, { kind: 'poweroff', code: 5 });
  assert.ok(ms >= 15, `woke after ${ms.toFixed(1)} ms`);
  // After the syscon write the handler spins out the rest of its run() budget (50 000);
  // 20 ms of spinning in WFI instead would be millions of instructions.
  assert.ok(m.hart.instret < 100_000, `slept instead of spinning (${m.hart.instret} instructions)`);
});

test('reboot restarts the machine; noreboot ends it instead', { skip: !haveCore && 'no build/cpu.wasm', timeout: 10_000 }, async () => {
  const reboot = program(li(A7, 0x53525354), li(A6, 0), li(A0, 1), li(A1, 0), ECALL, jal(0, 0));
  const once = await start(reboot, { noreboot: true });
  assert.deepEqual(await once.m.run(), { kind: 'reboot' });
  assert.equal(once.m.boots, 1);

  // Without noreboot the program reboots forever; stop it after a few boots.
  const loop = await start(reboot);
  const done = loop.m.run();
  while (loop.m.boots < 3) await new Promise((r) => setTimeout(r, 5));
  loop.m.stop();
  assert.deepEqual(await done, { kind: 'stopped' });
});

test('an access to an unmapped address faults into the guest and is reported', { skip: !haveCore && 'no build/cpu.wasm', timeout: 10_000 }, async () => {
  // stvec = handler that powers off with status 3; then load from 0x3000_0000.
  const warnings: string[] = [];
  const body = program(
    auipc(T0, 0), addi(T0, T0, 4 * 8), csrrw(0, 0x105, T0),
    li(T1, 0x3000_0000), lwu(T2, 0, T1), jal(0, 0), 0x13, 0x13,
  );
  const handler = program(li(T0, 0x0010_0000), li(T1, (3 << 16) | 0x3333), sw(T1, 0, T0), jal(0, 0));
  const { m } = await start(new Uint8Array([...body, ...handler]), { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(await m.run(), { kind: 'poweroff', code: 3 });
  assert.match(warnings.join('\n'), /read from unmapped address 0x30000000/);
});

test('the machine clock stops while paused; timers on it wait through a pause', async () => {
  // A hand-driven clock and scheduler: what the machine does with time is checked without sleeping.
  let now = 1000;
  const timers: Array<{ at: number; cb: () => void; dead: boolean }> = [];
  const clock = { now: () => now, wallNs: () => 0n };
  const scheduler = {
    schedule(cb: () => void, ms: number) {
      const t = { at: now + ms, cb, dead: false };
      timers.push(t);
      return () => void (t.dead = true);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0)) {
      if (t.dead) continue;
      if (t.at <= now) t.cb();
      else timers.push(t);
    }
  };
  const { m } = await start(program(WFI, jal(0, -4)), { clock, scheduler });
  const t0 = m.runTimeMs();
  const fired: number[] = [];
  m.afterRunTime(100, () => fired.push(m.runTimeMs() - t0));
  advance(60);
  m.pause();
  advance(500); // paused: the machine's clock and the timer stand still
  assert.equal(m.runTimeMs() - t0, 60);
  assert.equal(fired.length, 0);
  m.resume();
  advance(30);
  assert.equal(fired.length, 0);
  advance(10);
  assert.deepEqual(fired, [100]);
  const cancel = m.afterRunTime(10, () => fired.push(-1));
  cancel();
  advance(50);
  assert.deepEqual(fired, [100], 'a cancelled timer never fires');
});
