// The TypeScript face of the WebAssembly RV64GC core (core/rv64 → build/cpu.wasm).
// No Node APIs here: the caller supplies the wasm bytes, so this runs in a browser too.

import { Jit, type JitCoreExports, type JitStats } from './jit.js';

export type { JitStats };

export interface HartOptions {
  /** Translate hot guest code to wasm (default: on, unless TUML_JIT=0 in the environment). */
  jit?: boolean;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/** The translator is on unless TUML_JIT=0 in the environment (where there is a process environment). */
function jitDefault(): boolean {
  return env?.TUML_JIT !== '0';
}

/**
 * Executions of a jump target before its region is translated (TUML_JIT_HOT, e.g. 1 for
 * tests that want everything translated). Compiling a region costs about as much as
 * interpreting a few hundred thousand instructions, so only code this hot pays back:
 * at 4000 a boot or a fork-and-exec-heavy shell loop spent more compiling than it saved
 * (boot to `echo hello` 1.45 s against 0.92 s interpreted, a shell workload 4.7 against
 * 3.9 s); at 40000 they take 1.09 and 3.5 s, and CPU-bound code is translated within
 * milliseconds all the same.
 */
const JIT_HOT_DEFAULT = 40000;

function jitHot(): number {
  const n = Number(env?.TUML_JIT_HOT);
  return Number.isInteger(n) && n > 0 ? n : JIT_HOT_DEFAULT;
}

/** Why run() returned. The core's own codes (its EXIT_* exports) are mapped onto these. */
export const enum Exit {
  Budget = 0, // instruction budget used up
  Wfi = 1, // hart waits for an interrupt: the host may sleep until the next timer or I/O
  Sbi = 2, // S-mode ecall in SBI mode: serve it (pc already advanced), then run again
  ToHost = 3, // bare metal stored to HTIF tohost: value in exitValue
  Fatal = 4, // unrecoverable; see fatalAddress
}

/** Memory-mapped I/O outside RAM and the core's own CLINT. Physical addresses below 4 GiB. */
export interface MmioHandler {
  read(addr: number, size: 1 | 2 | 4): number;
  write(addr: number, value: number, size: 1 | 2 | 4): void;
}

interface CoreExports extends JitCoreExports {
  memory: WebAssembly.Memory;
  init(ramBytes: number): number;
  run(budget: number): number;
  setSbiMode(on: number): void;
  setIrq(bits: number, level: number): void;
  mmioFault(): void;
  requestExit(): void;
  csrGetLo(csr: number): number;
  csrGetHi(csr: number): number;
  csrSet(csr: number, lo: number, hi: number): void;
  tlbFlush(): void;
  jitMarkCode(lo: number, hi: number): void;
  jitIsCode(lo: number, hi: number): number;
  jitCodeWrites(): number;
  jitCodeFences(): number;
  jitUnmark(off: number, len: number): void;
  EXIT_BUDGET: WebAssembly.Global;
  EXIT_WFI: WebAssembly.Global;
  EXIT_SBI: WebAssembly.Global;
  EXIT_TOHOST: WebAssembly.Global;
  EXIT_FATAL: WebAssembly.Global;
  XREG: WebAssembly.Global;
  FREG: WebAssembly.Global;
  SLOT_PC: WebAssembly.Global;
  SLOT_PRIV: WebAssembly.Global;
  SLOT_MTIME: WebAssembly.Global;
  SLOT_EXIT_VAL: WebAssembly.Global;
  SLOT_INSTRET: WebAssembly.Global;
  SLOT_TOHOST: WebAssembly.Global;
  SLOT_FROMHOST: WebAssembly.Global;
  SLOT_MTIMECMP: WebAssembly.Global;
  SLOT_STIMECMP: WebAssembly.Global;
  SLOT_EXIT_ADDR: WebAssembly.Global;
  RAM_HOST: WebAssembly.Global;
}

export const RAM_BASE = 0x8000_0000;
const TWO32 = 0x1_0000_0000;

/** Bounds-checked access to guest physical RAM for devices (DMA). */
export class GuestMemory {
  constructor(
    /** Guest RAM bytes; index 0 is physical RAM_BASE. Writers of code use view() or write(), not this. */
    readonly bytes: Uint8Array,
    /** Told of every range handed out by view() or written by write(): the caller may write it, so translated code there goes. */
    private readonly touched?: (off: number, len: number) => void,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  /** Offset into `bytes` of [gpa, gpa+len), or -1 when any byte lies outside RAM. */
  offset(gpa: number, len: number): number {
    const off = gpa - RAM_BASE;
    if (!Number.isSafeInteger(off) || off < 0 || len < 0 || off + len > this.bytes.length) return -1;
    return off;
  }

  /** A view (not a copy) of guest RAM, or null when out of bounds. */
  view(gpa: number, len: number): Uint8Array | null {
    const off = this.offset(gpa, len);
    if (off < 0) return null;
    this.touched?.(off, len);
    return this.bytes.subarray(off, off + len);
  }

  read(gpa: number, dst: Uint8Array): boolean {
    const off = this.offset(gpa, dst.length);
    if (off < 0) return false;
    dst.set(this.bytes.subarray(off, off + dst.length));
    return true;
  }

  write(gpa: number, src: Uint8Array): boolean {
    const off = this.offset(gpa, src.length);
    if (off < 0) return false;
    this.touched?.(off, src.length);
    this.bytes.set(src, off);
    return true;
  }
}

/** One RV64GC hart and its RAM, inside one wasm instance. */
export class Hart {
  private readonly ex: CoreExports;
  private readonly dv: DataView;
  readonly mem: GuestMemory;
  private readonly off: Record<string, number>;
  /** Exit indexed by the core's exit code. */
  private readonly exits: Exit[] = [];
  private readonly jit: Jit | undefined;

  private constructor(ex: CoreExports, ramBytes: number, opts: HartOptions) {
    this.ex = ex;
    const ok = ex.init(ramBytes);
    if (ok === -2) throw new Error('cpu core: static data overlaps the translator cache (core/rv64/state.ts layout)');
    if (ok !== 0) throw new Error(`cannot allocate ${ramBytes} bytes of guest RAM`);
    if (opts.jit ?? jitDefault()) this.jit = new Jit(ex, jitHot());
    const buf = ex.memory.buffer; // init() grew memory: views are made after it
    this.dv = new DataView(buf);
    const g = (k: keyof CoreExports) => (ex[k] as WebAssembly.Global).value as number;
    this.off = {
      x: g('XREG'), f: g('FREG'), pc: g('SLOT_PC'), priv: g('SLOT_PRIV'), mtime: g('SLOT_MTIME'),
      exitVal: g('SLOT_EXIT_VAL'), instret: g('SLOT_INSTRET'), tohost: g('SLOT_TOHOST'),
      fromhost: g('SLOT_FROMHOST'), mtimecmp: g('SLOT_MTIMECMP'), stimecmp: g('SLOT_STIMECMP'),
      exitAddr: g('SLOT_EXIT_ADDR'),
    };
    this.mem = new GuestMemory(
      new Uint8Array(buf, g('RAM_HOST'), ramBytes),
      this.jit ? (off, len) => ex.jitUnmark(off, len) : undefined,
    );
    const codes: Array<[keyof CoreExports, Exit]> = [
      ['EXIT_BUDGET', Exit.Budget], ['EXIT_WFI', Exit.Wfi], ['EXIT_SBI', Exit.Sbi], ['EXIT_TOHOST', Exit.ToHost],
      ['EXIT_FATAL', Exit.Fatal],
    ];
    for (const [k, e] of codes) this.exits[g(k)] = e;
  }

  /** Instantiates the core. `mmio` serves every physical access outside RAM and the CLINT. */
  static async create(
    wasm: BufferSource | WebAssembly.Module, ramBytes: number, mmio: MmioHandler, opts: HartOptions = {},
  ): Promise<Hart> {
    const imports = {
      env: {
        mmioRead: (addr: number, size: number) => mmio.read(addr >>> 0, size as 1 | 2 | 4) >>> 0,
        mmioWrite: (addr: number, value: number, size: number) => mmio.write(addr >>> 0, value >>> 0, size as 1 | 2 | 4),
        abort: () => {
          throw new Error('cpu core aborted');
        },
      },
    };
    const inst = wasm instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(wasm, imports)
      : (await WebAssembly.instantiate(wasm, imports)).instance;
    return new Hart(inst.exports as unknown as CoreExports, ramBytes, opts);
  }

  private get64(off: number): number {
    return this.dv.getUint32(off + 4, true) * TWO32 + this.dv.getUint32(off, true);
  }

  /** Stores a non-negative number as u64; 2^64 and above (e.g. a u64 max read back as a number) saturate. */
  private set64(off: number, v: number): void {
    if (v >= TWO32 * TWO32) {
      this.dv.setUint32(off, 0xffffffff, true);
      this.dv.setUint32(off + 4, 0xffffffff, true);
      return;
    }
    this.dv.setUint32(off, v >>> 0, true);
    this.dv.setUint32(off + 4, Math.floor(v / TWO32) >>> 0, true);
  }

  /** Runs up to `budget` instructions; returns why it stopped. */
  run(budget: number): Exit {
    const why = this.exits[this.ex.run(budget)];
    this.jit?.drain();
    if (why === undefined) throw new Error('cpu core returned an unknown exit code');
    return why;
  }

  /** Integer register as an unsigned number (exact below 2^53; callers use it for addresses and small values). */
  x(i: number): number {
    return this.get64(this.off.x + i * 8);
  }
  /** Low 32 bits of an integer register, as an unsigned number. */
  xLo(i: number): number {
    return this.dv.getUint32(this.off.x + i * 8, true);
  }
  xHi(i: number): number {
    return this.dv.getUint32(this.off.x + i * 8 + 4, true);
  }
  /** Bits of an FP register (NaN-boxed when it holds a single), low and high halves. */
  fLo(i: number): number {
    return this.dv.getUint32(this.off.f + i * 8, true);
  }
  fHi(i: number): number {
    return this.dv.getUint32(this.off.f + i * 8 + 4, true);
  }
  /** Sets an integer register from a number; negative values are sign-extended to 64 bits. */
  setX(i: number, v: number): void {
    if (i === 0) return;
    if (v < 0) {
      const lo = v >>> 0;
      const hi = Math.floor(v / TWO32);
      this.dv.setUint32(this.off.x + i * 8, lo, true);
      this.dv.setInt32(this.off.x + i * 8 + 4, hi, true);
    } else this.set64(this.off.x + i * 8, v);
  }
  setXParts(i: number, lo: number, hi: number): void {
    if (i === 0) return;
    this.dv.setUint32(this.off.x + i * 8, lo >>> 0, true);
    this.dv.setUint32(this.off.x + i * 8 + 4, hi >>> 0, true);
  }

  get pc(): number {
    return this.get64(this.off.pc);
  }
  set pc(v: number) {
    this.set64(this.off.pc, v);
  }
  /** 0 = U, 1 = S, 3 = M. */
  get priv(): number {
    return this.dv.getUint32(this.off.priv, true);
  }
  set priv(p: number) {
    this.dv.setUint32(this.off.priv, p, true);
  }

  /** Host time in timebase ticks; set before each run(). */
  set mtime(t: number) {
    this.set64(this.off.mtime, t);
  }
  get mtime(): number {
    return this.get64(this.off.mtime);
  }
  get mtimecmp(): number {
    return this.get64(this.off.mtimecmp);
  }
  /** Supervisor timer compare (SBI set_timer / Sstc): STIP follows mtime >= stimecmp. */
  get stimecmp(): number {
    return this.get64(this.off.stimecmp);
  }
  set stimecmp(t: number) {
    this.set64(this.off.stimecmp, t);
  }
  get instret(): number {
    return this.get64(this.off.instret);
  }
  get exitValue(): number {
    return this.get64(this.off.exitVal);
  }
  get exitValueLo(): number {
    return this.dv.getUint32(this.off.exitVal, true);
  }
  get exitValueHi(): number {
    return this.dv.getUint32(this.off.exitVal + 4, true);
  }
  get fatalAddress(): number {
    return this.get64(this.off.exitAddr);
  }
  /** HTIF mailboxes (guest physical addresses; 0 = none). */
  setHtif(tohost: number, fromhost: number): void {
    this.set64(this.off.tohost, tohost);
    this.set64(this.off.fromhost, fromhost);
  }

  /** Direct S-mode ecalls to the host (Exit.Sbi) instead of trapping to M-mode. */
  setSbiMode(on: boolean): void {
    this.ex.setSbiMode(on ? 1 : 0);
  }
  /** Drives platform interrupt lines in mip (e.g. 1 << 9 SEIP from the PLIC). */
  setIrq(bits: number, level: boolean): void {
    this.ex.setIrq(bits, level ? 1 : 0);
  }
  /** Called from inside an MmioHandler to make the current access raise an access fault. */
  mmioFault(): void {
    this.ex.mmioFault();
  }
  /** Makes run() return (Exit.Budget) after the current instruction; safe from MMIO callbacks. */
  requestExit(): void {
    this.ex.requestExit();
  }
  /** A CSR as a number (exact below 2^53). */
  csr(num: number): number {
    return (this.ex.csrGetHi(num) >>> 0) * TWO32 + (this.ex.csrGetLo(num) >>> 0);
  }
  csrLo(num: number): number {
    return this.ex.csrGetLo(num) >>> 0;
  }
  csrHi(num: number): number {
    return this.ex.csrGetHi(num) >>> 0;
  }
  setCsr(num: number, v: number): void {
    this.ex.csrSet(num, v >>> 0, Math.floor(v / TWO32) >>> 0);
  }
  tlbFlush(): void {
    this.ex.tlbFlush();
  }

  /** The translator's counters, or undefined when it is off. */
  jitStats(): JitStats | undefined {
    return this.jit?.snapshot();
  }

  /** Marks the physical page holding `pa` as translated code (see core/rv64/mmu.ts). */
  markCodePage(pa: number): void {
    this.ex.jitMarkCode(pa >>> 0, Math.floor(pa / TWO32) >>> 0);
  }
  /** Still marked: no store reached the page and no FENCE.I / SFENCE.VMA ran since it was marked. */
  isCodePage(pa: number): boolean {
    return this.ex.jitIsCode(pa >>> 0, Math.floor(pa / TWO32) >>> 0) !== 0;
  }
  /** Stores that unmarked a code page, and fences that unmarked them all, since the hart was made. */
  get codeWrites(): number {
    return this.ex.jitCodeWrites() >>> 0;
  }
  get codeFences(): number {
    return this.ex.jitCodeFences() >>> 0;
  }
}
