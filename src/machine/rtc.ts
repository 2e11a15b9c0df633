// Goldfish RTC ("google,goldfish-rtc"; Android emulator goldfish docs, QEMU
// hw/rtc/goldfish_rtc.c, Linux drivers/rtc/rtc-goldfish.c): the guest's wall
// clock, in nanoseconds since the Unix epoch, read from the host.

import type { IrqLine, MmioDevice } from './bus.js';

const TIMER_TIME_LOW = 0x00; // read: latches TIME_HIGH; write: sets the time (with TIME_HIGH)
const TIMER_TIME_HIGH = 0x04;
const TIMER_ALARM_LOW = 0x08; // write: arms the alarm
const TIMER_ALARM_HIGH = 0x0c;
const TIMER_IRQ_ENABLED = 0x10;
const TIMER_CLEAR_ALARM = 0x14;
const TIMER_ALARM_STATUS = 0x18;
const TIMER_CLEAR_INTERRUPT = 0x1c;

const MASK32 = 0xffff_ffffn;

/** Host wall-clock time in nanoseconds since the epoch. */
export type WallClock = () => bigint;

export class GoldfishRtc implements MmioDevice {
  private offset = 0n; // guest time - host time, after the guest sets the clock
  private timeHighLatch = 0;
  private timeHighWrite = 0;
  private alarmHigh = 0;
  private alarm = 0n;
  private alarmRunning = false;
  private irqEnabled = false;
  private irqPending = false;
  private level = false;

  constructor(
    private readonly wall: WallClock,
    private readonly irq: IrqLine,
  ) {}

  private now(): bigint {
    return this.wall() + this.offset;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4) return 0;
    switch (offset) {
      case TIMER_TIME_LOW: {
        const t = this.now();
        this.timeHighLatch = Number((t >> 32n) & MASK32);
        return Number(t & MASK32);
      }
      case TIMER_TIME_HIGH:
        return this.timeHighLatch;
      case TIMER_ALARM_LOW:
        return Number(this.alarm & MASK32);
      case TIMER_ALARM_HIGH:
        return Number((this.alarm >> 32n) & MASK32);
      case TIMER_IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case TIMER_ALARM_STATUS:
        return this.alarmRunning ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, value: number, size: 1 | 2 | 4): void {
    if (size !== 4) return;
    const v = value >>> 0;
    switch (offset) {
      case TIMER_TIME_LOW: {
        const t = (BigInt(this.timeHighWrite) << 32n) | BigInt(v);
        this.offset = t - this.wall();
        break;
      }
      case TIMER_TIME_HIGH:
        this.timeHighWrite = v;
        return;
      case TIMER_ALARM_LOW:
        this.alarm = (BigInt(this.alarmHigh) << 32n) | BigInt(v);
        this.alarmRunning = true;
        break;
      case TIMER_ALARM_HIGH:
        this.alarmHigh = v;
        return;
      case TIMER_IRQ_ENABLED:
        this.irqEnabled = (v & 1) === 1;
        break;
      case TIMER_CLEAR_ALARM:
        this.alarmRunning = false;
        break;
      case TIMER_CLEAR_INTERRUPT:
        this.irqPending = false;
        break;
      default:
        return;
    }
    this.poll();
  }

  /** Fires a due alarm. The machine calls this between slices. */
  poll(): void {
    if (this.alarmRunning && this.now() >= this.alarm) {
      this.alarmRunning = false;
      this.irqPending = true;
    }
    const level = this.irqPending && this.irqEnabled;
    if (level !== this.level) {
      this.level = level;
      this.irq.set(level);
    }
  }

  /** Milliseconds until the armed alarm fires, or undefined when none is armed. */
  msUntilAlarm(): number | undefined {
    if (!this.alarmRunning) return undefined;
    const d = this.alarm - this.now();
    return d <= 0n ? 0 : Number(d / 1_000_000n) + 1;
  }
}
