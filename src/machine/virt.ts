// The board: QEMU's riscv `virt` memory map (hw/riscv/virt.c) and the device
// tree generated from the configuration. Keeping QEMU's addresses and IRQ
// numbers lets stock kernels and everyone's knowledge of `virt` carry over.

import { FdtBuilder } from './fdt.js';

export const RAM_BASE = 0x8000_0000;

/** Physical windows of the board (base, size). */
export const VIRT_SYSCON = { base: 0x0010_0000, size: 0x1000 } as const;
export const VIRT_RTC = { base: 0x0010_1000, size: 0x1000 } as const;
export const VIRT_CLINT = { base: 0x0200_0000, size: 0x1_0000 } as const; // inside the CPU core
export const VIRT_PLIC = { base: 0x0c00_0000, size: 0x60_0000 } as const;
export const VIRT_UART0 = { base: 0x1000_0000, size: 0x100 } as const;
/** UART i (UML's ssl<i>) at 0x1000_0000 + 0x100 * i, below the virtio slots. */
export const VIRT_UARTS = 16;
export const uartBase = (i: number): number => VIRT_UART0.base + i * VIRT_UART0.size;
/**
 * virtio-mmio slots: QEMU's eight, then more in the same stride (16 disks, the console and
 * empty disk slots for hot-plug need more than eight), ending below 0x1010_0000 (fw_cfg on QEMU).
 */
export const VIRT_VIRTIO = { base: 0x1000_1000, size: 0x1000, count: 32 } as const;

/** PLIC interrupt sources. */
export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
/** UART 0 has QEMU's IRQ 10; the others take 12, 13, … (after the RTC). */
export const uartIrq = (i: number): number => (i === 0 ? UART0_IRQ : RTC_IRQ + i);
/** virtio-mmio slots 0-7 use QEMU's IRQs 1-8; slots 8 and up take 32, 33, … (past the UARTs). */
export const virtioIrq = (slot: number): number => (slot < 8 ? 1 + slot : 24 + slot);
export const virtioBase = (slot: number): number => VIRT_VIRTIO.base + slot * VIRT_VIRTIO.size;

/** Sources 1..PLIC_NDEV exist (QEMU virt: 95). */
export const PLIC_NDEV = 95;
/** mtime / time CSR frequency, as in QEMU. */
export const TIMEBASE_FREQ = 10_000_000;
/** ns16550a input clock, as in QEMU (3.6864 MHz). */
export const UART_CLOCK = 3_686_400;

/** sifive,test finisher values, also used by the syscon-poweroff/-reboot nodes. */
export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export const ISA_STRING = 'rv64imafdc_zicsr_zifencei';
export const ISA_EXTENSIONS = ['i', 'm', 'a', 'f', 'd', 'c', 'zicsr', 'zifencei', 'zicntr'];

export interface VirtFdtConfig {
  ramSize: number;
  bootargs: string;
  /** Entropy handed to the kernel in /chosen/rng-seed (64 bytes recommended). */
  rngSeed: Uint8Array;
  initrd?: { start: number; end: number };
  uart: boolean;
  /** UARTs present besides (or instead of) uart 0, by index 0..15; `uart` stands for [0]. */
  uarts?: number[];
  rtc: boolean;
  syscon: boolean;
  /** virtio-mmio slots that have a device, in 0..VIRT_VIRTIO.count - 1. */
  virtioSlots: number[];
}

const hex = (v: number): string => v.toString(16);

/** Generates the DTB the kernel receives in a1. */
export function buildVirtFdt(cfg: VirtFdtConfig): Uint8Array {
  const f = new FdtBuilder();
  const intc = f.allocPhandle();
  const cpu0 = f.allocPhandle();
  const plic = f.allocPhandle();
  const test = f.allocPhandle();
  const uarts = [...new Set([...(cfg.uart ? [0] : []), ...(cfg.uarts ?? [])])].sort((a, b) => a - b);
  for (const i of uarts) {
    if (!Number.isInteger(i) || i < 0 || i >= VIRT_UARTS) throw new RangeError(`virt: no UART ${i}`);
  }
  const uartPath = (i: number) => `/soc/serial@${hex(uartBase(i))}`;

  f.beginNode('');
  f.propU32('#address-cells', 2).propU32('#size-cells', 2);
  f.propString('compatible', 'riscv-virtio');
  f.propString('model', 'riscv-virtio,tuml');

  f.beginNode('chosen');
  f.propString('bootargs', cfg.bootargs);
  if (uarts.length) f.propString('stdout-path', uartPath(uarts[0]));
  if (cfg.rngSeed.length > 0) f.prop('rng-seed', cfg.rngSeed);
  if (cfg.initrd) {
    f.propU64('linux,initrd-start', cfg.initrd.start);
    f.propU64('linux,initrd-end', cfg.initrd.end);
  }
  f.endNode();

  // serialN aliases fix the ttySN numbering: UART i is ttySi even when lower ones are absent.
  if (uarts.length) {
    f.beginNode('aliases');
    for (const i of uarts) f.propString(`serial${i}`, uartPath(i));
    f.endNode();
  }

  f.beginNode(`memory@${hex(RAM_BASE)}`);
  f.propString('device_type', 'memory');
  f.propU64('reg', RAM_BASE, cfg.ramSize);
  f.endNode();

  f.beginNode('cpus');
  f.propU32('#address-cells', 1).propU32('#size-cells', 0);
  f.propU32('timebase-frequency', TIMEBASE_FREQ);
  f.beginNode('cpu@0');
  f.propU32('phandle', cpu0);
  f.propString('device_type', 'cpu');
  f.propU32('reg', 0);
  f.propString('status', 'okay');
  f.propString('compatible', 'riscv');
  f.propString('riscv,isa', ISA_STRING);
  f.propString('riscv,isa-base', 'rv64i');
  f.propStrings('riscv,isa-extensions', ISA_EXTENSIONS);
  f.propString('mmu-type', 'riscv,sv39');
  f.beginNode('interrupt-controller');
  f.propU32('#address-cells', 0);
  f.propU32('#interrupt-cells', 1);
  f.propEmpty('interrupt-controller');
  f.propString('compatible', 'riscv,cpu-intc');
  f.propU32('phandle', intc);
  f.endNode();
  f.endNode();
  f.beginNode('cpu-map');
  f.beginNode('cluster0');
  f.beginNode('core0');
  f.propU32('cpu', cpu0);
  f.endNode();
  f.endNode();
  f.endNode();
  f.endNode(); // cpus

  if (cfg.syscon) {
    f.beginNode('poweroff');
    f.propU32('value', FINISHER_PASS).propU32('offset', 0).propU32('regmap', test);
    f.propString('compatible', 'syscon-poweroff');
    f.endNode();
    f.beginNode('reboot');
    f.propU32('value', FINISHER_RESET).propU32('offset', 0).propU32('regmap', test);
    f.propString('compatible', 'syscon-reboot');
    f.endNode();
  }

  f.beginNode('soc');
  f.propU32('#address-cells', 2).propU32('#size-cells', 2);
  f.propString('compatible', 'simple-bus');
  f.propEmpty('ranges');

  if (cfg.syscon) {
    f.beginNode(`test@${hex(VIRT_SYSCON.base)}`);
    f.propU32('phandle', test);
    f.propU64('reg', VIRT_SYSCON.base, VIRT_SYSCON.size);
    f.propStrings('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
    f.endNode();
  }

  if (cfg.rtc) {
    f.beginNode(`rtc@${hex(VIRT_RTC.base)}`);
    f.propU32('interrupts', RTC_IRQ).propU32('interrupt-parent', plic);
    f.propU64('reg', VIRT_RTC.base, VIRT_RTC.size);
    f.propString('compatible', 'google,goldfish-rtc');
    f.endNode();
  }

  for (const i of uarts) {
    f.beginNode(`serial@${hex(uartBase(i))}`);
    f.propU32('interrupts', uartIrq(i)).propU32('interrupt-parent', plic);
    f.propU32('clock-frequency', UART_CLOCK);
    f.propU64('reg', uartBase(i), VIRT_UART0.size);
    f.propString('compatible', 'ns16550a');
    f.endNode();
  }

  // In slot order, so the kernel enumerates slot 0 first (vda, hvc…).
  for (const slot of [...cfg.virtioSlots].sort((a, b) => a - b)) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= VIRT_VIRTIO.count) {
      throw new RangeError(`virt: no virtio-mmio slot ${slot}`);
    }
    f.beginNode(`virtio_mmio@${hex(virtioBase(slot))}`);
    f.propU32('interrupts', virtioIrq(slot)).propU32('interrupt-parent', plic);
    f.propU64('reg', virtioBase(slot), VIRT_VIRTIO.size);
    f.propString('compatible', 'virtio,mmio');
    f.endNode();
  }

  // Context 0 = the hart's M mode (MEIP, 11), context 1 = its S mode (SEIP, 9), as in QEMU.
  f.beginNode(`plic@${hex(VIRT_PLIC.base)}`);
  f.propU32('phandle', plic);
  f.propU32('riscv,ndev', PLIC_NDEV);
  f.propU64('reg', VIRT_PLIC.base, VIRT_PLIC.size);
  f.propU32('interrupts-extended', intc, 11, intc, 9);
  f.propEmpty('interrupt-controller');
  f.propStrings('compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  f.propU32('#address-cells', 0);
  f.propU32('#interrupt-cells', 1);
  f.endNode();

  f.endNode(); // soc
  f.endNode(); // root
  return f.finish();
}
