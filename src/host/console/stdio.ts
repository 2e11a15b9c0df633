// The stdin/stdout channel (UML's `fd:0,fd:1`, con0's default).
//
// When stdin is a terminal it goes into raw mode, so every key (Ctrl-C
// included) reaches the guest, whose own tty layer echoes and edits. The
// terminal is restored on every way out: close(), process exit, and — since
// the process-level handlers call close() — signals and uncaught exceptions.
// Output is batched: bytes written during one run-loop slice leave in one write.

import type { Writable } from 'node:stream';

export interface StdioOptions {
  /** Read stdin (fd 0). */
  input: boolean;
  /** Where output goes: fd 1 (stdout), fd 2 (stderr), or nowhere. */
  output: 1 | 2 | null;
}

export class StdioChannel {
  private readonly out: Writable | null;
  private pending: Buffer[] = [];
  private flushQueued = false;
  private rawMode = false;
  private opened = false;
  private closed = false;
  private dataListener: ((chunk: Buffer) => void) | undefined;
  private endListener: (() => void) | undefined;
  private readonly restoreOnExit = () => this.restoreTerminal();

  constructor(private readonly opts: StdioOptions) {
    this.out = opts.output === 1 ? process.stdout : opts.output === 2 ? process.stderr : null;
    // A reader that went away (EPIPE: `tuml | head`) loses the output; the guest goes on,
    // as UML's console does with SIGPIPE ignored.
    this.out?.on('error', this.onOutputError);
  }

  private outputBroken = false;
  private readonly onOutputError = () => {
    this.outputBroken = true;
    this.pending = [];
  };

  /** Starts reading; `onData` receives every chunk of input, `onEnd` the end of input. */
  open(onData: (data: Uint8Array) => void, onEnd?: () => void): void {
    if (this.opened) throw new Error('stdio channel already open');
    this.opened = true;
    if (!this.opts.input) return;
    const stdin = process.stdin;
    if (stdin.isTTY) {
      stdin.setRawMode(true);
      this.rawMode = true;
      process.on('exit', this.restoreOnExit);
    }
    this.dataListener = (chunk: Buffer) => onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    stdin.on('data', this.dataListener);
    if (onEnd) {
      this.endListener = onEnd;
      stdin.once('end', onEnd);
    }
    stdin.resume();
  }

  /** Whether stdin is a terminal in raw mode. */
  get isRaw(): boolean {
    return this.rawMode;
  }

  /** Stops delivering input for a while (the guest is not taking it). */
  pause(): void {
    if (this.dataListener) process.stdin.pause();
  }

  resume(): void {
    if (this.dataListener && !this.closed) process.stdin.resume();
  }

  /** Queues output; `data` may be reused by the caller after the call. */
  write(data: Uint8Array): void {
    if (!this.out || this.closed || this.outputBroken || data.length === 0) return;
    this.pending.push(Buffer.from(data));
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes out everything queued. */
  flush(): void {
    this.flushQueued = false;
    if (!this.out || this.outputBroken || this.pending.length === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.out.write(buf);
  }

  /** Flushes output, stops reading, restores the terminal. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.dataListener) {
      process.stdin.off('data', this.dataListener);
      if (this.endListener) process.stdin.off('end', this.endListener);
      process.stdin.pause();
      this.dataListener = undefined;
    }
    this.restoreTerminal();
    process.off('exit', this.restoreOnExit);
    const out = this.out;
    if (out && !this.outputBroken && out.writableLength > 0) {
      await new Promise<void>((resolve) => out.write('', () => resolve()));
    }
  }

  private restoreTerminal(): void {
    if (!this.rawMode) return;
    this.rawMode = false;
    try {
      process.stdin.setRawMode(false);
    } catch {
      // the terminal may be gone (SIGHUP); nothing left to restore
    }
  }
}
