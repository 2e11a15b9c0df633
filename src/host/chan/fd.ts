// A channel over a host file descriptor, with the native addon's non-blocking
// I/O and libuv readiness: UML's `fd:N` (the descriptor stays open at close),
// and the base of `pts`, `pty`, `tty:` and `xterm` (which own theirs).
//
// Terminals go into raw mode (cfmakeraw: the guest's line discipline does the
// cooking) and get their settings back at close, at process exit and — since
// the boot's signal handlers close every line — on SIGINT/SIGTERM/SIGHUP.
// Output that the descriptor does not take at once is queued; past
// OUTPUT_HIGH_WATER write() says "congested" and the line stops the guest's
// writer until the queue drains, so a slow reader loses nothing.

import * as native from '../native/index.js';
import { isatty } from 'node:tty';
import { type FdWatch, hostReactor } from '../io/reactor.js';
import { type ChannelEvents, type HostChannel, OUTPUT_HIGH_WATER, OUTPUT_LIMIT } from './types.js';

const EAGAIN = -native.errno.EAGAIN;
const EINTR = -native.errno.EINTR;

/** Terminal settings to put back whatever way the process ends. */
const toRestore = new Map<number, Buffer>();
let exitHook = false;
function restoreAll(): void {
  for (const [fd, t] of toRestore) {
    try {
      native.tcsetattr(fd, t, 'now');
    } catch {
      // the terminal is gone
    }
  }
  toRestore.clear();
}

export interface FdChannelOptions {
  /** Read from the descriptor. */
  input: boolean;
  /** Write to the descriptor. */
  output: boolean;
  /** Close the descriptor at close() (channels that opened it themselves). */
  owned: boolean;
  /** Raw mode when the descriptor is a terminal (default true). */
  raw?: boolean;
  /** describe() text. */
  name: string;
  /** Follow SIGWINCH for this terminal (fd, port and xterm channels in UML). */
  watchWinch?: boolean;
  /**
   * Watch the size of a pty whose other end belongs to someone else (pts, tty and xterm
   * channels): no SIGWINCH reaches tuml for it, so the size is sampled instead.
   */
  pollWinsize?: boolean;
}

/** How often a pty's size is sampled (a resize reaches the guest within this). */
const WINSIZE_POLL_MS = 250;

export class FdChannel implements HostChannel {
  private watch: FdWatch | undefined;
  private flushWaiters: (() => void)[] = [];
  private events: ChannelEvents | undefined;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private congested = false;
  private inputPaused = false;
  private inputDone = false;
  private outputBroken = false;
  private closed = false;
  private restoreNb: boolean | undefined;
  private readonly buf = new Uint8Array(4096);
  private lastSize = '';
  private sizeTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onWinch = () => {
    const w = this.winsize();
    if (!w) return;
    const key = `${w.rows}x${w.cols}`;
    if (key === this.lastSize) return;
    this.lastSize = key;
    this.events?.resize?.(w.rows, w.cols);
  };

  constructor(
    readonly fd: number,
    private readonly opts: FdChannelOptions,
  ) {}

  describe(): string {
    return this.opts.name;
  }

  open(events: ChannelEvents): void {
    this.events = events;
    const tty = isatty(this.fd);
    if (tty && this.opts.raw !== false && !toRestore.has(this.fd)) {
      try {
        toRestore.set(this.fd, native.makeRaw(this.fd));
        if (!exitHook) {
          exitHook = true;
          process.on('exit', restoreAll);
        }
      } catch {
        // not a terminal after all
      }
    }
    if (!this.opts.owned) this.restoreNb = true;
    native.setNonBlocking(this.fd, true);
    if (tty && this.opts.watchWinch) process.on('SIGWINCH', this.onWinch);
    if (tty && this.opts.pollWinsize) {
      const w = this.winsize();
      if (w) this.lastSize = `${w.rows}x${w.cols}`;
      this.sizeTimer = setInterval(this.onWinch, WINSIZE_POLL_MS);
      this.sizeTimer.unref?.();
    }
    this.watch = hostReactor.watch(this.fd, (readable, writable, err) => this.ready(err, readable, writable));
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    const r = this.opts.input && !this.inputPaused && !this.inputDone;
    const w = this.opts.output && this.queue.length > 0 && !this.outputBroken;
    this.watch?.want(r, w);
  }

  private ready(err: number, readable: boolean, writable: boolean): void {
    if (this.closed) return;
    if (err) {
      // POLLERR/POLLHUP on a pty master whose slave closed: treat as end of input.
      if (this.opts.input && !this.inputDone) this.readSome();
      if (this.queue.length) this.flush();
      this.arm();
      return;
    }
    if (writable) this.flush();
    if (readable) this.readSome();
    this.arm();
  }

  private readSome(): void {
    for (let i = 0; i < 16 && !this.inputPaused && !this.closed; i++) {
      const n = native.read(this.fd, this.buf);
      if (n === EAGAIN) return;
      if (n === EINTR) continue;
      if (n === 0 || (n < 0 && n !== EAGAIN)) {
        // EOF, or EIO from a pty master whose slave side is closed: the host side went away.
        // (pts and xterm channels keep a slave open themselves, so a client leaving is no EIO.)
        this.inputDone = true;
        this.events?.end();
        return;
      }
      this.events?.data(this.buf.subarray(0, n));
    }
  }

  write(data: Uint8Array): boolean {
    if (!this.opts.output || this.closed || this.outputBroken || data.length === 0) return true;
    if (this.queue.length === 0) {
      const n = native.write(this.fd, data);
      if (n === data.length) return true;
      if (n < 0 && n !== EAGAIN && n !== EINTR) {
        this.outputBroken = true; // EPIPE & co: the reader went away; the guest goes on
        return true;
      }
      const rest = data.slice(n > 0 ? n : 0);
      this.queue.push(rest);
      this.queued += rest.length;
    } else if (this.queued + data.length <= OUTPUT_LIMIT) {
      this.queue.push(data.slice());
      this.queued += data.length;
    }
    this.arm();
    if (this.queued > OUTPUT_HIGH_WATER) this.congested = true;
    return !this.congested;
  }

  private flush(): void {
    while (this.queue.length) {
      const head = this.queue[0];
      const n = native.write(this.fd, head);
      if (n === EAGAIN || n === EINTR) break;
      if (n < 0) {
        this.outputBroken = true;
        this.queue = [];
        this.queued = 0;
        break;
      }
      this.queued -= n;
      if (n === head.length) this.queue.shift();
      else {
        this.queue[0] = head.subarray(n);
        break;
      }
    }
    if (this.congested && this.queued <= OUTPUT_HIGH_WATER / 2) {
      this.congested = false;
      this.events?.drain();
    }
    if (!this.queue.length) for (const f of this.flushWaiters.splice(0)) f();
  }

  /** Resolves once queued output has reached the descriptor (or its reader went away). */
  whenFlushed(): Promise<void> {
    if (!this.queue.length || this.outputBroken || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  pauseInput(): void {
    this.inputPaused = true;
    this.arm();
  }

  resumeInput(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.arm();
  }

  winsize(): { rows: number; cols: number } | undefined {
    if (!isatty(this.fd)) return undefined;
    try {
      const w = native.getWinsize(this.fd);
      return w.rows > 0 && w.cols > 0 ? w : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    process.off('SIGWINCH', this.onWinch);
    if (this.sizeTimer) clearInterval(this.sizeTimer);
    this.watch?.close();
    this.watch = undefined;
    for (const f of this.flushWaiters.splice(0)) f();
    const t = toRestore.get(this.fd);
    if (t) {
      toRestore.delete(this.fd);
      try {
        native.tcsetattr(this.fd, t, 'now');
      } catch {
        // gone
      }
    }
    if (this.opts.owned) {
      try {
        native.close(this.fd);
      } catch {
        // already closed
      }
    } else if (this.restoreNb) {
      try {
        native.setNonBlocking(this.fd, false);
      } catch {
        // not ours to worry about
      }
    }
  }
}

/**
 * A channel that opens a descriptor of its own (a pty, a terminal device) and from then on
 * is an FdChannel on it; a pty slave it keeps open beside the master is closed with it.
 */
export abstract class FdBackedChannel implements HostChannel {
  protected inner: FdChannel | undefined;
  protected slave = -1;

  abstract describe(): string;
  abstract open(events: ChannelEvents, log: (line: string) => void): void;

  write(data: Uint8Array): boolean {
    return this.inner ? this.inner.write(data) : true;
  }
  pauseInput(): void {
    this.inner?.pauseInput();
  }
  resumeInput(): void {
    this.inner?.resumeInput();
  }
  winsize(): { rows: number; cols: number } | undefined {
    return this.inner?.winsize();
  }
  close(): void {
    this.inner?.close();
    this.inner = undefined;
    if (this.slave >= 0) {
      try {
        native.close(this.slave);
      } catch {
        // closed
      }
      this.slave = -1;
    }
  }
}
