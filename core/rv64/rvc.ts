// The C extension, done once: every 16-bit halfword is expanded at init into the
// 32-bit instruction it stands for, so the interpreter decodes one format only.
// 0 marks an illegal or reserved encoding (no valid expansion is 0).

import { RVC_TABLE } from "./state";

@inline function bits(h: u32, hi: u32, lo: u32): u32 {
  return (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
}

@inline function sext(v: u32, width: u32): i32 {
  const sh = 32 - width;
  return (<i32>(v << sh)) >> sh;
}

function itype(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return ((<u32>imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

function stype(imm: i32, rs2: u32, rs1: u32, f3: u32, op: u32): u32 {
  const u = <u32>imm;
  return (((u >>> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | op;
}

function btype(imm: i32, rs2: u32, rs1: u32, f3: u32): u32 {
  const u = <u32>imm;
  return (((u >>> 12) & 1) << 31) | (((u >>> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((u >>> 1) & 0xf) << 8) | (((u >>> 11) & 1) << 7) | 0x63;
}

function jtype(imm: i32, rd: u32): u32 {
  const u = <u32>imm;
  return (((u >>> 20) & 1) << 31) | (((u >>> 1) & 0x3ff) << 21) | (((u >>> 11) & 1) << 20) |
    (((u >>> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

function rtype(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

export function expand(h: u32): u32 {
  const q = h & 3;
  const f3 = h >>> 13;
  const rdp = 8 + bits(h, 4, 2); // rd' / rs2'
  const rs1p = 8 + bits(h, 9, 7);
  const rd = bits(h, 11, 7);
  const rs2 = bits(h, 6, 2);
  if (q == 0) {
    const uimmD = (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6);
    const uimmW = (bits(h, 12, 10) << 3) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 6);
    switch (f3) {
      case 0: {
        const nz = (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 3);
        if (nz == 0) return 0;
        return itype(<i32>nz, 2, 0, rdp, 0x13);
      }
      case 1: return itype(<i32>uimmD, rs1p, 3, rdp, 0x07); // c.fld
      case 2: return itype(<i32>uimmW, rs1p, 2, rdp, 0x03); // c.lw
      case 3: return itype(<i32>uimmD, rs1p, 3, rdp, 0x03); // c.ld
      case 5: return stype(<i32>uimmD, rdp, rs1p, 3, 0x27); // c.fsd
      case 6: return stype(<i32>uimmW, rdp, rs1p, 2, 0x23); // c.sw
      case 7: return stype(<i32>uimmD, rdp, rs1p, 3, 0x23); // c.sd
      default: return 0;
    }
  }
  if (q == 1) {
    const imm6 = sext((bits(h, 12, 12) << 5) | bits(h, 6, 2), 6);
    switch (f3) {
      case 0: return itype(imm6, rd, 0, rd, 0x13); // c.addi (rd=0: hint)
      case 1:
        if (rd == 0) return 0;
        return itype(imm6, rd, 0, rd, 0x1b); // c.addiw
      case 2: return itype(imm6, 0, 0, rd, 0x13); // c.li
      case 3: {
        if (rd == 2) {
          const imm = sext((bits(h, 12, 12) << 9) | (bits(h, 6, 6) << 4) | (bits(h, 5, 5) << 6) |
            (bits(h, 4, 3) << 7) | (bits(h, 2, 2) << 5), 10);
          if (imm == 0) return 0;
          return itype(imm, 2, 0, 2, 0x13); // c.addi16sp
        }
        if (imm6 == 0) return 0;
        return ((<u32>imm6 & 0xfffff) << 12) | (rd << 7) | 0x37; // c.lui
      }
      case 4: {
        const f2 = bits(h, 11, 10);
        const shamt = (bits(h, 12, 12) << 5) | bits(h, 6, 2);
        if (f2 == 0) return itype(<i32>shamt, rs1p, 5, rs1p, 0x13); // c.srli
        if (f2 == 1) return itype(<i32>(shamt | 0x400), rs1p, 5, rs1p, 0x13); // c.srai
        if (f2 == 2) return itype(imm6, rs1p, 7, rs1p, 0x13); // c.andi
        const op2 = bits(h, 6, 5);
        if (bits(h, 12, 12) == 0) {
          if (op2 == 0) return rtype(0x20, rdp, rs1p, 0, rs1p, 0x33); // c.sub
          if (op2 == 1) return rtype(0, rdp, rs1p, 4, rs1p, 0x33); // c.xor
          if (op2 == 2) return rtype(0, rdp, rs1p, 6, rs1p, 0x33); // c.or
          return rtype(0, rdp, rs1p, 7, rs1p, 0x33); // c.and
        }
        if (op2 == 0) return rtype(0x20, rdp, rs1p, 0, rs1p, 0x3b); // c.subw
        if (op2 == 1) return rtype(0, rdp, rs1p, 0, rs1p, 0x3b); // c.addw
        return 0;
      }
      case 5: {
        const off = sext((bits(h, 12, 12) << 11) | (bits(h, 11, 11) << 4) | (bits(h, 10, 9) << 8) |
          (bits(h, 8, 8) << 10) | (bits(h, 7, 7) << 6) | (bits(h, 6, 6) << 7) | (bits(h, 5, 3) << 1) |
          (bits(h, 2, 2) << 5), 12);
        return jtype(off, 0); // c.j
      }
      default: {
        const off = sext((bits(h, 12, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) |
          (bits(h, 4, 3) << 1) | (bits(h, 2, 2) << 5), 9);
        return btype(off, 0, rs1p, f3 == 6 ? 0 : 1); // c.beqz / c.bnez
      }
    }
  }
  if (q == 2) {
    switch (f3) {
      case 0: {
        const shamt = (bits(h, 12, 12) << 5) | bits(h, 6, 2);
        return itype(<i32>shamt, rd, 1, rd, 0x13); // c.slli
      }
      case 1: {
        const u = (bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6);
        return itype(<i32>u, 2, 3, rd, 0x07); // c.fldsp
      }
      case 2: {
        if (rd == 0) return 0;
        const u = (bits(h, 12, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6);
        return itype(<i32>u, 2, 2, rd, 0x03); // c.lwsp
      }
      case 3: {
        if (rd == 0) return 0;
        const u = (bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6);
        return itype(<i32>u, 2, 3, rd, 0x03); // c.ldsp
      }
      case 4: {
        if (bits(h, 12, 12) == 0) {
          if (rs2 == 0) {
            if (rd == 0) return 0;
            return itype(0, rd, 0, 0, 0x67); // c.jr
          }
          return rtype(0, rs2, 0, 0, rd, 0x33); // c.mv
        }
        if (rs2 == 0) {
          if (rd == 0) return 0x00100073; // c.ebreak
          return itype(0, rd, 0, 1, 0x67); // c.jalr
        }
        return rtype(0, rs2, rd, 0, rd, 0x33); // c.add
      }
      case 5: {
        const u = (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6);
        return stype(<i32>u, rs2, 2, 3, 0x27); // c.fsdsp
      }
      case 6: {
        const u = (bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6);
        return stype(<i32>u, rs2, 2, 2, 0x23); // c.swsp
      }
      default: {
        const u = (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6);
        return stype(<i32>u, rs2, 2, 3, 0x23); // c.sdsp
      }
    }
  }
  return 0; // quadrant 3 is not compressed
}

export function rvcInit(): void {
  for (let h: u32 = 0; h < 65536; h++) {
    store<u32>(RVC_TABLE + (h << 2), (h & 3) == 3 ? 0 : expand(h));
  }
}
