// The Supervisor Binary Interface, served by the emulator itself (no firmware):
// RISC-V SBI specification v2.0. The core exits with Exit.Sbi on an S-mode
// ecall (pc already past it); handle() reads a7 = EID, a6 = FID, a0..a5 and
// writes a0 = error, a1 = value. One hart (id 0).

import type { GuestMemory } from '../cpu/hart.js';
import type { PowerHandler } from './power.js';

// Extension IDs
export const SBI_EXT_0_1_SET_TIMER = 0x00;
export const SBI_EXT_0_1_CONSOLE_PUTCHAR = 0x01;
export const SBI_EXT_0_1_CONSOLE_GETCHAR = 0x02;
export const SBI_EXT_0_1_CLEAR_IPI = 0x03;
export const SBI_EXT_0_1_SEND_IPI = 0x04;
export const SBI_EXT_0_1_REMOTE_FENCE_I = 0x05;
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA = 0x06;
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID = 0x07;
export const SBI_EXT_0_1_SHUTDOWN = 0x08;
export const SBI_EXT_BASE = 0x10;
export const SBI_EXT_TIME = 0x54494d45;
export const SBI_EXT_IPI = 0x735049;
export const SBI_EXT_RFENCE = 0x52464e43;
export const SBI_EXT_HSM = 0x48534d;
export const SBI_EXT_SRST = 0x53525354;
export const SBI_EXT_DBCN = 0x4442434e;

// Error codes
export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;

/** Spec version 2.0: major in bits 30..24, minor in 23..0. */
export const SBI_SPEC_VERSION = (2 << 24) | 0;
/** SBI implementation ID of tuml ("tuml" in ASCII), outside the range the spec assigns. */
export const SBI_IMPL_ID_TUML = 0x74756d6c;
/** Implementation version: tuml 0.1 (major << 16 | minor). */
export const SBI_IMPL_VERSION = 0x0000_0001;

// HSM
const SBI_HSM_STATE_STARTED = 0;
const SBI_HSM_SUSPEND_RET_DEFAULT = 0x0000_0000;
const SBI_HSM_SUSPEND_NON_RET_DEFAULT = 0x8000_0000;

// SRST
const SBI_SRST_RESET_TYPE_SHUTDOWN = 0;
const SBI_SRST_RESET_TYPE_COLD_REBOOT = 1;
const SBI_SRST_RESET_TYPE_WARM_REBOOT = 2;
const SBI_SRST_RESET_REASON_SYSFAIL = 1;

const CSR_MVENDORID = 0xf11;
const CSR_MARCHID = 0xf12;
const CSR_MIMPID = 0xf13;
const CSR_SIP = 0x144; // writes change only SSIP, unlike a read-modify-write of mip
const SIP_SSIP = 1 << 1;

const A0 = 10;
const A1 = 11;
const A2 = 12;
const A6 = 16;
const A7 = 17;
const TWO32 = 0x1_0000_0000;
/** Largest 64-bit value the Hart's number-based setters carry exactly. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** What SBI needs from the hart. `Hart` provides it; tests use a fake. */
export interface SbiHart {
  x(i: number): number;
  xLo(i: number): number;
  xHi(i: number): number;
  setX(i: number, v: number): void;
  setXParts(i: number, lo: number, hi: number): void;
  stimecmp: number;
  csr(num: number): number;
  setCsr(num: number, v: number): void;
  tlbFlush(): void;
  readonly mem: GuestMemory;
}

/** The SBI debug console: legacy putchar/getchar and DBCN. */
export interface SbiConsole {
  /** `data` is only valid during the call. */
  write(data: Uint8Array): void;
  /** Copies pending input into `dst`; returns the number of bytes (0 when none). */
  read(dst: Uint8Array): number;
}

export const enum SbiAction {
  Continue = 0,
  /** HSM retentive suspend: idle like WFI until an interrupt is pending. */
  Suspend = 1,
}

/** Which extensions answer probe_extension. */
const PRESENT = new Set([
  SBI_EXT_0_1_SET_TIMER, SBI_EXT_0_1_CONSOLE_PUTCHAR, SBI_EXT_0_1_CONSOLE_GETCHAR,
  SBI_EXT_0_1_CLEAR_IPI, SBI_EXT_0_1_SEND_IPI, SBI_EXT_0_1_REMOTE_FENCE_I,
  SBI_EXT_0_1_REMOTE_SFENCE_VMA, SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, SBI_EXT_0_1_SHUTDOWN,
  SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN,
]);

export class Sbi {
  private readonly one = new Uint8Array(1);
  /** Calls served, by extension id (for debugging and tests). */
  readonly counts = new Map<number, number>();

  constructor(
    private readonly hart: SbiHart,
    private readonly console: SbiConsole,
    private readonly power: PowerHandler,
  ) {}

  /** Serves the ecall the hart stopped on. */
  handle(): SbiAction {
    const h = this.hart;
    const eid = h.xLo(A7);
    const fid = h.xLo(A6);
    this.counts.set(eid, (this.counts.get(eid) ?? 0) + 1);
    if (h.xHi(A7) !== 0) return this.ret(SBI_ERR_NOT_SUPPORTED);
    if (eid <= SBI_EXT_0_1_SHUTDOWN) return this.legacy(eid);
    switch (eid) {
      case SBI_EXT_BASE:
        return this.base(fid);
      case SBI_EXT_TIME:
        if (fid !== 0) return this.ret(SBI_ERR_NOT_SUPPORTED);
        this.setTimer(h.xLo(A0), h.xHi(A0));
        return this.ret(SBI_SUCCESS);
      case SBI_EXT_IPI:
        if (fid !== 0) return this.ret(SBI_ERR_NOT_SUPPORTED);
        return this.sendIpi();
      case SBI_EXT_RFENCE:
        return this.rfence(fid);
      case SBI_EXT_HSM:
        return this.hsm(fid);
      case SBI_EXT_SRST:
        return this.srst(fid);
      case SBI_EXT_DBCN:
        return this.dbcn(fid);
      default:
        return this.ret(SBI_ERR_NOT_SUPPORTED);
    }
  }

  /** a0 = error, a1 = value (a non-negative integer below 2^53). */
  private ret(error: number, value = 0): SbiAction {
    this.hart.setX(A0, error);
    this.hart.setXParts(A1, value >>> 0, Math.floor(value / TWO32) >>> 0);
    return SbiAction.Continue;
  }

  private base(fid: number): SbiAction {
    const h = this.hart;
    switch (fid) {
      case 0:
        return this.ret(SBI_SUCCESS, SBI_SPEC_VERSION);
      case 1:
        return this.ret(SBI_SUCCESS, SBI_IMPL_ID_TUML);
      case 2:
        return this.ret(SBI_SUCCESS, SBI_IMPL_VERSION);
      case 3: {
        const present = h.xHi(A0) === 0 && PRESENT.has(h.xLo(A0));
        return this.ret(SBI_SUCCESS, present ? 1 : 0);
      }
      case 4:
        return this.retCsr(CSR_MVENDORID);
      case 5:
        return this.retCsr(CSR_MARCHID);
      case 6:
        return this.retCsr(CSR_MIMPID);
      default:
        return this.ret(SBI_ERR_NOT_SUPPORTED);
    }
  }

  private retCsr(num: number): SbiAction {
    const v = this.hart.csr(num);
    return this.ret(SBI_SUCCESS, Number.isSafeInteger(v) ? v : 0);
  }

  /** Legacy (v0.1) calls return only a0. */
  private legacy(eid: number): SbiAction {
    const h = this.hart;
    switch (eid) {
      case SBI_EXT_0_1_SET_TIMER:
        this.setTimer(h.xLo(A0), h.xHi(A0));
        h.setX(A0, 0);
        break;
      case SBI_EXT_0_1_CONSOLE_PUTCHAR:
        this.one[0] = h.xLo(A0) & 0xff;
        this.console.write(this.one);
        h.setX(A0, 0);
        break;
      case SBI_EXT_0_1_CONSOLE_GETCHAR:
        h.setX(A0, this.console.read(this.one) === 1 ? this.one[0] : -1);
        break;
      case SBI_EXT_0_1_CLEAR_IPI:
        this.setSsip(false);
        h.setX(A0, 0);
        break;
      case SBI_EXT_0_1_SEND_IPI:
        // a0 points to a hart mask in guest virtual memory; with one hart the target is us.
        this.setSsip(true);
        h.setX(A0, 0);
        break;
      case SBI_EXT_0_1_REMOTE_FENCE_I:
      case SBI_EXT_0_1_REMOTE_SFENCE_VMA:
      case SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID:
        h.tlbFlush();
        h.setX(A0, 0);
        break;
      case SBI_EXT_0_1_SHUTDOWN:
        this.power({ kind: 'poweroff', code: 0 });
        break;
    }
    return SbiAction.Continue;
  }

  /** stimecmp from a 64-bit value; values beyond 2^53 ticks (28 years) mean "never". */
  private setTimer(lo: number, hi: number): void {
    const v = hi * TWO32 + lo;
    this.hart.stimecmp = v > MAX_EXACT ? MAX_EXACT : v;
  }

  private setSsip(on: boolean): void {
    this.hart.setCsr(CSR_SIP, on ? SIP_SSIP : 0);
  }

  /**
   * Whether (hart_mask in a0, hart_mask_base in a1) names hart 0: 'self', 'none',
   * or 'invalid' when it names a hart that does not exist.
   */
  private maskTarget(): 'self' | 'none' | 'invalid' {
    const h = this.hart;
    const maskLo = h.xLo(A0);
    const maskHi = h.xHi(A0);
    const baseLo = h.xLo(A1);
    const baseHi = h.xHi(A1);
    if (baseLo === 0xffff_ffff && baseHi === 0xffff_ffff) return 'self'; // all harts
    if (maskLo === 0 && maskHi === 0) return 'none';
    if (baseLo !== 0 || baseHi !== 0 || maskHi !== 0 || (maskLo & ~1) !== 0) return 'invalid';
    return 'self';
  }

  private sendIpi(): SbiAction {
    const t = this.maskTarget();
    if (t === 'invalid') return this.ret(SBI_ERR_INVALID_PARAM);
    if (t === 'self') this.setSsip(true);
    return this.ret(SBI_SUCCESS);
  }

  private rfence(fid: number): SbiAction {
    if (fid > 2) return this.ret(SBI_ERR_NOT_SUPPORTED); // hypervisor fences: no H extension
    const t = this.maskTarget();
    if (t === 'invalid') return this.ret(SBI_ERR_INVALID_PARAM);
    // XXX: an interpreter without a decoded-instruction cache needs nothing for fence.i.
    if (t === 'self') this.hart.tlbFlush();
    return this.ret(SBI_SUCCESS);
  }

  private hsm(fid: number): SbiAction {
    const h = this.hart;
    const isHart0 = h.xLo(A0) === 0 && h.xHi(A0) === 0;
    switch (fid) {
      case 0: // hart_start
        return this.ret(isHart0 ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM);
      case 1: // hart_stop: the only hart cannot stop
        return this.ret(SBI_ERR_FAILED);
      case 2: // hart_get_status
        return isHart0 ? this.ret(SBI_SUCCESS, SBI_HSM_STATE_STARTED) : this.ret(SBI_ERR_INVALID_PARAM);
      case 3: {
        // hart_suspend(suspend_type, resume_addr, opaque)
        const type = h.xLo(A0);
        if (h.xHi(A0) !== 0) return this.ret(SBI_ERR_INVALID_PARAM);
        if (type === SBI_HSM_SUSPEND_RET_DEFAULT) {
          this.ret(SBI_SUCCESS);
          return SbiAction.Suspend;
        }
        // XXX: non-retentive suspend would restart at resume_addr; not offered.
        if (type === SBI_HSM_SUSPEND_NON_RET_DEFAULT) return this.ret(SBI_ERR_NOT_SUPPORTED);
        const platform = (type >= 0x1000_0000 && type <= 0x7fff_ffff) || type >= 0x9000_0000;
        return this.ret(platform ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
      }
      default:
        return this.ret(SBI_ERR_NOT_SUPPORTED);
    }
  }

  private srst(fid: number): SbiAction {
    const h = this.hart;
    if (fid !== 0) return this.ret(SBI_ERR_NOT_SUPPORTED);
    const type = h.xLo(A0);
    const reason = h.xLo(A1);
    if (h.xHi(A0) !== 0 || h.xHi(A1) !== 0) return this.ret(SBI_ERR_INVALID_PARAM);
    switch (type) {
      case SBI_SRST_RESET_TYPE_SHUTDOWN:
        this.power({ kind: 'poweroff', code: reason === SBI_SRST_RESET_REASON_SYSFAIL ? 1 : 0 });
        return SbiAction.Continue;
      case SBI_SRST_RESET_TYPE_COLD_REBOOT:
      case SBI_SRST_RESET_TYPE_WARM_REBOOT:
        this.power({ kind: 'reboot', warm: type === SBI_SRST_RESET_TYPE_WARM_REBOOT });
        return SbiAction.Continue;
      default:
        return this.ret(type >= 0xf000_0000 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
    }
  }

  /** DBCN: buffers are guest physical addresses; a1 holds the low XLEN bits, a2 the high ones. */
  private dbcn(fid: number): SbiAction {
    const h = this.hart;
    if (fid === 2) {
      this.one[0] = h.xLo(A0) & 0xff;
      this.console.write(this.one);
      return this.ret(SBI_SUCCESS);
    }
    if (fid !== 0 && fid !== 1) return this.ret(SBI_ERR_NOT_SUPPORTED);
    const tooBig = h.xHi(A0) !== 0 || h.xHi(A1) >= 0x20_0000 || h.xLo(A2) !== 0 || h.xHi(A2) !== 0;
    const len = h.xLo(A0);
    const view = tooBig ? null : h.mem.view(h.x(A1), len);
    if (!view) return this.ret(SBI_ERR_INVALID_PARAM);
    if (fid === 0) {
      this.console.write(view);
      return this.ret(SBI_SUCCESS, len);
    }
    return this.ret(SBI_SUCCESS, this.console.read(view));
  }
}
