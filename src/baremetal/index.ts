// The HTIF bare-metal runner: runs a freestanding RISC-V ELF (ISA tests, benchmarks) in M-mode
// on one hart with RAM at 0x8000_0000 and no devices but the core's CLINT, and serves the
// program's HTIF requests the way riscv-tests and the proxy kernel expect.
//
// No Node APIs: the caller supplies the wasm core and the ELF bytes and receives output
// through a callback, so this runs in a browser too.
//
// Protocol (tohost is a 64-bit word the program stores to; the core stops with Exit.ToHost):
//   value v with v & 1      → the program exits with status v >> 1 (tohost = 1 means pass);
//   any other nonzero value → v is the physical address of a syscall block of 8 u64
//                             ("magic_mem"): [0] syscall number, [1..] arguments. The runner
//                             performs the call, writes its result to block[0], then sets
//                             fromhost = 1 and tohost = 0 in guest memory; the program polls
//                             fromhost. Served: SYS_write (64) to fd 1 or 2, SYS_exit (93).
//
// Time is deterministic: the runner never feeds the host clock to the core, so mtime is the
// core's own instruction-driven clock (one tick per TICK_INSTRUCTIONS retired instructions).
// When the hart waits in WFI, time jumps forward to the next armed timer compare; slices
// end when a timer compare falls due, so timer interrupts arrive on time.

import { Exit, Hart, type MmioHandler } from '../cpu/hart.js';
import { ElfError, loadElf } from '../elf/index.js';

/** Retired instructions per mtime tick: the core's in-slice clock (2^TIME_SHIFT in core/rv64/state.ts). */
export const TICK_INSTRUCTIONS = 256;
export const DEFAULT_RAM_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_INSTRUCTIONS = 5e9;
const SLICE = 100_000; // instructions per run() call at most
const SYS_WRITE = 64;
const SYS_EXIT = 93;

/** Exit codes of `tuml elf` besides the program's own status. */
export const EXIT_LIMIT = 124; // instruction limit reached
export const EXIT_MACHINE = 125; // the machine stopped: fatal core exit, trap loop, bad HTIF request

export interface BareMetalOptions {
  /** Guest RAM size in bytes (default 64 MiB). */
  ramBytes?: number;
  /** Stop with EXIT_LIMIT after this many retired instructions (default 5e9). */
  maxInstructions?: number;
  /** Receives what the program writes with SYS_write. */
  output?: (fd: 1 | 2, bytes: Uint8Array) => void;
  /** Lets the host event loop run every this many milliseconds (default 50; 0 = never yield). */
  yieldMs?: number;
}

export interface BareMetalResult {
  /** The program's exit status (0 = pass), or null when it did not exit by itself. */
  status: number | null;
  /** Why the run stopped when the program did not exit: one line, for the user. */
  error?: string;
  /** Suggested process exit code: the status' low byte (at least 1 when nonzero), EXIT_LIMIT or EXIT_MACHINE. */
  exitCode: number;
  /** Retired instructions. */
  instructions: number;
  /** Final mtime in ticks. */
  mtime: number;
}

const hex = (n: number) => '0x' + n.toString(16);

// CSR numbers the runner reads for diagnostics.
const CSR = { mstatus: 0x300, mie: 0x304, mtvec: 0x305, stvec: 0x105, mepc: 0x341, mcause: 0x342, mtval: 0x343, sepc: 0x141, scause: 0x142, stval: 0x143 };

/** Maps a program exit status to a process exit code: low byte, but never 0 for a failure. */
export function statusToExitCode(status: number): number {
  if (status === 0) return 0;
  return status % 256 || 1;
}

/** Loads `elf` into a fresh hart and runs it to completion. ELF problems throw ElfError. */
export async function runBareMetal(
  wasm: BufferSource | WebAssembly.Module,
  elf: Uint8Array,
  opts: BareMetalOptions = {},
): Promise<BareMetalResult> {
  const ramBytes = opts.ramBytes ?? DEFAULT_RAM_BYTES;
  const maxInstructions = opts.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  const output = opts.output ?? (() => {});
  const yieldMs = opts.yieldMs ?? 50;

  let hart!: Hart;
  const mmio: MmioHandler = {
    // Nothing lives outside RAM and the CLINT: every other access is an access fault.
    read: () => {
      hart.mmioFault();
      return 0;
    },
    write: () => hart.mmioFault(),
  };
  hart = await Hart.create(wasm, ramBytes, mmio);
  const img = loadElf(elf, hart.mem);
  if (!hart.mem.view(img.entry, 2)) throw new ElfError(`entry point ${hex(img.entry)} lies outside RAM`);
  if (img.tohost === 0) throw new ElfError('no `tohost` symbol: the program cannot report its result (HTIF)');
  hart.setHtif(img.tohost, img.fromhost);
  hart.pc = img.entry;
  hart.priv = 3;

  const mem = hart.mem;
  const dv = new DataView(mem.bytes.buffer, mem.bytes.byteOffset, mem.bytes.byteLength);
  const read64 = (gpa: number) => {
    const o = mem.offset(gpa, 8);
    return dv.getUint32(o + 4, true) * 0x1_0000_0000 + dv.getUint32(o, true);
  };
  const write64 = (gpa: number, v: number) => {
    const o = mem.offset(gpa, 8);
    dv.setUint32(o, v >>> 0, true);
    dv.setUint32(o + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
  };

  const CSR_TIME = 0xc01;
  const now = () => hart.csr(CSR_TIME);
  // Instructions run so far, counted by the runner: the guest may write minstret.
  let executed = 0;
  const result = (r: Omit<BareMetalResult, 'instructions' | 'mtime'>): BareMetalResult => ({
    ...r,
    instructions: executed,
    mtime: now(),
  });
  const machineError = (what: string) =>
    result({ status: null, error: `${what} (pc=${hex(hart.pc)}, priv=${'USHM'[hart.priv & 3]}, after ${executed} instructions)`, exitCode: EXIT_MACHINE });

  // Trap-loop detection: the hart keeps re-entering the same trap vector with the same
  // cause and epc while no register changes. Sampled at the end of budget slices; a legit
  // loop that traps every iteration still changes some register or is not at the vector
  // at every sample, so this needs LOOP_SAMPLES identical samples in a row.
  const LOOP_SAMPLES = 8;
  let loopKey = '';
  let loopCount = 0;
  let idleWfi = 0;
  let lastYield = Date.now();

  for (;;) {
    const t = now();
    if (executed >= maxInstructions) {
      return result({ status: null, error: `instruction limit reached (${maxInstructions} instructions) at pc=${hex(hart.pc)}`, exitCode: EXIT_LIMIT });
    }
    // End the slice when the next timer compare is due, so interrupts arrive on time.
    let budget = Math.min(SLICE, maxInstructions - executed);
    const due = Math.min(hart.mtimecmp, hart.stimecmp);
    if (due > t && due - t < budget / TICK_INSTRUCTIONS) budget = Math.max(1, (due - t) * TICK_INSTRUCTIONS);

    const before = hart.instret;
    const why = hart.run(budget);
    // A slice that used its budget ran all of it; one that stopped early ran what instret
    // says (kept within the budget in case the guest wrote minstret meanwhile).
    executed += why === Exit.Budget ? budget : Math.min(budget, Math.max(0, hart.instret - before));
    switch (why) {
      case Exit.Budget: {
        const pc = hart.pc;
        const vecs = [hart.csr(CSR.mtvec), hart.csr(CSR.stvec)].map((v) => v - (v % 4));
        if (vecs.some((v) => pc >= v && pc < v + 256)) {
          const regs: number[] = [];
          for (let i = 1; i < 32; i++) regs.push(hart.xLo(i), hart.xHi(i));
          const key = [pc, hart.priv, hart.csr(CSR.mcause), hart.csr(CSR.mepc), hart.csr(CSR.mtval), hart.csr(CSR.scause), hart.csr(CSR.sepc), hart.csr(CSR.stval), ...regs].join(',');
          loopCount = key === loopKey ? loopCount + 1 : 1;
          loopKey = key;
          if (loopCount >= LOOP_SAMPLES) {
            const s = hart.priv === 1;
            const cause = hart.csr(s ? CSR.scause : CSR.mcause);
            const epc = hart.csr(s ? CSR.sepc : CSR.mepc);
            const tval = hart.csr(s ? CSR.stval : CSR.mtval);
            return machineError(`trap loop: the hart keeps trapping with ${s ? 's' : 'm'}cause=${hex(cause)} ${s ? 's' : 'm'}epc=${hex(epc)} ${s ? 's' : 'm'}tval=${hex(tval)}`);
          }
        } else loopCount = 0;
        idleWfi = 0;
        break;
      }
      case Exit.Wfi: {
        // Sleep until the next timer the hart could wake up for; with none armed, it never wakes.
        const mie = hart.csr(CSR.mie);
        const t2 = now();
        let next = Infinity;
        if (mie & 0x80 && hart.mtimecmp > t2) next = Math.min(next, hart.mtimecmp);
        if (mie & 0x20 && hart.stimecmp > t2) next = Math.min(next, hart.stimecmp);
        if (next < Number.MAX_SAFE_INTEGER) {
          hart.mtime = next; // the core's clock never goes backwards: it takes the later of the two
          idleWfi = 0;
        } else if (++idleWfi > 1000) {
          return machineError('the hart waits for an interrupt (WFI) but no timer is armed and nothing else can wake it');
        }
        break;
      }
      case Exit.ToHost: {
        // The word the program stored, read from RAM like a real HTIF host does (the core
        // also reports it as exitValue).
        const v = read64(img.tohost) || hart.exitValue;
        const lo = v % 0x1_0000_0000;
        if (lo & 1) {
          const status = Math.floor(v / 2);
          return result({ status, exitCode: statusToExitCode(status) });
        }
        if (v === 0) break;
        if (v % 8 !== 0 || !mem.view(v, 64)) return machineError(`HTIF request at ${hex(v)} does not point to a syscall block in RAM`);
        const num = read64(v);
        const a = [read64(v + 8), read64(v + 16), read64(v + 24)];
        let ret: number;
        if (num === SYS_WRITE) {
          const [fd, buf, len] = a;
          if (fd !== 1 && fd !== 2) return machineError(`HTIF SYS_write to unsupported fd ${fd}`);
          const bytes = mem.view(buf, len);
          if (!bytes) return machineError(`HTIF SYS_write buffer ${hex(buf)}+${len} lies outside RAM`);
          output(fd, bytes.slice());
          ret = len;
        } else if (num === SYS_EXIT) {
          const status = a[0];
          return result({ status, exitCode: statusToExitCode(status) });
        } else {
          return machineError(`unsupported HTIF syscall ${num}`);
        }
        write64(v, ret);
        write64(img.tohost, 0);
        if (img.fromhost !== 0) write64(img.fromhost, 1);
        break;
      }
      case Exit.Sbi:
        return machineError('unexpected SBI call in a bare-metal program');
      case Exit.Fatal:
        return machineError(`the core stopped on a fatal error at address ${hex(hart.fatalAddress)}`);
      default:
        return machineError(`unknown exit reason ${why as number} from the core`);
    }
    if (yieldMs > 0 && Date.now() - lastYield >= yieldMs) {
      await new Promise((r) => setTimeout(r, 0));
      lastYield = Date.now();
    }
  }
}
