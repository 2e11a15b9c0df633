// The FDT writer and the virt board's device tree, checked by decompiling the
// blob with the real device-tree compiler (dtc).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FdtBuilder } from '../src/machine/fdt.js';
import { buildVirtFdt } from '../src/machine/virt.js';

/** dtb → dts with dtc; fails the test on any dtc warning or error. */
function decompile(blob: Uint8Array): string {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], { input: blob, encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  assert.equal(r.stderr, '', `dtc warnings:\n${r.stderr}`);
  return r.stdout;
}

test('a small tree round-trips through dtc', () => {
  const f = new FdtBuilder();
  f.reserve(0x8000_0000, 0x1000);
  f.beginNode('');
  f.propU32('#address-cells', 2).propU32('#size-cells', 2);
  f.propString('model', 'test');
  f.beginNode('node@1000');
  f.propU64('reg', 0x1000, 0x2_0000_0000);
  f.propStrings('compatible', ['a,b', 'c']);
  f.propEmpty('flag');
  f.prop('bytes', new Uint8Array([1, 2, 3]));
  f.endNode();
  f.endNode();
  const dts = decompile(f.finish());
  assert.match(dts, /\/memreserve\/\s+0x0*80000000 0x0*1000;/);
  assert.match(dts, /model = "test";/);
  assert.match(dts, /node@1000 \{/);
  assert.match(dts, /reg = <0x00 0x1000 0x02 0x00>;/);
  assert.match(dts, /compatible = "a,b\\0c";/);
  assert.match(dts, /flag;/);
  assert.match(dts, /bytes = \[01 02 03\];/);
});

test('the header is version 17 with consistent offsets', () => {
  const f = new FdtBuilder();
  f.beginNode('').propString('x', 'y').endNode();
  const b = f.finish();
  const dv = new DataView(b.buffer);
  assert.equal(dv.getUint32(0), 0xd00dfeed);
  assert.equal(dv.getUint32(4), b.length);
  assert.equal(dv.getUint32(20), 17);
  assert.equal(dv.getUint32(24), 16);
  const offStruct = dv.getUint32(8);
  const offStrings = dv.getUint32(12);
  assert.equal(offStruct % 4, 0);
  assert.equal(offStrings, offStruct + dv.getUint32(36));
  assert.equal(b.length, offStrings + dv.getUint32(32));
});

test('nesting mistakes are caught', () => {
  const f = new FdtBuilder();
  assert.throws(() => f.prop('x', new Uint8Array()), /outside any node/);
  f.beginNode('');
  assert.throws(() => f.finish(), /left open/);
});

test('the virt device tree has everything a Linux guest needs', () => {
  const seed = new Uint8Array(64).map((_, i) => i);
  const blob = buildVirtFdt({
    ramSize: 128 * 1024 * 1024,
    bootargs: 'console=ttyS0 earlycon=sbi',
    rngSeed: seed,
    initrd: { start: 0x87c0_0000, end: 0x87d0_0000 },
    uart: true,
    rtc: true,
    syscon: true,
    virtioSlots: [0, 2],
  });
  const dts = decompile(blob);
  for (const re of [
    /chosen \{[^}]*bootargs = "console=ttyS0 earlycon=sbi";/s,
    /stdout-path = "\/soc\/serial@10000000";/,
    /rng-seed = <0x10203 /,
    /linux,initrd-start = <0x00 0x87c00000>;/,
    /linux,initrd-end = <0x00 0x87d00000>;/,
    /memory@80000000 \{\s*device_type = "memory";\s*reg = <0x00 0x80000000 0x00 0x8000000>;/,
    /timebase-frequency = <0x989680>;/,
    /riscv,isa = "rv64imafdc_zicsr_zifencei";/,
    /riscv,isa-base = "rv64i";/,
    /riscv,isa-extensions = "i\\0m\\0a\\0f\\0d\\0c\\0zicsr\\0zifencei\\0zicntr";/,
    /mmu-type = "riscv,sv39";/,
    /compatible = "riscv,cpu-intc";/,
    /plic@c000000 \{[^}]*riscv,ndev = <0x5f>;/s,
    /compatible = "sifive,plic-1.0.0\\0riscv,plic0";/,
    /serial@10000000 \{[^}]*interrupts = <0x0a>;[^}]*compatible = "ns16550a";/s,
    /rtc@101000 \{[^}]*interrupts = <0x0b>;[^}]*compatible = "google,goldfish-rtc";/s,
    /test@100000 \{[^}]*compatible = "sifive,test1\\0sifive,test0\\0syscon";/s,
    /poweroff \{[^}]*value = <0x5555>;[^}]*compatible = "syscon-poweroff";/s,
    /reboot \{[^}]*value = <0x7777>;[^}]*compatible = "syscon-reboot";/s,
    /virtio_mmio@10001000 \{[^}]*interrupts = <0x01>;[^}]*compatible = "virtio,mmio";/s,
    /virtio_mmio@10003000 \{[^}]*interrupts = <0x03>;/s,
  ]) {
    assert.match(dts, re);
  }
  assert.doesNotMatch(dts, /virtio_mmio@10002000/);
  // PLIC contexts: M-mode external (11) then S-mode external (9) of the hart's intc.
  const intc = /interrupt-controller \{[^}]*phandle = <(0x[0-9a-f]+)>/s.exec(dts)?.[1];
  assert.ok(intc);
  assert.match(dts, new RegExp(`interrupts-extended = <${intc} 0x0b ${intc} 0x09>;`));
});

test('a minimal virt tree (no optional devices) is valid too', () => {
  const dts = decompile(buildVirtFdt({
    ramSize: 64 << 20, bootargs: '', rngSeed: new Uint8Array(0), uart: false, rtc: false, syscon: false, virtioSlots: [],
  }));
  assert.doesNotMatch(dts, /serial@|rtc@|poweroff|initrd|stdout-path/);
  // dtc can compile its own output back into a blob.
  execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', '/dev/null', '-'], { input: dts, stdio: ['pipe', 'ignore', 'pipe'] });
});

test('serial lines: UART i at 0x10000000 + 0x100*i with its own IRQ and serial<i> alias; absent ones leave gaps', () => {
  const dts = decompile(buildVirtFdt({
    ramSize: 64 << 20, bootargs: '', rngSeed: new Uint8Array(0), uart: false, uarts: [2, 15], rtc: true, syscon: false, virtioSlots: [],
  }));
  assert.match(dts, /serial2 = "\/soc\/serial@10000200";/);
  assert.match(dts, /serial15 = "\/soc\/serial@10000f00";/);
  assert.match(dts, /stdout-path = "\/soc\/serial@10000200";/);
  assert.match(dts, /serial@10000200 \{[^}]*interrupts = <0x0d>;/s);
  assert.match(dts, /serial@10000f00 \{[^}]*interrupts = <0x1a>;/s);
  assert.doesNotMatch(dts, /serial@10000000|serial0 =/);
  assert.throws(() => buildVirtFdt({
    ramSize: 64 << 20, bootargs: '', rngSeed: new Uint8Array(0), uart: false, uarts: [16], rtc: false, syscon: false, virtioSlots: [],
  }), /no UART 16/);
});
