// ns16550a UART (National Semiconductor PC16550D datasheet; register names as
// in Linux include/uapi/linux/serial_reg.h), one byte per register (reg-shift 0).
// Transmission is instantaneous: THR is always empty again after a write. The
// receive side is fed by the host; its buffer is larger than the 16-byte FIFO
// of real hardware so that pasted input is not lost.

import type { IrqLine, MmioDevice } from './bus.js';

/**
 * Where transmitted bytes go. `data` is only valid during the call. Returning
 * false says the host side is congested: the byte was taken, but THR stays
 * "full" (no THRE, no THRI) until resumeOutput(), so the guest driver waits.
 */
export interface UartBackend {
  write(data: Uint8Array): void | boolean;
}

// Register offsets
const UART_RX = 0; // RBR (read, DLAB=0)
const UART_TX = 0; // THR (write, DLAB=0)
const UART_DLL = 0; // divisor latch low (DLAB=1)
const UART_IER = 1;
const UART_DLM = 1; // divisor latch high (DLAB=1)
const UART_IIR = 2; // read
const UART_FCR = 2; // write
const UART_LCR = 3;
const UART_MCR = 4;
const UART_LSR = 5;
const UART_MSR = 6;
const UART_SCR = 7;

const UART_IER_RDI = 0x01;
const UART_IER_THRI = 0x02;
const UART_IER_RLSI = 0x04;
const UART_IER_MSI = 0x08;

const UART_IIR_NO_INT = 0x01;
const UART_IIR_MSI = 0x00;
const UART_IIR_THRI = 0x02;
const UART_IIR_RDI = 0x04;
const UART_IIR_RLSI = 0x06;
const UART_IIR_FIFO_ENABLED = 0xc0;

const UART_FCR_ENABLE_FIFO = 0x01;
const UART_FCR_CLEAR_RCVR = 0x02;

const UART_LCR_DLAB = 0x80;

const UART_MCR_DTR = 0x01;
const UART_MCR_RTS = 0x02;
const UART_MCR_OUT1 = 0x04;
const UART_MCR_OUT2 = 0x08;
const UART_MCR_LOOP = 0x10;

const UART_LSR_DR = 0x01;
const UART_LSR_OE = 0x02;
const UART_LSR_BI = 0x10;
const UART_LSR_THRE = 0x20;
const UART_LSR_TEMT = 0x40;
const UART_LSR_ERRORS = 0x1e;

const UART_MSR_CTS = 0x10;
const UART_MSR_DSR = 0x20;
const UART_MSR_RI = 0x40;
const UART_MSR_DCD = 0x80;
const UART_MSR_DELTAS = 0x0f; // DCTS DDSR TERI DDCD

/** Host-side receive buffer. */
const RX_CAPACITY = 64 * 1024;

export class Uart16550 implements MmioDevice {
  private ier = 0;
  private lcr = 0;
  private mcr = UART_MCR_OUT2;
  private fcr = 0;
  private lsrErrors = 0; // OE/BI, cleared by reading LSR
  private msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS; // a connected modem
  private scr = 0;
  private dll = 0x0c; // 9600 baud at 1.8432 MHz, as after a PC BIOS
  private dlm = 0;
  private thrIpending = false;
  private readonly rx = new Uint8Array(RX_CAPACITY);
  private rxHead = 0;
  private rxCount = 0;
  private readonly one = new Uint8Array(1);
  private irqLevel = false;
  private txHeld = false;

  constructor(
    private readonly backend: UartBackend,
    private readonly irq: IrqLine,
  ) {}

  /**
   * Called (from inside a register access) when the UART starts taking input
   * again: the guest enabled the receive interrupt, or read from a full buffer.
   */
  onRxReady: () => void = () => {};

  /**
   * Host input. Returns how many bytes were accepted (the rest: try again after
   * onRxReady). Input waits until the guest driver enables the receive
   * interrupt, i.e. has opened the port: Linux clears the FIFO and reads RBR
   * while starting a port, which would otherwise eat input typed ahead.
   * XXX: a guest that polls LSR without ever enabling IER.RDI gets no input.
   */
  receive(data: Uint8Array): number {
    if (!(this.ier & UART_IER_RDI)) return 0;
    const n = Math.min(data.length, RX_CAPACITY - this.rxCount);
    for (let i = 0; i < n; i++) this.rxPush(data[i]);
    this.update();
    return n;
  }

  /** The host side takes output again: THR empties (THRI if enabled). */
  resumeOutput(): void {
    if (!this.txHeld) return;
    this.txHeld = false;
    this.thrIpending = (this.ier & UART_IER_THRI) !== 0;
    this.update();
  }

  /**
   * Carrier detect (DCD) as the host side comes and goes: a line without
   * CLOCAL is hung up when it drops.
   */
  setCarrier(on: boolean): void {
    const had = (this.msr & UART_MSR_DCD) !== 0;
    if (had === on) return;
    this.msr = (on ? this.msr | UART_MSR_DCD : this.msr & ~UART_MSR_DCD) | 0x08; // DDCD
    this.update();
  }

  /** Sends a break (e.g. for magic SysRq). */
  sendBreak(): void {
    this.rxPush(0);
    this.lsrErrors |= UART_LSR_BI;
    this.update();
  }

  /** Power-on state (machine reboot). Pending host input is dropped. */
  reset(): void {
    this.ier = this.lcr = this.fcr = this.lsrErrors = this.scr = this.dlm = 0;
    this.mcr = UART_MCR_OUT2;
    this.txHeld = false;
    this.msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    this.dll = 0x0c;
    this.thrIpending = false;
    this.rxHead = this.rxCount = 0;
    this.update();
  }

  /** Bytes the host may still push before receive() starts refusing. */
  get rxSpace(): number {
    return RX_CAPACITY - this.rxCount;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 1) return 0;
    const dlab = (this.lcr & UART_LCR_DLAB) !== 0;
    switch (offset) {
      case UART_RX: {
        if (dlab) return this.dll;
        const full = this.rxCount === RX_CAPACITY;
        const b = this.rxCount > 0 ? this.rxPop() : 0;
        this.update();
        if (full) this.onRxReady();
        return b;
      }
      case UART_IER:
        return dlab ? this.dlm : this.ier;
      case UART_IIR: {
        const iir = this.iir();
        if ((iir & 0x0f) === UART_IIR_THRI) {
          this.thrIpending = false;
          this.update();
        }
        return iir;
      }
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR: {
        const lsr = this.lsr();
        this.lsrErrors = 0;
        this.update();
        return lsr;
      }
      case UART_MSR: {
        const msr = this.msrValue();
        if (!(this.mcr & UART_MCR_LOOP)) {
          this.msr &= ~UART_MSR_DELTAS;
          this.update();
        }
        return msr;
      }
      case UART_SCR:
        return this.scr;
      default:
        return 0;
    }
  }

  write(offset: number, value: number, size: 1 | 2 | 4): void {
    if (size !== 1) return;
    const v = value & 0xff;
    const dlab = (this.lcr & UART_LCR_DLAB) !== 0;
    switch (offset) {
      case UART_TX:
        if (dlab) {
          this.dll = v;
          return;
        }
        if (this.mcr & UART_MCR_LOOP) {
          if (this.rxCount < RX_CAPACITY) this.rxPush(v);
          else this.lsrErrors |= UART_LSR_OE;
        } else {
          this.one[0] = v;
          if (this.backend.write(this.one) === false) this.txHeld = true;
        }
        // The byte left at once: THR is empty again (unless the host holds it).
        this.thrIpending = !this.txHeld && (this.ier & UART_IER_THRI) !== 0;
        break;
      case UART_IER: {
        if (dlab) {
          this.dlm = v;
          return;
        }
        const changed = (this.ier ^ v) & 0x0f;
        this.ier = v & 0x0f;
        // Enabling THRI with THR empty raises the interrupt again (QEMU and
        // Bochs do the same; Linux's THRE test relies on it).
        if (changed & UART_IER_THRI) this.thrIpending = !this.txHeld && (this.ier & UART_IER_THRI) !== 0;
        this.update();
        if (changed & this.ier & UART_IER_RDI) this.onRxReady();
        return;
      }
      case UART_FCR:
        if ((v ^ this.fcr) & UART_FCR_ENABLE_FIFO || v & UART_FCR_CLEAR_RCVR) {
          this.rxHead = 0;
          this.rxCount = 0;
        }
        this.fcr = v & (UART_FCR_ENABLE_FIFO | 0xc0);
        break;
      case UART_LCR:
        this.lcr = v;
        return;
      case UART_MCR: {
        this.mcr = v & 0x1f;
        break;
      }
      case UART_LSR:
      case UART_MSR:
        return; // read-only
      case UART_SCR:
        this.scr = v;
        return;
      default:
        return;
    }
    this.update();
  }

  private rxPush(b: number): void {
    this.rx[(this.rxHead + this.rxCount) % RX_CAPACITY] = b;
    this.rxCount++;
  }

  private rxPop(): number {
    const b = this.rx[this.rxHead];
    this.rxHead = (this.rxHead + 1) % RX_CAPACITY;
    this.rxCount--;
    return b;
  }

  private lsr(): number {
    return (this.rxCount > 0 ? UART_LSR_DR : 0) | this.lsrErrors | (this.txHeld ? 0 : UART_LSR_THRE | UART_LSR_TEMT);
  }

  private msrValue(): number {
    if (this.mcr & UART_MCR_LOOP) {
      let m = 0;
      if (this.mcr & UART_MCR_RTS) m |= UART_MSR_CTS;
      if (this.mcr & UART_MCR_DTR) m |= UART_MSR_DSR;
      if (this.mcr & UART_MCR_OUT1) m |= UART_MSR_RI;
      if (this.mcr & UART_MCR_OUT2) m |= UART_MSR_DCD;
      return m;
    }
    return this.msr;
  }

  private iir(): number {
    const fifo = this.fcr & UART_FCR_ENABLE_FIFO ? UART_IIR_FIFO_ENABLED : 0;
    if (this.ier & UART_IER_RLSI && this.lsrErrors & UART_LSR_ERRORS) return fifo | UART_IIR_RLSI;
    if (this.ier & UART_IER_RDI && this.rxCount > 0) return fifo | UART_IIR_RDI;
    if (this.ier & UART_IER_THRI && this.thrIpending) return fifo | UART_IIR_THRI;
    if (this.ier & UART_IER_MSI && this.msrValue() & UART_MSR_DELTAS && !(this.mcr & UART_MCR_LOOP)) {
      return fifo | UART_IIR_MSI;
    }
    return fifo | UART_IIR_NO_INT;
  }

  private update(): void {
    const level = (this.iir() & UART_IIR_NO_INT) === 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}
