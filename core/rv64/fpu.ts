// RV64F and RV64D: every OP-FP and fused multiply-add instruction.
//
// Exactness. Every result and every fflags bit is meant to be bit-exact with the
// RISC-V unprivileged spec (IEEE 754-2008 arithmetic, tininess detected after
// rounding, canonical NaNs, 2019 fmin/fmax). Nothing here is knowingly
// approximate. How each operation gets there:
//
// * WebAssembly only rounds to nearest-even and raises no flags. Double-precision
//   add/sub/mul/div/sqrt use the native operation and then recover the sign (and
//   for ties the size) of the rounding error exactly:
//     - add/sub: TwoSum, exact whenever the sum is finite;
//     - mul/div/sqrt: integer residuals. With normal operands and a normal result
//       the residual  ma*mb - mr<<s  (or  ma<<t - mq*mb,  ma<<t - ms*ms)  is
//       smaller than 2^63 in magnitude, so wrapping u64 arithmetic yields it
//       exactly.
//   No error means exact (no flags). Otherwise NX, and for directed modes and RMM
//   the nearest-even result moves by at most one ulp in the direction the error
//   dictates. Results that overflow, underflow or come from subnormal operands
//   take a soft-float path (integer significands, 128-bit products, sticky bits,
//   one rounding routine shared by both formats).
// * Fused multiply-add in double precision: the product is split exactly into
//   ph + pl (Dekker's product with Veltkamp splitting), c + ph is split exactly
//   into th + tl (TwoSum), and tl + pl is rounded to odd before the one final
//   rounding of th + (tl + pl). Rounding to odd keeps every bit that decides the
//   final rounding (Boldo and Melquiond's emulated FMA), so the result, its
//   direction and hence all flags are exact in every mode. Used while all parts
//   stay far from the subnormal range and the result is finite (|a|, |b| below
//   2^995, product and result at least 2^-899); everything else is soft-float:
//   106-bit exact product, 128-bit aligned add with sticky bit, one rounding.
// * Single precision is computed in double precision and rounded once:
//     - mul and the FMA product are exact in double;
//     - add and the FMA sum are rounded to double and the TwoSum error is folded
//       into the last bit (round to odd), which makes the second rounding exact;
//     - div and sqrt need no correction: a double-precision quotient or root of
//       single-precision operands never lands on a single-precision rounding
//       boundary (representable value, midpoint, 2^-126, 2^128) unless the exact
//       result is that boundary, so rounding it to single gives the correctly
//       rounded result and the right flags in every mode.
// * Conversions to integers use the native trunc/floor/ceil/nearest (all exact)
//   and range checks; conversions from 64-bit integers that do not fit the
//   significand round in software.
//
// fflags: each instruction collects its flags in `fl`; they are OR-ed into
// H.fflags at the end. The accrual marks mstatus.FS dirty, as does every write of
// an f register.

import {
  H,
  getX,
  setX,
  getF,
  setF,
  markFsDirty,
  FFLAG_NX,
  FFLAG_UF,
  FFLAG_OF,
  FFLAG_DZ,
  FFLAG_NV,
} from "./state";
import {
  OP_FP, OP_MADD, OP_MSUB, OP_NMSUB, OP_NMADD, opcode, rdOf, rs1Of, rs2Of, rs3Of, funct3, funct7,
} from "./decode";

// Rounding modes
const RNE: u32 = 0;
const RTZ: u32 = 1;
const RDN: u32 = 2;
const RUP: u32 = 3;
const RMM: u32 = 4;

// Double-precision bit patterns
const SIGN_D: u64 = 0x8000000000000000;
const ABS_D: u64 = 0x7fffffffffffffff;
const EXP_D: u64 = 0x7ff0000000000000; // also +infinity
const FRAC_D: u64 = 0x000fffffffffffff;
const HID_D: u64 = 0x0010000000000000;
const QUIET_D: u64 = 0x0008000000000000;
const QNAN_D: u64 = 0x7ff8000000000000; // canonical NaN
const MAX_D: u64 = 0x7fefffffffffffff;

// Single-precision bit patterns
const SIGN_S: u32 = 0x80000000;
const ABS_S: u32 = 0x7fffffff;
const EXP_S: u32 = 0x7f800000;
const FRAC_S: u32 = 0x007fffff;
const QUIET_S: u32 = 0x00400000;
const QNAN_S: u32 = 0x7fc00000;
const MAX_S: u32 = 0x7f7fffff;

const BOX: u64 = 0xffffffff00000000; // NaN-boxing of singles in 64-bit f registers

// Flags raised by the instruction under way.
let fl: u32 = 0;
// Second results: low half of 128-bit values, exponent of an unpacked operand.
let lo128: u64 = 0;
let uexp: i32 = 0;

// ---------------------------------------------------------------- small helpers

@inline function fD(b: u64): f64 {
  return reinterpret<f64>(b);
}

@inline function bD(x: f64): u64 {
  return reinterpret<u64>(x);
}

// Single-precision bits to the (exact) double value; not for NaNs.
@inline function fS(b: u32): f64 {
  return <f64>reinterpret<f32>(b);
}

@inline function isNanD(b: u64): bool {
  return (b & ABS_D) > EXP_D;
}

@inline function isSnanD(b: u64): bool {
  return (b & ABS_D) > EXP_D && (b & QUIET_D) == 0;
}

@inline function isNanS(b: u32): bool {
  return (b & ABS_S) > EXP_S;
}

@inline function isSnanS(b: u32): bool {
  return (b & ABS_S) > EXP_S && (b & QUIET_S) == 0;
}

// Single-precision operand: an improperly NaN-boxed value reads as the canonical NaN.
@inline function getS(r: u32): u32 {
  const v = getF(r);
  return (v >> 32) == 0xffffffff ? <u32>v : QNAN_S;
}

@inline function setS(r: u32, v: u32): void {
  setF(r, BOX | <u64>v);
}

// Shift right, OR-ing every bit shifted out into bit 0.
function srj(x: u64, n: i32): u64 {
  if (n <= 0) return x;
  if (n >= 64) return <u64>(x != 0);
  return (x >> <u64>n) | <u64>((x << <u64>(64 - n)) != 0);
}

// 128-bit right shift (hi:lo) by n > 0 with jamming; returns the high half, low half in lo128.
function srj128(hi: u64, lo: u64, n: i32): u64 {
  if (n <= 0) {
    lo128 = lo;
    return hi;
  }
  if (n < 64) {
    lo128 = (lo >> <u64>n) | (hi << <u64>(64 - n)) | <u64>((lo << <u64>(64 - n)) != 0);
    return hi >> <u64>n;
  }
  if (n == 64) {
    lo128 = hi | <u64>(lo != 0);
    return 0;
  }
  if (n < 128) {
    lo128 = (hi >> <u64>(n - 64)) | <u64>(((hi << <u64>(128 - n)) | lo) != 0);
    return 0;
  }
  lo128 = <u64>((hi | lo) != 0);
  return 0;
}

// Full 64x64 -> 128-bit product; returns the high half, low half in lo128.
function mul128(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  lo128 = (mid << 32) | (p00 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// Significand of a nonzero finite double with the leading one at bit 52; the
// matching biased exponent (value = m * 2^(e - 1075)) goes to uexp. Subnormals
// are normalized, so their exponent can drop below 1.
function unpackD(b: u64): u64 {
  let e = <i32>((b >> 52) & 0x7ff);
  let m = b & FRAC_D;
  if (e == 0) {
    const s = <i32>clz(m) - 11;
    m <<= <u64>s;
    e = 1 - s;
  } else {
    m |= HID_D;
  }
  uexp = e;
  return m;
}

// ------------------------------------------------------------------- rounding

// Rounds and packs a finite nonzero value. sig carries the significand with its
// leading one at bit 62 and sticky information in its low bits; the value is
// sig / 2^62 * 2^(exp + 1 - bias). Returns the bits of the single (in the low 32
// bits) or double result; raises NX, UF (tininess after rounding) and OF.
function roundPack(sign: u64, exp: i32, sig: u64, rm: u32, single: bool): u64 {
  const sh: u64 = single ? 39 : 10;
  const mask: u64 = ((<u64>1) << sh) - 1;
  const half: u64 = (<u64>1) << (sh - 1);
  const emax: i32 = single ? 0xfd : 0x7fd;
  let inc = half;
  if (rm != RNE && rm != RMM) inc = rm == (sign != 0 ? RDN : RUP) ? mask : 0;
  let rbits = sig & mask;
  if (<u32>exp >= <u32>emax) {
    if (exp < 0) {
      // Tiny if even rounding with an unbounded exponent stays below the smallest normal.
      const tiny = exp < -1 || sig + inc < 0x8000000000000000;
      sig = srj(sig, -exp);
      exp = 0;
      rbits = sig & mask;
      if (tiny && rbits != 0) fl |= FFLAG_UF;
    } else if (exp > emax || sig + inc >= 0x8000000000000000) {
      fl |= FFLAG_OF | FFLAG_NX;
      if (single) return (sign << 31) | <u64>(inc != 0 ? EXP_S : MAX_S);
      return (sign << 63) | (inc != 0 ? EXP_D : MAX_D);
    }
  }
  if (rbits != 0) fl |= FFLAG_NX;
  sig = (sig + inc) >> sh;
  if (rm == RNE && rbits == half) sig &= ~(<u64>1);
  if (sig == 0) exp = 0;
  if (single) return (sign << 31) + (<u64>exp << 23) + sig;
  return (sign << 63) + (<u64>exp << 52) + sig;
}

// Moves a nearest-even result rb (finite, nonzero, inexact) to the result of
// mode rm. away: the exact value is farther from zero than rb; tie: it lies
// exactly halfway between rb and the next value away from zero.
function adjustD(rb: u64, away: bool, tie: bool, rm: u32): u64 {
  if (rm == RMM) {
    if (tie) rb++;
  } else if (rm == RTZ) {
    if (!away) rb--;
  } else if ((rm == RUP) != (rb >= SIGN_D)) {
    // this mode rounds away from zero for this sign
    if (away) rb++;
  } else {
    if (!away) rb--;
  }
  if ((rb & ABS_D) == EXP_D) fl |= FFLAG_OF; // went past the largest finite value
  return rb;
}

// Result of an overflow in mode rm.
@inline function overflowD(sign: u64, rm: u32): u64 {
  fl |= FFLAG_OF | FFLAG_NX;
  const toInf = rm == RNE || rm == RMM || rm == (sign != 0 ? RDN : RUP);
  return (sign << 63) | (toInf ? EXP_D : MAX_D);
}

// Exact double x rounded to single precision (bits). x must be finite.
function roundS(x: f64, rm: u32): u32 {
  const y = <f32>x;
  const yb = reinterpret<u32>(y);
  if (<f64>y == x) return yb;
  const e = (yb >> 23) & 0xff;
  if (rm == RNE && e - 2 < 0xfd) {
    fl |= FFLAG_NX;
    return yb;
  }
  // Subnormal, overflowing or directed: software rounding.
  const xb = bD(x);
  const m = unpackD(xb);
  return <u32>roundPack(xb >> 63, uexp - 897, m << 10, rm, true);
}

// s + err is exact (TwoSum). Folds the sign of err into the last bit of s
// (round to odd), after which one rounding to single gives the correct result.
@inline function toOdd(s: f64, err: f64): f64 {
  let sb = bD(s);
  if ((sb & 1) == 0) {
    if (((bD(err) ^ sb) >> 63) == 0) sb++;
    else sb--;
  }
  return fD(sb);
}

// ----------------------------------------------------------- double precision

// Overflowed sum of finite x and y: both are large, so halving them is exact.
function addOverflowD(x: f64, y: f64, rm: u32): u64 {
  const xs = x * 0.5;
  const ys = y * 0.5;
  const r = xs + ys;
  let rb = bD(r);
  const bv = r - xs;
  const err = (xs - (r - bv)) + (ys - bv);
  if (rm != RNE && err != 0) {
    const away = ((bD(err) ^ rb) >> 63) == 0;
    let tie = false;
    if (rm == RMM && away) {
      const ra = rb & ABS_D;
      tie = Math.abs(err) * 2 == fD(ra + 1) - fD(ra);
    }
    rb = adjustD(rb, away, tie, rm);
  }
  if ((rb & ABS_D) >= 0x7fe0000000000000) return overflowD(rb >> 63, rm);
  fl |= FFLAG_NX;
  return rb + HID_D; // times two
}

function addSpecialD(a: u64, b: u64, rm: u32): u64 {
  if (isNanD(a) || isNanD(b)) {
    if (isSnanD(a) || isSnanD(b)) fl |= FFLAG_NV;
    return QNAN_D;
  }
  const aa = a & ABS_D;
  const ba = b & ABS_D;
  if (aa == EXP_D) {
    if (ba == EXP_D && a != b) {
      fl |= FFLAG_NV;
      return QNAN_D;
    }
    return a;
  }
  if (ba == EXP_D) return b;
  return addOverflowD(fD(a), fD(b), rm);
}

// a + b (fsub flips b's sign first).
function addD(a: u64, b: u64, rm: u32): u64 {
  const x = fD(a);
  const y = fD(b);
  const r = x + y;
  const rb = bD(r);
  if ((rb & EXP_D) == EXP_D) return addSpecialD(a, b, rm);
  const bv = r - x;
  const err = (x - (r - bv)) + (y - bv);
  if (err == 0) {
    // An exact zero sum is +0, or -0 when rounding down (unless both are +0).
    if (r == 0 && rm == RDN) return (a | b) == 0 ? 0 : SIGN_D;
    return rb;
  }
  fl |= FFLAG_NX;
  if (rm == RNE) return rb;
  const away = ((bD(err) ^ rb) >> 63) == 0;
  let tie = false;
  if (rm == RMM && away) {
    const ra = rb & ABS_D;
    tie = Math.abs(err) * 2 == fD(ra + 1) - fD(ra);
  }
  return adjustD(rb, away, tie, rm);
}

function mulSlowD(a: u64, b: u64, rm: u32): u64 {
  const sign = (a ^ b) >> 63;
  if (isNanD(a) || isNanD(b)) {
    if (isSnanD(a) || isSnanD(b)) fl |= FFLAG_NV;
    return QNAN_D;
  }
  const aa = a & ABS_D;
  const ba = b & ABS_D;
  if (aa == EXP_D || ba == EXP_D) {
    if (aa == 0 || ba == 0) {
      fl |= FFLAG_NV;
      return QNAN_D;
    }
    return (sign << 63) | EXP_D;
  }
  if (aa == 0 || ba == 0) return sign << 63;
  const ma = unpackD(a);
  const ea = uexp;
  const mb = unpackD(b);
  let e = ea + uexp - 0x3ff;
  const hi = mul128(ma << 10, mb << 11);
  let sig = hi | <u64>(lo128 != 0);
  if (sig < 0x4000000000000000) {
    e--;
    sig <<= 1;
  }
  return roundPack(sign, e, sig, rm, false);
}

function mulD(a: u64, b: u64, rm: u32): u64 {
  const rb = bD(fD(a) * fD(b));
  const ea = <i32>(a >> 52) & 0x7ff;
  const eb = <i32>(b >> 52) & 0x7ff;
  const er = <i32>(rb >> 52) & 0x7ff;
  // Fast path: normal operands, result at least 2^-1021 and finite.
  if (<u32>(ea - 1) >= 0x7fe || <u32>(eb - 1) >= 0x7fe || <u32>(er - 2) >= 0x7fd) return mulSlowD(a, b, rm);
  const ma = (a & FRAC_D) | HID_D;
  const mb = (b & FRAC_D) | HID_D;
  const mr = (rb & FRAC_D) | HID_D;
  const s = er - ea - eb + 1075; // 52..54
  const err = <i64>(ma * mb - (mr << <u64>s));
  if (err == 0) return rb;
  fl |= FFLAG_NX;
  if (rm == RNE) return rb;
  return adjustD(rb, err > 0, err == (<i64>1) << <i64>(s - 1), rm);
}

function divSlowD(a: u64, b: u64, rm: u32): u64 {
  const sign = (a ^ b) >> 63;
  if (isNanD(a) || isNanD(b)) {
    if (isSnanD(a) || isSnanD(b)) fl |= FFLAG_NV;
    return QNAN_D;
  }
  const aa = a & ABS_D;
  const ba = b & ABS_D;
  if (aa == EXP_D) {
    if (ba == EXP_D) {
      fl |= FFLAG_NV;
      return QNAN_D;
    }
    return (sign << 63) | EXP_D;
  }
  if (ba == EXP_D) return sign << 63;
  if (ba == 0) {
    if (aa == 0) {
      fl |= FFLAG_NV;
      return QNAN_D;
    }
    fl |= FFLAG_DZ;
    return (sign << 63) | EXP_D;
  }
  if (aa == 0) return sign << 63;
  let ma = unpackD(a);
  const ea = uexp;
  const mb = unpackD(b);
  let e = ea - uexp + 0x3fe;
  if (ma < mb) {
    ma <<= 1;
    e--;
  }
  // Restoring division: q = floor(ma * 2^62 / mb), leading one at bit 62.
  let r = ma;
  let q: u64 = 0;
  for (let i = 0; i < 63; i++) {
    q <<= 1;
    if (r >= mb) {
      r -= mb;
      q |= 1;
    }
    r <<= 1;
  }
  return roundPack(sign, e, q | <u64>(r != 0), rm, false);
}

function divD(a: u64, b: u64, rm: u32): u64 {
  const qb = bD(fD(a) / fD(b));
  const ea = <i32>(a >> 52) & 0x7ff;
  const eb = <i32>(b >> 52) & 0x7ff;
  const eq = <i32>(qb >> 52) & 0x7ff;
  if (<u32>(ea - 1) >= 0x7fe || <u32>(eb - 1) >= 0x7fe || <u32>(eq - 2) >= 0x7fd) return divSlowD(a, b, rm);
  const ma = (a & FRAC_D) | HID_D;
  const mb = (b & FRAC_D) | HID_D;
  const mq = (qb & FRAC_D) | HID_D;
  const t = ea - eb - eq + 1075; // 51..53
  const rem = <i64>((ma << <u64>t) - mq * mb);
  if (rem == 0) return qb;
  fl |= FFLAG_NX;
  if (rm == RNE) return qb;
  return adjustD(qb, rem > 0, false, rm); // a quotient is never a tie
}

function sqrtD(a: u64, rm: u32): u64 {
  if (isNanD(a)) {
    if (isSnanD(a)) fl |= FFLAG_NV;
    return QNAN_D;
  }
  if (a >= SIGN_D) {
    if (a == SIGN_D) return a; // sqrt(-0) = -0
    fl |= FFLAG_NV;
    return QNAN_D;
  }
  if (a == 0 || a == EXP_D) return a;
  const sb = bD(Math.sqrt(fD(a)));
  const es = <i32>(sb >> 52) & 0x7ff;
  const ms = (sb & FRAC_D) | HID_D;
  const ma = unpackD(a);
  const t = uexp - 2 * es + 1075; // 51..53
  const rem = <i64>((ma << <u64>t) - ms * ms);
  if (rem == 0) return sb;
  fl |= FFLAG_NX;
  if (rm == RNE) return sb;
  return adjustD(sb, rem > 0, false, rm); // a square root is never a tie
}

// (-1)^negP * a * b + (-1)^negC * c with one rounding.
function fmaD(a: u64, b: u64, c: u64, negP: u64, negC: u64, rm: u32): u64 {
  const ea = <i32>(a >> 52) & 0x7ff;
  const eb = <i32>(b >> 52) & 0x7ff;
  // Fast path: |a|, |b| in [2^-1022, 2^995), product at least 2^-899, c finite.
  if (<u32>(ea - 1) < 2017 && <u32>(eb - 1) < 2017 && ea + eb >= 1147 && (c & EXP_D) != EXP_D) {
    let x = fD(a);
    let y = fD(b);
    if (negP != 0) x = -x;
    const z = negC != 0 ? -fD(c) : fD(c);
    // Exact product ph + pl (Dekker, Veltkamp splitting).
    const ph = x * y;
    let t = x * 134217729.0;
    const xh = t - (t - x);
    const xl = x - xh;
    t = y * 134217729.0;
    const yh = t - (t - y);
    const yl = y - yh;
    const pl = ((xh * yh - ph) + xh * yl + xl * yh) + xl * yl;
    // th + tl = z + ph
    const th = z + ph;
    let bv = th - z;
    const tl = (z - (th - bv)) + (ph - bv);
    // v = tl + pl rounded to odd
    let v = tl + pl;
    bv = v - tl;
    const ve = (tl - (v - bv)) + (pl - bv);
    if (ve != 0) v = toOdd(v, ve);
    // result = th + v rounded once
    const r = th + v;
    const rb = bD(r);
    const er = <i32>(rb >> 52) & 0x7ff;
    if (<u32>(er - 124) < 0x7fe - 124 + 1) {
      bv = r - th;
      const err = (th - (r - bv)) + (v - bv);
      if (err == 0) {
        if (ve == 0) return rb;
      } else {
        fl |= FFLAG_NX;
        if (rm == RNE) return rb;
        const away = ((bD(err) ^ rb) >> 63) == 0;
        let tie = false;
        if (rm == RMM && away) {
          const ra = rb & ABS_D;
          tie = Math.abs(err) * 2 == fD(ra + 1) - fD(ra);
        }
        return adjustD(rb, away, tie, rm);
      }
    }
  }
  return fmaSlowD(a, b, c, negP, negC, rm);
}

function fmaSlowD(a: u64, b: u64, c: u64, negP: u64, negC: u64, rm: u32): u64 {
  const sp = ((a ^ b) >> 63) ^ negP;
  const sc = (c >> 63) ^ negC;
  const aa = a & ABS_D;
  const ba = b & ABS_D;
  const ca = c & ABS_D;
  if (aa > EXP_D || ba > EXP_D || ca > EXP_D) {
    // inf * 0 is invalid even when the addend is a quiet NaN
    if (isSnanD(a) || isSnanD(b) || isSnanD(c) || (aa == EXP_D && ba == 0) || (ba == EXP_D && aa == 0)) {
      fl |= FFLAG_NV;
    }
    return QNAN_D;
  }
  if (aa == EXP_D || ba == EXP_D) {
    if (aa == 0 || ba == 0 || (ca == EXP_D && sc != sp)) {
      fl |= FFLAG_NV;
      return QNAN_D;
    }
    return (sp << 63) | EXP_D;
  }
  if (ca == EXP_D) return (sc << 63) | EXP_D;
  if (aa == 0 || ba == 0) {
    if (ca == 0) return (sp == sc ? sp : <u64>(rm == RDN)) << 63;
    return (sc << 63) | ca;
  }
  // Exact product, leading one at bit 126 of hi:lo; value = hi:lo / 2^126 * 2^(e + 1 - 1023).
  const ma = unpackD(a);
  const ea = uexp;
  const mb = unpackD(b);
  let e = ea + uexp - 0x3ff;
  let hi = mul128(ma << 10, mb << 11);
  let lo = lo128;
  if (hi < 0x4000000000000000) {
    e--;
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
  }
  if (ca == 0) return roundPack(sp, e, hi | <u64>(lo != 0), rm, false);
  // Addend in the same format.
  const mc = unpackD(c);
  const ec = uexp - 1;
  let chi = mc << 10;
  let clo: u64 = 0;
  const d = e - ec;
  if (d > 0) {
    chi = srj128(chi, clo, d);
    clo = lo128;
  } else if (d < 0) {
    hi = srj128(hi, lo, -d);
    lo = lo128;
    e = ec;
  }
  let sign = sp;
  if (sp == sc) {
    const l = lo + clo;
    hi = hi + chi + <u64>(l < lo);
    lo = l;
    if (hi >= 0x8000000000000000) {
      lo = (lo >> 1) | (hi << 63) | (lo & 1);
      hi >>= 1;
      e++;
    }
  } else {
    if (hi < chi || (hi == chi && lo < clo)) {
      let t = hi;
      hi = chi;
      chi = t;
      t = lo;
      lo = clo;
      clo = t;
      sign = sc;
    }
    const l = lo - clo;
    hi = hi - chi - <u64>(lo < clo);
    lo = l;
    if ((hi | lo) == 0) return <u64>(rm == RDN) << 63;
    const n = (hi != 0 ? <i32>clz(hi) : 64 + <i32>clz(lo)) - 1;
    if (n >= 64) {
      hi = lo << <u64>(n - 64);
      lo = 0;
    } else if (n > 0) {
      hi = (hi << <u64>n) | (lo >> <u64>(64 - n));
      lo <<= <u64>n;
    }
    e -= n;
  }
  return roundPack(sign, e, hi | <u64>(lo != 0), rm, false);
}

function minMaxD(a: u64, b: u64, isMax: bool): u64 {
  const an = isNanD(a);
  const bn = isNanD(b);
  if (an || bn) {
    if (isSnanD(a) || isSnanD(b)) fl |= FFLAG_NV;
    if (an && bn) return QNAN_D;
    return an ? b : a;
  }
  const x = fD(a);
  const y = fD(b);
  return bD(isMax ? max<f64>(x, y) : min<f64>(x, y)); // wasm orders -0 below +0
}

function classD(b: u64): u64 {
  const neg = b >= SIGN_D;
  const e = (b >> 52) & 0x7ff;
  const m = b & FRAC_D;
  if (e == 0x7ff) {
    if (m == 0) return neg ? 1 << 0 : 1 << 7;
    return (m & QUIET_D) != 0 ? 1 << 9 : 1 << 8;
  }
  if (e == 0) {
    if (m == 0) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

// ----------------------------------------------------------- single precision

function addS(a: u32, b: u32, rm: u32): u32 {
  if (isNanS(a) || isNanS(b)) {
    if (isSnanS(a) || isSnanS(b)) fl |= FFLAG_NV;
    return QNAN_S;
  }
  const x = fS(a);
  const y = fS(b);
  const s = x + y;
  if (s != s) {
    fl |= FFLAG_NV; // inf - inf
    return QNAN_S;
  }
  if ((bD(s) & ABS_D) == EXP_D) return reinterpret<u32>(<f32>s);
  const bv = s - x;
  const err = (x - (s - bv)) + (y - bv);
  if (err == 0) {
    if (s == 0 && rm == RDN) return (a | b) == 0 ? 0 : SIGN_S;
    return roundS(s, rm);
  }
  return roundS(toOdd(s, err), rm);
}

function mulS(a: u32, b: u32, rm: u32): u32 {
  if (isNanS(a) || isNanS(b)) {
    if (isSnanS(a) || isSnanS(b)) fl |= FFLAG_NV;
    return QNAN_S;
  }
  const p = fS(a) * fS(b); // exact
  if (p != p) {
    fl |= FFLAG_NV; // inf * 0
    return QNAN_S;
  }
  if ((bD(p) & ABS_D) == EXP_D) return reinterpret<u32>(<f32>p);
  return roundS(p, rm);
}

function divS(a: u32, b: u32, rm: u32): u32 {
  if (isNanS(a) || isNanS(b)) {
    if (isSnanS(a) || isSnanS(b)) fl |= FFLAG_NV;
    return QNAN_S;
  }
  const q = fS(a) / fS(b);
  if (q != q) {
    fl |= FFLAG_NV; // 0/0, inf/inf
    return QNAN_S;
  }
  if ((bD(q) & ABS_D) == EXP_D) {
    if ((b & ABS_S) == 0 && (a & ABS_S) != EXP_S) fl |= FFLAG_DZ;
    return reinterpret<u32>(<f32>q);
  }
  return roundS(q, rm);
}

function sqrtS(a: u32, rm: u32): u32 {
  if (isNanS(a)) {
    if (isSnanS(a)) fl |= FFLAG_NV;
    return QNAN_S;
  }
  if (a >= SIGN_S) {
    if (a == SIGN_S) return a;
    fl |= FFLAG_NV;
    return QNAN_S;
  }
  if (a == EXP_S) return a;
  return roundS(Math.sqrt(fS(a)), rm);
}

function fmaS(a: u32, b: u32, c: u32, negP: u64, negC: u64, rm: u32): u32 {
  const aa = a & ABS_S;
  const ba = b & ABS_S;
  if (isNanS(a) || isNanS(b) || isNanS(c)) {
    if (isSnanS(a) || isSnanS(b) || isSnanS(c) || (aa == EXP_S && ba == 0) || (ba == EXP_S && aa == 0)) {
      fl |= FFLAG_NV;
    }
    return QNAN_S;
  }
  let p = fS(a) * fS(b); // exact
  let z = fS(c);
  if (negP != 0) p = -p;
  if (negC != 0) z = -z;
  const s = p + z;
  if (s != s) {
    fl |= FFLAG_NV; // inf * 0 or inf - inf
    return QNAN_S;
  }
  if ((bD(s) & ABS_D) == EXP_D) return reinterpret<u32>(<f32>s);
  const bv = s - p;
  const err = (p - (s - bv)) + (z - bv);
  if (err == 0) {
    if (s == 0 && rm == RDN) return (bD(p) | bD(z)) == 0 ? 0 : SIGN_S;
    return roundS(s, rm);
  }
  return roundS(toOdd(s, err), rm);
}

function minMaxS(a: u32, b: u32, isMax: bool): u32 {
  const an = isNanS(a);
  const bn = isNanS(b);
  if (an || bn) {
    if (isSnanS(a) || isSnanS(b)) fl |= FFLAG_NV;
    if (an && bn) return QNAN_S;
    return an ? b : a;
  }
  const x = reinterpret<f32>(a);
  const y = reinterpret<f32>(b);
  return reinterpret<u32>(isMax ? max<f32>(x, y) : min<f32>(x, y));
}

function classS(b: u32): u64 {
  const neg = b >= SIGN_S;
  const e = (b >> 23) & 0xff;
  const m = b & FRAC_S;
  if (e == 0xff) {
    if (m == 0) return neg ? 1 << 0 : 1 << 7;
    return (m & QUIET_S) != 0 ? 1 << 9 : 1 << 8;
  }
  if (e == 0) {
    if (m == 0) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

// ---------------------------------------------------------------- conversions

// Float (as exact double x, or NaN) to integer. kind: 0 W, 1 WU, 2 L, 3 LU.
// 32-bit results come back sign-extended.
function toInt(x: f64, nan: bool, kind: u32, rm: u32): u64 {
  if (nan) {
    fl |= FFLAG_NV;
    return kind == 0 ? 0x7fffffff : kind == 2 ? 0x7fffffffffffffff : 0xffffffffffffffff;
  }
  let r: f64;
  if (rm == RNE) r = nearest<f64>(x);
  else if (rm == RTZ) r = trunc<f64>(x);
  else if (rm == RDN) r = floor<f64>(x);
  else if (rm == RUP) r = ceil<f64>(x);
  else {
    r = trunc<f64>(x);
    if (Math.abs(x - r) >= 0.5) r += copysign<f64>(1.0, x);
  }
  const neg = x < 0;
  if (kind == 0) {
    if (r < -2147483648.0 || r > 2147483647.0) {
      fl |= FFLAG_NV;
      return neg ? 0xffffffff80000000 : 0x7fffffff;
    }
    if (r != x) fl |= FFLAG_NX;
    return <u64>(<i64>(<i32>r));
  }
  if (kind == 1) {
    if (r < 0 || r > 4294967295.0) {
      fl |= FFLAG_NV;
      return neg ? 0 : 0xffffffffffffffff;
    }
    if (r != x) fl |= FFLAG_NX;
    return <u64>(<i64>(<i32>(<u32>r)));
  }
  if (kind == 2) {
    if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
      fl |= FFLAG_NV;
      return neg ? 0x8000000000000000 : 0x7fffffffffffffff;
    }
    if (r != x) fl |= FFLAG_NX;
    return <u64>(<i64>r);
  }
  if (r < 0 || r >= 18446744073709551616.0) {
    fl |= FFLAG_NV;
    return neg ? 0 : 0xffffffffffffffff;
  }
  if (r != x) fl |= FFLAG_NX;
  return <u64>r;
}

// Integer to float bits. kind: 0 W, 1 WU, 2 L, 3 LU.
function fromInt(v: u64, kind: u32, single: bool, rm: u32): u64 {
  let sign: u64 = 0;
  let m: u64;
  if (kind == 0) {
    const i = <i64>(<i32>v);
    sign = <u64>(i < 0);
    m = <u64>(i < 0 ? -i : i);
  } else if (kind == 1) {
    m = v & 0xffffffff;
  } else if (kind == 2) {
    sign = v >> 63;
    m = sign != 0 ? 0 - v : v;
  } else {
    m = v;
  }
  if (m == 0) return 0;
  if (single) {
    if (m < 0x1000000) return (sign << 31) | <u64>reinterpret<u32>(<f32>m);
  } else if (m < 0x20000000000000) {
    return (sign << 63) | bD(<f64>m);
  }
  const n = <i32>clz(m);
  const x = m << <u64>n;
  return roundPack(sign, (single ? 189 : 1085) - n, (x >> 1) | (x & 1), rm, single);
}

// ------------------------------------------------------------------ dispatch

// Executes one OP-FP (opcode 0x53) or fused multiply-add (0x43 FMADD, 0x47 FMSUB,
// 0x4b FNMSUB, 0x4f FNMADD) instruction. Returns false, changing nothing, if the
// encoding is illegal.
export function execFp(insn: u32): bool {
  const op = opcode(insn);
  const rd = rdOf(insn);
  const f3 = funct3(insn);
  const rs1 = rs1Of(insn);
  const rs2 = rs2Of(insn);
  const rm = f3 == 7 ? H.frm : f3; // > 4 is illegal where a rounding mode is used
  fl = 0;

  if (op != OP_FP) {
    const fmt = funct7(insn) & 3;
    if ((op & 0x73) != OP_MADD || fmt > 1 || rm > 4) return false;
    const rs3 = rs3Of(insn);
    const negC: u64 = (op == OP_MSUB || op == OP_NMADD) ? 1 : 0;
    const negP: u64 = (op == OP_NMSUB || op == OP_NMADD) ? 1 : 0;
    if (fmt == 0) setS(rd, fmaS(getS(rs1), getS(rs2), getS(rs3), negP, negC, rm));
    else setF(rd, fmaD(getF(rs1), getF(rs2), getF(rs3), negP, negC, rm));
    if (fl != 0) H.fflags |= fl;
    markFsDirty();
    return true;
  }

  const f7 = funct7(insn);
  switch (f7) {
    // ---- arithmetic, single
    case 0x00: // fadd.s
      if (rm > 4) return false;
      setS(rd, addS(getS(rs1), getS(rs2), rm));
      break;
    case 0x04: // fsub.s
      if (rm > 4) return false;
      setS(rd, addS(getS(rs1), getS(rs2) ^ SIGN_S, rm));
      break;
    case 0x08: // fmul.s
      if (rm > 4) return false;
      setS(rd, mulS(getS(rs1), getS(rs2), rm));
      break;
    case 0x0c: // fdiv.s
      if (rm > 4) return false;
      setS(rd, divS(getS(rs1), getS(rs2), rm));
      break;
    case 0x2c: // fsqrt.s
      if (rm > 4 || rs2 != 0) return false;
      setS(rd, sqrtS(getS(rs1), rm));
      break;
    // ---- arithmetic, double
    case 0x01: // fadd.d
      if (rm > 4) return false;
      setF(rd, addD(getF(rs1), getF(rs2), rm));
      break;
    case 0x05: // fsub.d
      if (rm > 4) return false;
      setF(rd, addD(getF(rs1), getF(rs2) ^ SIGN_D, rm));
      break;
    case 0x09: // fmul.d
      if (rm > 4) return false;
      setF(rd, mulD(getF(rs1), getF(rs2), rm));
      break;
    case 0x0d: // fdiv.d
      if (rm > 4) return false;
      setF(rd, divD(getF(rs1), getF(rs2), rm));
      break;
    case 0x2d: // fsqrt.d
      if (rm > 4 || rs2 != 0) return false;
      setF(rd, sqrtD(getF(rs1), rm));
      break;
    // ---- sign injection
    case 0x10: {
      if (f3 > 2) return false;
      const a = getS(rs1);
      const b = getS(rs2);
      const s = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
      setS(rd, (a & ABS_S) | (s & SIGN_S));
      break;
    }
    case 0x11: {
      if (f3 > 2) return false;
      const a = getF(rs1);
      const b = getF(rs2);
      const s = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
      setF(rd, (a & ABS_D) | (s & SIGN_D));
      break;
    }
    // ---- min / max
    case 0x14:
      if (f3 > 1) return false;
      setS(rd, minMaxS(getS(rs1), getS(rs2), f3 == 1));
      break;
    case 0x15:
      if (f3 > 1) return false;
      setF(rd, minMaxD(getF(rs1), getF(rs2), f3 == 1));
      break;
    // ---- conversions between formats
    case 0x20: {
      // fcvt.s.d
      if (rm > 4 || rs2 != 1) return false;
      const a = getF(rs1);
      let r: u32;
      if (isNanD(a)) {
        if (isSnanD(a)) fl |= FFLAG_NV;
        r = QNAN_S;
      } else if ((a & ABS_D) == EXP_D) {
        r = <u32>(a >> 32) & SIGN_S | EXP_S;
      } else {
        r = roundS(fD(a), rm);
      }
      setS(rd, r);
      break;
    }
    case 0x21: {
      // fcvt.d.s
      if (rm > 4 || rs2 != 0) return false;
      const a = getS(rs1);
      let r: u64;
      if (isNanS(a)) {
        if (isSnanS(a)) fl |= FFLAG_NV;
        r = QNAN_D;
      } else {
        r = bD(fS(a));
      }
      setF(rd, r);
      break;
    }
    // ---- comparisons
    case 0x50: {
      if (f3 > 2) return false;
      const a = getS(rs1);
      const b = getS(rs2);
      let r: u64 = 0;
      if (isNanS(a) || isNanS(b)) {
        if (f3 != 2 || isSnanS(a) || isSnanS(b)) fl |= FFLAG_NV;
      } else {
        const x = reinterpret<f32>(a);
        const y = reinterpret<f32>(b);
        r = <u64>(f3 == 2 ? x == y : f3 == 1 ? x < y : x <= y);
      }
      setX(rd, r);
      if (fl != 0) {
        H.fflags |= fl;
        markFsDirty();
      }
      return true;
    }
    case 0x51: {
      if (f3 > 2) return false;
      const a = getF(rs1);
      const b = getF(rs2);
      let r: u64 = 0;
      if (isNanD(a) || isNanD(b)) {
        if (f3 != 2 || isSnanD(a) || isSnanD(b)) fl |= FFLAG_NV;
      } else {
        const x = fD(a);
        const y = fD(b);
        r = <u64>(f3 == 2 ? x == y : f3 == 1 ? x < y : x <= y);
      }
      setX(rd, r);
      if (fl != 0) {
        H.fflags |= fl;
        markFsDirty();
      }
      return true;
    }
    // ---- float to integer
    case 0x60: {
      if (rm > 4 || rs2 > 3) return false;
      const a = getS(rs1);
      const nan = isNanS(a);
      setX(rd, toInt(nan ? 0 : fS(a), nan, rs2, rm));
      if (fl != 0) {
        H.fflags |= fl;
        markFsDirty();
      }
      return true;
    }
    case 0x61: {
      if (rm > 4 || rs2 > 3) return false;
      const a = getF(rs1);
      const nan = isNanD(a);
      setX(rd, toInt(nan ? 0 : fD(a), nan, rs2, rm));
      if (fl != 0) {
        H.fflags |= fl;
        markFsDirty();
      }
      return true;
    }
    // ---- integer to float
    case 0x68:
      if (rm > 4 || rs2 > 3) return false;
      setS(rd, <u32>fromInt(getX(rs1), rs2, true, rm));
      break;
    case 0x69:
      if (rm > 4 || rs2 > 3) return false;
      setF(rd, fromInt(getX(rs1), rs2, false, rm));
      break;
    // ---- moves and classification
    case 0x70:
      if (rs2 != 0 || f3 > 1) return false;
      if (f3 == 0) setX(rd, <u64>(<i64>(<i32>(<u32>getF(rs1))))); // fmv.x.w: raw bits, sign-extended
      else setX(rd, classS(getS(rs1)));
      return true;
    case 0x71:
      if (rs2 != 0 || f3 > 1) return false;
      setX(rd, f3 == 0 ? getF(rs1) : classD(getF(rs1)));
      return true;
    case 0x78: // fmv.w.x
      if (rs2 != 0 || f3 != 0) return false;
      setS(rd, <u32>getX(rs1));
      break;
    case 0x79: // fmv.d.x
      if (rs2 != 0 || f3 != 0) return false;
      setF(rd, getX(rs1));
      break;
    default:
      return false;
  }
  // An f register was written.
  if (fl != 0) H.fflags |= fl;
  markFsDirty();
  return true;
}
