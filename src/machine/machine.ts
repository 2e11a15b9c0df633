// The whole machine: one hart in SBI mode, the virt board's devices, the boot
// images, and the run loop. Host services (clock, scheduler, consoles, entropy)
// come in through small interfaces, so this file runs anywhere wasm does.
//
// Boot protocol (Linux Documentation/riscv/boot.rst): the kernel Image at
// RAM + text_offset (2 MiB), entered in S-mode with a0 = hart id, a1 = DTB,
// satp = 0. The DTB sits 2 MiB-aligned below the top of RAM (as QEMU does),
// the initrd right below it.

import { Exit, Hart, type MmioHandler } from '../cpu/hart.js';
import type { VirtioDevice } from '../virtio/device.js';
import { VirtioMmio } from '../virtio/mmio.js';
import { MmioBus } from './bus.js';
import { Plic } from './plic.js';
import type { PowerRequest } from './power.js';
import { GoldfishRtc } from './rtc.js';
import { Sbi, SbiAction, type SbiConsole } from './sbi.js';
import { Syscon } from './syscon.js';
import { Uart16550, type UartBackend } from './uart16550.js';
import {
  PLIC_NDEV, RAM_BASE, RTC_IRQ, TIMEBASE_FREQ, VIRT_PLIC, VIRT_RTC, VIRT_SYSCON, VIRT_UART0, VIRT_UARTS, uartBase, uartIrq,
  VIRT_VIRTIO, buildVirtFdt, virtioBase, virtioIrq,
} from './virt.js';

const MIP_MEIP = 1 << 11;
const MIP_SEIP = 1 << 9;
const PRV_S = 1;
const CSR_SCOUNTEREN = 0x106;
const MIB = 1024 * 1024;

/** Instructions per run() call; the host clock is sampled between calls. */
const RUN_BUDGET = 50_000;
/** How long the loop runs before yielding to the host's event loop. */
const SLICE_MS = 10;
/** Longest idle sleep before the loop looks around again. */
const MAX_IDLE_MS = 1000;
const TICKS_PER_MS = TIMEBASE_FREQ / 1000;

/** Host monotonic time. */
export interface MachineClock {
  /** Milliseconds since an arbitrary origin, never going backwards (fractions welcome). */
  now(): number;
  /** Wall-clock time in nanoseconds since the Unix epoch (the guest's RTC). */
  wallNs(): bigint;
}

/** The host's event loop, as far as the machine needs it. */
export interface MachineScheduler {
  /** Calls `cb` once after `delayMs` (0: right after pending host I/O). Returns a cancel function. */
  schedule(cb: () => void, delayMs: number): () => void;
  /**
   * Serves host I/O that is ready now, from inside the run loop before the guest sleeps, so a
   * guest waiting for a stream of frames gets the next ones without a trip through the event
   * loop. Returns true when it did something (an interrupt may be pending).
   */
  poll?(): boolean;
}

export interface MachineOptions {
  /** The compiled CPU core (build/cpu.wasm). */
  core: WebAssembly.Module | BufferSource;
  ramSize: number;
  /** A RISC-V Linux Image (or a flat binary entered at its first byte). */
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline: string;
  clock: MachineClock;
  scheduler: MachineScheduler;
  /** Fills its argument with random bytes (rng-seed). */
  random: (buf: Uint8Array) => void;
  /** SBI debug console (legacy putchar/getchar, DBCN). */
  sbiConsole: SbiConsole;
  /** ns16550a at 0x1000_0000, when given. */
  uart?: UartBackend;
  /** More ns16550a UARTs: entry i (when given) is UART i at 0x1000_0000 + 0x100 * i; [0] replaces `uart`. */
  uarts?: (UartBackend | undefined)[];
  /** goldfish RTC with the host's wall clock. */
  rtc?: boolean;
  /** sifive,test1 syscon poweroff/reboot. */
  syscon?: boolean;
  /** virtio devices, put in slots 0, 1, … */
  virtio?: VirtioDevice[];
  /** Reboot requests end the machine instead of restarting it (UML's `noreboot`). */
  noreboot?: boolean;
  /** Guest misbehaviour worth a line on the host (rate-limited by the machine). */
  onWarning?: (msg: string) => void;
  /** Called after each (re)boot has loaded the images, before the first instruction. */
  onBoot?: (boots: number) => void;
}

export type MachineExit =
  | { kind: 'poweroff'; code: number }
  | { kind: 'reboot' } // only with noreboot
  | { kind: 'stopped' } // the host called stop()
  | { kind: 'panic'; message: string } // the host saw the guest kernel panic (panic())
  | { kind: 'fatal'; message: string };

export class BootError extends Error {}

/** Where the boot images go. */
export interface BootLayout {
  kernelStart: number;
  kernelEnd: number;
  entry: number;
  initrdStart: number;
  initrdEnd: number;
  fdtStart: number;
}

const IMAGE_MAGIC = 'RISCV\0\0\0';
const IMAGE_MAGIC2 = 'RSC\x05';

/** Whether `k` starts with a RISC-V Linux Image header (magic "RISCV" or "RSC\x05"). */
export function isRiscvImage(k: Uint8Array): boolean {
  const str = (off: number, n: number) => String.fromCharCode(...k.subarray(off, off + n));
  return k.length >= 64 && (str(48, 8) === IMAGE_MAGIC || str(56, 4) === IMAGE_MAGIC2);
}

/** Reads the RISC-V Image header (Documentation/riscv/boot-image-header.rst). */
export function parseKernelImage(k: Uint8Array): { textOffset: number; imageSize: number } {
  if (k.length >= 4 && k[0] === 0x7f && k[1] === 0x45 && k[2] === 0x4c && k[3] === 0x46) {
    throw new BootError('the kernel is an ELF file (vmlinux); use the flat Image (arch/riscv/boot/Image)');
  }
  const dv = new DataView(k.buffer, k.byteOffset, k.byteLength);
  if (isRiscvImage(k)) {
    const u64 = (off: number) => dv.getUint32(off + 4, true) * 0x1_0000_0000 + dv.getUint32(off, true);
    const textOffset = u64(8);
    const imageSize = u64(16);
    return { textOffset: textOffset || 2 * MIB, imageSize: Math.max(imageSize, k.length) };
  }
  return { textOffset: 2 * MIB, imageSize: k.length };
}

/** Places kernel, initrd and DTB in RAM; throws BootError when they do not fit. */
export function layoutBoot(ramSize: number, kernel: Uint8Array, initrdSize: number, fdtSize: number): BootLayout {
  const { textOffset, imageSize } = parseKernelImage(kernel);
  const kernelStart = RAM_BASE + textOffset;
  const kernelEnd = kernelStart + imageSize;
  const top = RAM_BASE + ramSize;
  const fdtStart = Math.floor((top - fdtSize) / (2 * MIB)) * 2 * MIB;
  const initrdStart = Math.floor((fdtStart - initrdSize) / 4096) * 4096;
  // The kernel needs room of its own beyond its image (page tables, memblock): ask for 4 MiB.
  const needed = kernelEnd + 4 * MIB + initrdSize + fdtSize + 2 * MIB - RAM_BASE;
  if (fdtStart < kernelEnd || initrdStart < kernelEnd + 4 * MIB) {
    throw new BootError(`Too few physical memory! Needed=${needed}, given=${ramSize}`);
  }
  return {
    kernelStart, kernelEnd, entry: kernelStart,
    initrdStart, initrdEnd: initrdStart + initrdSize, fdtStart,
  };
}

export class Machine {
  readonly plic: Plic;
  readonly uart: Uart16550 | undefined;
  /** UART i, or undefined where the board has none. */
  readonly uarts: (Uart16550 | undefined)[];
  readonly rtc: GoldfishRtc | undefined;
  readonly virtio: readonly VirtioDevice[];
  /** The current hart; replaced on reboot. */
  hart!: Hart;
  sbi!: Sbi;
  transports: VirtioMmio[] = [];
  layout!: BootLayout;
  /** Boots so far (1 after create()). */
  boots = 0;

  private readonly syscon: Syscon | undefined;
  private powerRequest: PowerRequest | undefined;
  private t0 = 0;
  private running = false;
  private exitResolve: ((e: MachineExit) => void) | undefined;
  private cancelPending: (() => void) | undefined;
  private idle = false;
  private paused = false;
  private warnings = 0;
  /** An end asked for before run() (a signal while waiting for a console client): run() returns it at once. */
  private early: MachineExit | undefined;
  private earlyWaiters: ((e: MachineExit) => void)[] = [];
  private ended = false;
  /** Host time spent paused so far, and since when the current pause lasts. */
  private pausedMs = 0;
  private pausedSince = 0;
  private parked: Array<() => void> = [];

  private constructor(private readonly opts: MachineOptions) {
    const power = (req: PowerRequest) => {
      this.powerRequest ??= req;
    };
    this.plic = new Plic(PLIC_NDEV, [
      (level) => this.setHartIrq(MIP_MEIP, level), // context 0: M mode
      (level) => this.setHartIrq(MIP_SEIP, level), // context 1: S mode
    ]);
    const backends = opts.uarts ? [...opts.uarts] : [];
    if (opts.uart && !backends[0]) backends[0] = opts.uart;
    if (backends.length > VIRT_UARTS) throw new BootError(`at most ${VIRT_UARTS} UARTs`);
    this.uarts = backends.map((b, i) => (b ? new Uart16550(b, this.plic.line(uartIrq(i))) : undefined));
    this.uart = this.uarts[0];
    this.rtc = opts.rtc ? new GoldfishRtc(() => opts.clock.wallNs(), this.plic.line(RTC_IRQ)) : undefined;
    this.syscon = opts.syscon ? new Syscon(power) : undefined;
    this.virtio = opts.virtio ?? [];
    if (this.virtio.length > VIRT_VIRTIO.count) throw new BootError(`at most ${VIRT_VIRTIO.count} virtio devices`);
  }

  static async create(opts: MachineOptions): Promise<Machine> {
    const m = new Machine(opts);
    await m.boot();
    return m;
  }

  private warn(msg: string): void {
    // A misbehaving guest must not flood the host's terminal.
    if (++this.warnings <= 20) this.opts.onWarning?.(msg);
    else if (this.warnings === 21) this.opts.onWarning?.('(further warnings suppressed)');
  }

  private setHartIrq(bit: number, level: boolean): void {
    if (!this.hart) return;
    this.hart.setIrq(bit, level);
    if (level) this.wake();
  }

  /** Guest time in timebase ticks, from the host's monotonic clock. */
  private ticks(): number {
    return Math.floor((this.opts.clock.now() - this.t0) * TICKS_PER_MS);
  }

  /** (Re)creates the hart, resets the devices and loads the boot images. */
  private async boot(): Promise<void> {
    const o = this.opts;
    const bus = new MmioBus();
    const handler: MmioHandler = bus;
    this.hart = undefined as unknown as Hart; // no interrupts into a hart being replaced
    this.plic.reset();
    for (const u of this.uarts) u?.reset();
    const hart = await Hart.create(o.core, o.ramSize, handler);
    bus.onUnmapped = (addr, write) => {
      this.warn(`guest ${write ? 'write to' : 'read from'} unmapped address 0x${addr.toString(16)}`);
      hart.mmioFault();
    };
    bus.map(VIRT_PLIC.base, VIRT_PLIC.size, this.plic, 'plic');
    this.uarts.forEach((u, i) => u && bus.map(uartBase(i), VIRT_UART0.size, u, `uart${i}`));
    if (this.rtc) bus.map(VIRT_RTC.base, VIRT_RTC.size, this.rtc, 'rtc');
    if (this.syscon) bus.map(VIRT_SYSCON.base, VIRT_SYSCON.size, this.syscon, 'syscon');
    for (const t of this.transports) t.reset();
    this.transports = this.virtio.map((dev, slot) => {
      const t = new VirtioMmio(hart.mem, dev, this.plic.line(virtioIrq(slot)));
      t.onWarning = (msg) => this.warn(msg);
      bus.map(virtioBase(slot), VIRT_VIRTIO.size, t, `virtio${slot}`);
      return t;
    });

    const seed = new Uint8Array(64);
    o.random(seed);
    const initrdSize = o.initrd?.length ?? 0;
    const dt = (initrd?: { start: number; end: number }) =>
      buildVirtFdt({
        ramSize: o.ramSize, bootargs: o.cmdline, rngSeed: seed, initrd,
        uart: !!this.uart, uarts: this.uarts.flatMap((u, i) => (u ? [i] : [])), rtc: !!this.rtc, syscon: !!this.syscon,
        virtioSlots: this.virtio.map((_, i) => i),
      });
    // The DTB's size does not depend on the initrd addresses: size it first, then fill them in.
    const probe = dt(o.initrd ? { start: 0, end: 0 } : undefined);
    const layout = layoutBoot(o.ramSize, o.kernel, initrdSize, probe.length);
    const fdt = dt(o.initrd ? { start: layout.initrdStart, end: layout.initrdEnd } : undefined);
    if (!hart.mem.write(layout.kernelStart, o.kernel)) throw new BootError('kernel does not fit in RAM');
    if (o.initrd && !hart.mem.write(layout.initrdStart, o.initrd)) throw new BootError('initrd does not fit in RAM');
    if (!hart.mem.write(layout.fdtStart, fdt)) throw new BootError('device tree does not fit in RAM');

    hart.setSbiMode(true);
    // As OpenSBI does: user mode may read cycle, time and instret (the vDSO reads time).
    hart.setCsr(CSR_SCOUNTEREN, 7);
    hart.setX(10, 0); // a0: hart id
    hart.setX(11, layout.fdtStart); // a1: device tree
    hart.pc = layout.entry;
    hart.priv = PRV_S;
    this.t0 = o.clock.now();
    hart.mtime = 0;
    this.hart = hart;
    this.sbi = new Sbi(hart, o.sbiConsole, (req) => {
      this.powerRequest ??= req;
    });
    this.layout = layout;
    this.powerRequest = undefined;
    this.boots++;
    o.onBoot?.(this.boots);
  }

  /** Runs until the guest powers off (or reboots with noreboot, or a fatal error). */
  run(): Promise<MachineExit> {
    if (this.running) throw new Error('machine already running');
    if (this.early) return Promise.resolve(this.early);
    this.running = true;
    return new Promise((resolve) => {
      this.exitResolve = resolve;
      this.scheduleLoop(0);
    });
  }

  /** Stops the run loop from the host side (signals, mconsole halt). */
  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  /** The guest kernel panicked (seen on its console): ends the run. */
  panic(message: string): void {
    this.finish({ kind: 'panic', message });
  }

  /** Calls `f` when stop()/halt()/panic() comes before run() (which then returns that end at once). */
  onEarlyExit(f: (e: MachineExit) => void): void {
    if (this.early) f(this.early);
    else this.earlyWaiters.push(f);
  }

  /** An interrupt arrived: end an idle sleep now. */
  wake(): void {
    if (this.idle && this.running) this.scheduleLoop(0);
  }

  /**
   * mconsole `stop`: no instruction retires until resume(). Guest time is the
   * host's, as in UML, so it jumps forward across the pause (timers fire late).
   */
  pause(): void {
    if (!this.paused) this.pausedSince = this.opts.clock.now();
    this.paused = true;
    this.cancelPending?.();
    this.cancelPending = undefined;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pausedMs += this.opts.clock.now() - this.pausedSince;
    for (const f of this.parked.splice(0)) f();
    if (this.running) this.scheduleLoop(0);
  }

  /** The machine's clock in milliseconds: host time that stops while the machine is paused. */
  runTimeMs(): number {
    const now = this.opts.clock.now();
    return now - this.pausedMs - (this.paused ? now - this.pausedSince : 0);
  }

  /** Calls `cb` once after `ms` of the machine's clock (a pause delays it); returns a cancel function. */
  afterRunTime(ms: number, cb: () => void): () => void {
    const due = this.runTimeMs() + ms;
    let cancelled = false;
    let cancelTimer: (() => void) | undefined;
    const arm = () => {
      if (cancelled) return;
      if (this.paused) {
        this.parked.push(arm);
        return;
      }
      const left = due - this.runTimeMs();
      if (left <= 0) {
        cancelled = true;
        cb();
        return;
      }
      cancelTimer = this.opts.scheduler.schedule(arm, left);
    };
    arm();
    return () => {
      cancelled = true;
      cancelTimer?.();
    };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** mconsole `halt`: ends the run at once, without the guest's shutdown, as a poweroff with `code`. */
  halt(code = 0): void {
    this.finish({ kind: 'poweroff', code });
  }

  /** mconsole `reboot`: restarts the guest at once (with noreboot, ends the run). */
  reboot(): void {
    if (!this.running) return;
    this.paused = false;
    this.power({ kind: 'reboot', warm: false });
  }

  private scheduleLoop(delayMs: number): void {
    this.cancelPending?.();
    this.cancelPending = undefined;
    if (this.paused) return;
    this.idle = delayMs > 0;
    this.cancelPending = this.opts.scheduler.schedule(() => {
      this.cancelPending = undefined;
      this.idle = false;
      this.loop();
    }, delayMs);
  }

  private finish(e: MachineExit): void {
    if (!this.running) {
      if (this.early || this.ended) return;
      this.early = e;
      for (const f of this.earlyWaiters.splice(0)) f(e);
      return;
    }
    this.running = false;
    this.ended = true;
    this.cancelPending?.();
    this.cancelPending = undefined;
    const r = this.exitResolve;
    this.exitResolve = undefined;
    r?.(e);
  }

  private loop(): void {
    if (!this.running || this.paused) return;
    const clock = this.opts.clock;
    const end = clock.now() + SLICE_MS;
    const hart = this.hart;
    for (;;) {
      hart.mtime = this.ticks();
      let exit: Exit;
      try {
        exit = hart.run(RUN_BUDGET);
      } catch (e) {
        this.finish({ kind: 'fatal', message: `cpu core: ${(e as Error).message} at pc 0x${hart.pc.toString(16)}` });
        return;
      }
      let sleep = false;
      switch (exit) {
        case Exit.Budget:
          break;
        case Exit.Sbi:
          sleep = this.sbi.handle() === SbiAction.Suspend;
          break;
        case Exit.Wfi:
          sleep = true;
          break;
        case Exit.ToHost:
          this.warn('guest wrote to HTIF tohost; ignored');
          break;
        case Exit.Fatal:
        default:
          this.finish({
            kind: 'fatal',
            message: `cpu core stopped (exit ${exit}) at pc 0x${hart.pc.toString(16)}, address 0x${hart.fatalAddress.toString(16)}`,
          });
          return;
      }
      if (this.powerRequest) {
        this.power(this.powerRequest);
        return;
      }
      // An idle guest may be waiting for host I/O that is ready already: serve it and go on.
      if (sleep && this.opts.scheduler.poll?.()) sleep = false;
      if (!this.running || this.paused) return;
      if (sleep) {
        this.rtc?.poll();
        this.scheduleLoop(this.idleDelay());
        return;
      }
      if (clock.now() >= end) break;
    }
    this.rtc?.poll();
    this.scheduleLoop(0);
  }

  /** Milliseconds to sleep: until the supervisor timer or an RTC alarm, at most MAX_IDLE_MS. */
  private idleDelay(): number {
    const toTimer = (this.hart.stimecmp - this.ticks()) / TICKS_PER_MS;
    let ms = Math.min(MAX_IDLE_MS, Math.max(0, toTimer));
    const alarm = this.rtc?.msUntilAlarm();
    if (alarm !== undefined) ms = Math.min(ms, alarm);
    // A sub-millisecond wait is not worth a timer: poll again right away.
    return ms < 1 ? 0 : Math.ceil(ms);
  }

  private power(req: PowerRequest): void {
    this.powerRequest = undefined;
    if (req.kind === 'poweroff') {
      this.finish({ kind: 'poweroff', code: req.code });
      return;
    }
    if (this.opts.noreboot) {
      this.finish({ kind: 'reboot' });
      return;
    }
    this.cancelPending?.();
    this.boot().then(
      () => this.running && this.scheduleLoop(0),
      (e: unknown) => this.finish({ kind: 'fatal', message: `reboot failed: ${(e as Error).message}` }),
    );
  }

  /** Registers and CSRs worth printing when the guest gets stuck. */
  debugState(): string {
    const h = this.hart;
    const hex = (v: number) => '0x' + BigInt.asUintN(64, BigInt(Math.trunc(v))).toString(16);
    const xhex = (i: number) => '0x' + ((BigInt(h.xHi(i)) << 32n) | BigInt(h.xLo(i))).toString(16);
    const regs = ['ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    const csrs: Array<[string, number]> = [
      ['sstatus', 0x100], ['sie', 0x104], ['sip', 0x144], ['stvec', 0x105], ['sepc', 0x141], ['scause', 0x142],
      ['stval', 0x143], ['satp', 0x180],
    ];
    const lines = [
      `pc ${hex(h.pc)} priv ${h.priv} instret ${h.instret} time ${h.mtime} stimecmp ${hex(h.stimecmp)}`,
      csrs.map(([name, num]) => `${name} ${hex(h.csr(num))}`).join(' '),
      regs.map((r, i) => `${r} ${xhex(i + 1)}`).join(' '),
    ];
    const insn = h.mem.view(h.pc, 4);
    if (insn) lines.push(`insn at pc (physical): ${Array.from(insn, (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
    return lines.join('\n');
  }
}
