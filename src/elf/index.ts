// A small ELF64 loader for RISC-V executables: bare-metal test programs, benchmarks, vmlinux.
// No Node APIs: it reads a Uint8Array and writes guest memory through GuestMemory.

import { RAM_BASE, type GuestMemory } from '../cpu/hart.js';

export const EM_RISCV = 243;
const ET_EXEC = 2;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;

/** Every problem with an ELF file is reported as one of these, with a one-line message. */
export class ElfError extends Error {
  override name = 'ElfError';
}

export interface ElfSegment {
  /** Physical load address (p_paddr). */
  paddr: number;
  /** Virtual address (p_vaddr), for information. */
  vaddr: number;
  /** File offset and size of the initialised part. */
  offset: number;
  fileSize: number;
  /** Size in memory; the tail past fileSize is zero-filled (bss). */
  memSize: number;
  /** PF_X=1, PF_W=2, PF_R=4. */
  flags: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  /** Symbol name → value, from .symtab (empty when the file is stripped). Later duplicates are ignored. */
  symbols: Map<string, number>;
}

export interface LoadedElf extends ElfImage {
  /** Physical address of the HTIF `tohost` symbol, or 0 when the program has none. */
  tohost: number;
  /** Physical address of the HTIF `fromhost` symbol, or 0 when the program has none. */
  fromhost: number;
}

function u64(dv: DataView, off: number, what: string): number {
  const v = dv.getBigUint64(off, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} 0x${v.toString(16)} is out of range`);
  return Number(v);
}

const hex = (n: number) => '0x' + n.toString(16);

/** Parses and validates an ELF64 little-endian RISC-V executable. Throws ElfError. */
export function parseElf(bytes: Uint8Array): ElfImage {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (bad magic)');
  }
  if (bytes.length < EHDR_SIZE) throw new ElfError(`truncated ELF header (${bytes.length} bytes)`);
  if (bytes[4] !== 2) throw new ElfError(`not a 64-bit ELF file (EI_CLASS=${bytes[4]})`);
  if (bytes[5] !== 1) throw new ElfError(`not a little-endian ELF file (EI_DATA=${bytes[5]})`);
  if (bytes[6] !== 1) throw new ElfError(`unsupported ELF version ${bytes[6]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`not a RISC-V ELF file (e_machine=${machine}, expected ${EM_RISCV})`);
  if (type !== ET_EXEC) throw new ElfError(`not an executable ELF file (e_type=${type}, expected ET_EXEC=${ET_EXEC})`);
  const entry = u64(dv, 24, 'entry point');
  const phoff = u64(dv, 32, 'program header offset');
  const shoff = u64(dv, 40, 'section header offset');
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);

  if (phnum === 0) throw new ElfError('no program headers');
  if (phentsize !== PHDR_SIZE) throw new ElfError(`bad program header size ${phentsize}`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) throw new ElfError('program headers lie outside the file');

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * PHDR_SIZE;
    if (dv.getUint32(p, true) !== PT_LOAD) continue;
    const seg: ElfSegment = {
      flags: dv.getUint32(p + 4, true),
      offset: u64(dv, p + 8, `segment ${i} offset`),
      vaddr: u64(dv, p + 16, `segment ${i} virtual address`),
      paddr: u64(dv, p + 24, `segment ${i} physical address`),
      fileSize: u64(dv, p + 32, `segment ${i} file size`),
      memSize: u64(dv, p + 40, `segment ${i} memory size`),
    };
    if (seg.fileSize > seg.memSize) throw new ElfError(`segment ${i}: file size exceeds memory size`);
    if (seg.offset + seg.fileSize > bytes.length) throw new ElfError(`segment ${i} lies outside the file (truncated?)`);
    if (seg.memSize > 0) segments.push(seg);
  }
  if (segments.length === 0) throw new ElfError('no loadable segments');

  const symbols = new Map<string, number>();
  if (shoff !== 0 && shnum !== 0) {
    if (shentsize !== SHDR_SIZE) throw new ElfError(`bad section header size ${shentsize}`);
    if (shoff + shnum * SHDR_SIZE > bytes.length) throw new ElfError('section headers lie outside the file');
    for (let i = 0; i < shnum; i++) {
      const s = shoff + i * SHDR_SIZE;
      if (dv.getUint32(s + 4, true) !== SHT_SYMTAB) continue;
      const symOff = u64(dv, s + 24, 'symbol table offset');
      const symSize = u64(dv, s + 32, 'symbol table size');
      const link = dv.getUint32(s + 40, true);
      if (symOff + symSize > bytes.length) throw new ElfError('symbol table lies outside the file');
      if (link >= shnum) throw new ElfError('symbol table names a missing string table');
      const t = shoff + link * SHDR_SIZE;
      const strOff = u64(dv, t + 24, 'string table offset');
      const strSize = u64(dv, t + 32, 'string table size');
      if (strOff + strSize > bytes.length) throw new ElfError('string table lies outside the file');
      const dec = new TextDecoder();
      for (let k = SYM_SIZE; k + SYM_SIZE <= symSize; k += SYM_SIZE) {
        const e = symOff + k;
        const nameOff = dv.getUint32(e, true);
        if (nameOff === 0 || nameOff >= strSize) continue;
        let end = strOff + nameOff;
        while (end < strOff + strSize && bytes[end] !== 0) end++;
        const name = dec.decode(bytes.subarray(strOff + nameOff, end));
        const value = dv.getBigUint64(e + 8, true);
        if (value <= BigInt(Number.MAX_SAFE_INTEGER) && !symbols.has(name)) symbols.set(name, Number(value));
      }
    }
  }
  return { entry, segments, symbols };
}

/**
 * Parses an ELF file and copies its PT_LOAD segments to their physical addresses in guest RAM,
 * zero-filling the bss part. Throws ElfError when a segment does not fit in RAM.
 */
export function loadElf(bytes: Uint8Array, mem: GuestMemory): LoadedElf {
  const img = parseElf(bytes);
  const ram = `guest RAM is ${hex(RAM_BASE)}..${hex(RAM_BASE + mem.size)}`;
  for (const seg of img.segments) {
    const dst = mem.view(seg.paddr, seg.memSize);
    if (!dst) throw new ElfError(`segment ${hex(seg.paddr)}..${hex(seg.paddr + seg.memSize)} does not fit in RAM (${ram})`);
    dst.set(bytes.subarray(seg.offset, seg.offset + seg.fileSize));
    dst.fill(0, seg.fileSize);
  }
  const tohost = img.symbols.get('tohost') ?? 0;
  const fromhost = img.symbols.get('fromhost') ?? 0;
  if (tohost !== 0 && !mem.view(tohost, 8)) throw new ElfError(`tohost at ${hex(tohost)} lies outside RAM (${ram})`);
  if (fromhost !== 0 && !mem.view(fromhost, 8)) throw new ElfError(`fromhost at ${hex(fromhost)} lies outside RAM (${ram})`);
  return { ...img, tohost, fromhost };
}
