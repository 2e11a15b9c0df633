// Host side of the guest agent: the mconsole commands that only the guest
// kernel can perform (proc, stack, sysrq, cad, log, the live utsname) go to a
// small busybox-sh agent that the default image's init runs on the named
// virtio-console port "org.tuml.agent" (see images/rootfs/init).
//
// Line protocol, ASCII only (payloads base64):
//   host → guest  `<id> <command> <base64 argument>\n`
//   guest → host  `H <base64 uname>\n`                  the agent started
//                 `<id> <status> <base64 data>\n`        the answer to request <id>
// The guest is untrusted: lines are length-capped, unknown ids and malformed
// lines are ignored, and every request ends (answer, timeout, reset).

export interface AgentPort {
  /** Bytes accepted by the guest's port (the rest must be offered again later). */
  send(data: Uint8Array): number;
}

export interface AgentAnswer {
  status: string;
  data: Buffer;
}

export class AgentError extends Error {}

/** Longest line accepted from the guest (a proc file of 8 MiB, base64'd). */
const MAX_LINE = 12 * 1024 * 1024;
/** A request the guest has not answered after this much running time fails. */
const TIMEOUT_MS = 20_000;
const TICK_MS = 250;
const MAX_PENDING = 32;

interface Pending {
  resolve: (a: AgentAnswer) => void;
  reject: (e: Error) => void;
  left: number;
}

export class GuestAgent {
  /** utsname fields as the agent reported them at start ("Linux tuml 6.1.x #1 … riscv64"). */
  uname: string | undefined;
  private ready = false;
  /** The agent (re)started and takes requests. */
  onReady: (() => void) | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private line: Buffer[] = [];
  private lineBytes = 0;
  private overlong = false;
  private out: Buffer = Buffer.alloc(0);
  private ticker: ReturnType<typeof setInterval> | undefined;
  private paused = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly port: AgentPort) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Output of the guest side of the port. */
  input(d: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = d.indexOf(10, start);
      const end = nl < 0 ? d.length : nl;
      if (!this.overlong) {
        if (this.lineBytes + end - start > MAX_LINE) {
          this.overlong = true;
          this.line = [];
          this.lineBytes = 0;
        } else if (end > start) {
          this.line.push(Buffer.from(d.subarray(start, end)));
          this.lineBytes += end - start;
        }
      }
      if (nl < 0) return;
      if (!this.overlong) this.onLine(Buffer.concat(this.line).toString('latin1'));
      this.overlong = false;
      this.line = [];
      this.lineBytes = 0;
      start = nl + 1;
    }
  }

  /** The guest went away (reboot, port closed): every open request fails. */
  reset(reason: string): void {
    this.ready = false;
    this.out = Buffer.alloc(0);
    this.line = [];
    this.lineBytes = 0;
    this.overlong = false;
    for (const p of this.pending.values()) p.reject(new AgentError(reason));
    this.pending.clear();
    this.updateTicker();
  }

  /** Timeouts count running time only: a stopped machine answers nothing. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Sends one command; resolves with the guest's answer. */
  request(command: string, arg: string | Uint8Array = ''): Promise<AgentAnswer> {
    if (!this.ready) return Promise.reject(new AgentError('the guest agent is not running (yet)'));
    // A flood of requests must not queue unbounded work in the guest.
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new AgentError('the guest agent is busy'));
    const id = this.nextId++;
    const b64 = Buffer.from(typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg).toString('base64');
    this.queueOut(Buffer.from(`${id} ${command} ${b64 || '-'}\n`, 'latin1'));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, left: TIMEOUT_MS });
      this.updateTicker();
    });
  }

  /** The port has room again. */
  onSpace(): void {
    this.flushOut();
  }

  dispose(): void {
    this.reset('the machine is gone');
    if (this.retry) clearTimeout(this.retry);
  }

  private onLine(text: string): void {
    const m = /^(\S+) (\S+)(?: (\S*))?$/.exec(text.replace(/\r$/, ''));
    if (!m) return;
    if (m[1] === 'H') {
      // A (re)started agent: whatever the old one had open is lost.
      if (this.pending.size) this.reset('the guest agent restarted');
      this.uname = decode(m[2]).toString('latin1');
      this.ready = true;
      this.onReady?.();
      return;
    }
    const id = Number(m[1]);
    const p = Number.isSafeInteger(id) ? this.pending.get(id) : undefined;
    if (!p) return;
    this.pending.delete(id);
    this.updateTicker();
    p.resolve({ status: m[2], data: decode(m[3] ?? '') });
  }

  private queueOut(b: Buffer): void {
    this.out = this.out.length ? Buffer.concat([this.out, b]) : b;
    this.flushOut();
  }

  private flushOut(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    while (this.out.length) {
      const n = this.port.send(this.out);
      if (n <= 0) {
        // The guest has not taken input yet: onSpace or this retry comes back.
        this.retry = setTimeout(() => this.flushOut(), 20);
        return;
      }
      this.out = this.out.subarray(n);
    }
  }

  private updateTicker(): void {
    if (this.pending.size && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref?.();
    } else if (!this.pending.size && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    if (this.paused) return;
    for (const [id, p] of this.pending) {
      p.left -= TICK_MS;
      if (p.left <= 0) {
        this.pending.delete(id);
        p.reject(new AgentError('the guest agent did not answer'));
      }
    }
    this.updateTicker();
  }
}

function decode(b64: string): Buffer {
  return b64 === '-' ? Buffer.alloc(0) : Buffer.from(b64, 'base64');
}
