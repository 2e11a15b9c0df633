// `tuml elf`: runs a bare-metal RISC-V ELF through the HTIF runner (Node side of src/baremetal).

import { readFile } from 'node:fs/promises';
import { ElfError } from '../elf/index.js';
import { coreModule } from '../host/wasm.js';
import { DEFAULT_MAX_INSTRUCTIONS, DEFAULT_RAM_BYTES, EXIT_LIMIT, EXIT_MACHINE, TICK_INSTRUCTIONS, runBareMetal } from './index.js';

export const summary = 'run a bare-metal RISC-V ELF program (HTIF tohost/fromhost)';

export const usage = `usage: tuml elf <file.elf> [--max-instructions N] [--ram SIZE]

Runs a freestanding RV64 ELF in M-mode on one hart, RAM at 0x80000000, and serves its
HTIF requests: tohost = (status << 1) | 1 exits, other values are syscall blocks
(SYS_write to fd 1/2 prints, SYS_exit exits). Time is deterministic: mtime advances one
tick per ${TICK_INSTRUCTIONS} retired instructions and skips ahead while the hart waits in WFI.

options:
  --max-instructions N   stop after N retired instructions (default ${DEFAULT_MAX_INSTRUCTIONS})
  --ram SIZE             guest RAM, bytes or with a K, M or G suffix (default ${DEFAULT_RAM_BYTES / 1024 / 1024}M)
  -h, --help             show this help

exit status: the program's status (its low byte; 1 if that is 0 for a failure),
${EXIT_LIMIT} when the instruction limit is reached, ${EXIT_MACHINE} when the machine stops (trap loop,
fatal core error, unsupported HTIF request), 2 for bad usage or an invalid ELF file.`;

/** A usage or input problem: printed as `tuml: <message>`, exit status 2. */
export class UsageError extends Error {}

/** Parses `64M`, `1G`, `65536`, `512K` (binary units, optional `iB`/`B`). */
export function parseSize(s: string): number {
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(s.trim());
  if (!m) throw new UsageError(`invalid size '${s}' (use e.g. 64M or 1G)`);
  const mult = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

function parseCount(s: string): number {
  const n = Number(s.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`invalid instruction count '${s}'`);
  return n;
}

interface ElfArgs {
  file?: string;
  help: boolean;
  ramBytes: number;
  maxInstructions: number;
}

export function parseArgs(args: string[]): ElfArgs {
  const out: ElfArgs = { help: false, ramBytes: DEFAULT_RAM_BYTES, maxInstructions: DEFAULT_MAX_INSTRUCTIONS };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      if (eq > 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) throw new UsageError(`option ${name} needs a value`);
      return args[++i];
    };
    if (name === '-h' || name === '--help') out.help = true;
    else if (name === '--max-instructions') out.maxInstructions = parseCount(value());
    else if (name === '--ram') out.ramBytes = parseSize(value());
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}' (see tuml elf --help)`);
    else if (out.file === undefined) out.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (out.ramBytes < 1 << 20 || out.ramBytes > 2 ** 31 || out.ramBytes % 4096 !== 0) {
    throw new UsageError(`RAM size must be a multiple of 4 KiB between 1M and 2G`);
  }
  return out;
}

/** Runs the subcommand; returns the process exit status. Errors are reported as one line on stderr. */
export async function main(args: string[]): Promise<number> {
  let file = 'file';
  try {
    const opt = parseArgs(args);
    if (opt.help) {
      process.stdout.write(usage + '\n');
      return 0;
    }
    if (opt.file === undefined) throw new UsageError('missing ELF file (usage: tuml elf <file.elf>)');
    file = opt.file;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(opt.file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read ${opt.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    const res = await runBareMetal(await coreModule(), bytes, {
      ramBytes: opt.ramBytes,
      maxInstructions: opt.maxInstructions,
      output: (fd, b) => (fd === 1 ? process.stdout : process.stderr).write(b),
    });
    if (res.error) process.stderr.write(`tuml: ${res.error}\n`);
    else if (res.status !== null && res.status > 255) process.stderr.write(`tuml: program exited with status ${res.status}\n`);
    return res.exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tuml: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ElfError) {
      process.stderr.write(`tuml: ${file}: invalid ELF: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
