// Instruction fields and immediates of the 32-bit formats, one definition for every
// reader: the interpreter, and code that translates guest instructions. Compressed
// forms reach them already expanded (rvc.ts). All inline: they compile to the shifts
// and masks written here, at the use.

// Major opcodes (bits 6..0).
export const OP_LOAD: u32 = 0x03;
export const OP_LOAD_FP: u32 = 0x07;
export const OP_MISC_MEM: u32 = 0x0f;
export const OP_IMM: u32 = 0x13;
export const OP_AUIPC: u32 = 0x17;
export const OP_IMM_32: u32 = 0x1b;
export const OP_STORE: u32 = 0x23;
export const OP_STORE_FP: u32 = 0x27;
export const OP_AMO: u32 = 0x2f;
export const OP_OP: u32 = 0x33;
export const OP_LUI: u32 = 0x37;
export const OP_OP_32: u32 = 0x3b;
export const OP_MADD: u32 = 0x43;
export const OP_MSUB: u32 = 0x47;
export const OP_NMSUB: u32 = 0x4b;
export const OP_NMADD: u32 = 0x4f;
export const OP_FP: u32 = 0x53;
export const OP_BRANCH: u32 = 0x63;
export const OP_JALR: u32 = 0x67;
export const OP_JAL: u32 = 0x6f;
export const OP_SYSTEM: u32 = 0x73;

@inline export function opcode(insn: u32): u32 {
  return insn & 0x7f;
}
@inline export function rdOf(insn: u32): u32 {
  return (insn >>> 7) & 31;
}
@inline export function rs1Of(insn: u32): u32 {
  return (insn >>> 15) & 31;
}
@inline export function rs2Of(insn: u32): u32 {
  return (insn >>> 20) & 31;
}
@inline export function rs3Of(insn: u32): u32 {
  return insn >>> 27;
}
@inline export function funct3(insn: u32): u32 {
  return (insn >>> 12) & 7;
}
// AMO operation (bits 31..27).
@inline export function funct5(insn: u32): u32 {
  return insn >>> 27;
}
// RV64 immediate shifts: bits 31..26 above the 6-bit shift amount.
@inline export function funct6(insn: u32): u32 {
  return insn >>> 26;
}
@inline export function funct7(insn: u32): u32 {
  return insn >>> 25;
}
// The CSR number of a SYSTEM instruction.
@inline export function csrOf(insn: u32): u32 {
  return insn >>> 20;
}

// Immediates, sign-extended to 64 bits.
@inline export function immI(insn: u32): u64 {
  return <u64>(<i64>(<i32>insn >> 20));
}
@inline export function immS(insn: u32): u64 {
  return <u64>(<i64>(((<i32>insn >> 25) << 5) | <i32>((insn >>> 7) & 31)));
}
@inline export function immB(insn: u32): u64 {
  return <u64><i64>(((<i32>insn >> 31) << 12) | <i32>(((insn >>> 7) & 1) << 11) |
    <i32>(((insn >>> 25) & 0x3f) << 5) | <i32>(((insn >>> 8) & 0xf) << 1));
}
@inline export function immU(insn: u32): u64 {
  return <u64><i64><i32>(insn & 0xfffff000);
}
@inline export function immJ(insn: u32): u64 {
  return <u64><i64>(((<i32>insn >> 31) << 20) | <i32>(insn & 0xff000) | <i32>(((insn >>> 20) & 1) << 11) |
    <i32>(((insn >>> 21) & 0x3ff) << 1));
}
// The 32-bit immediate of OP-IMM-32 (ADDIW).
@inline export function immI32(insn: u32): u32 {
  return <u32>(<i32>insn >> 20);
}
// Shift amounts: 6 bits for RV64 shifts, 5 for the W forms.
@inline export function shamt6(insn: u32): u32 {
  return (insn >>> 20) & 63;
}
@inline export function shamt5(insn: u32): u32 {
  return (insn >>> 20) & 31;
}
