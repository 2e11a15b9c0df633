// One guest terminal line (UML's con<n> or ssl<n>) between its device (a
// virtio console port or a UART) and its host channels. The device never knows
// the channel type; the channel never knows the device.
//
// Flow control both ways: input the device refuses waits here and pauses the
// channel until the device has room; output the channel cannot take at once
// makes the device hold the guest's writer (no loss, no busy CPU) until the
// channel drains.

import { formatChannel, formatLineConfig, type Channel, type LineConfig } from '../chan/spec.js';
import {
  ChannelError,
  createChannel,
  type HostChannel,
  type LineIdentity,
  opensLazily,
  PortChannel,
  type XtermSettings,
} from '../chan/index.js';

/** The guest side of a line. */
export interface LineDevice {
  /** Host input for the guest; returns how many bytes were taken. */
  send(data: Uint8Array): number;
  /** The line calls this when refused input may be offered again. */
  set onSpace(f: () => void);
  /** The channel drained: take guest output again. */
  resumeOutput(): void;
  /** The host terminal's window size. */
  resize?(rows: number, cols: number): void;
  /** The host side went away (end of input). */
  hangup?(): void;
}

/** Output filter / input gate used by `tuml -- COMMAND` on a terminal (the line driver's ReadyGate). */
export interface LineGate {
  readonly open: boolean;
  write(d: Uint8Array, out: (d: Uint8Array) => void): void;
  onOpen(f: () => void): void;
}

export class Line {
  readonly name: string;
  private input: HostChannel | undefined;
  private output: HostChannel | undefined;
  private opened = false;
  private failed = false;
  private backlog: Uint8Array[] = [];
  private device: LineDevice | undefined;
  /** Input end: what to do instead of hanging the device up (`--` mode on a terminal: nothing). */
  onEnd: (() => void) | undefined;
  gate: LineGate | undefined;

  constructor(
    readonly who: LineIdentity,
    private cfg: LineConfig,
    private readonly log: (line: string) => void,
    private readonly xterm?: XtermSettings,
    /** Raw mode for host terminals (false: UML's ssl-non-raw on a serial line). */
    private readonly raw = true,
  ) {
    this.name = `${who.kind}${who.index}`;
  }

  get config(): LineConfig {
    return this.cfg;
  }

  /** Whether the line has a channel at all (UML's `none` has none). */
  get configured(): boolean {
    return this.cfg !== 'none';
  }

  attach(device: LineDevice): void {
    this.device = device;
    device.onSpace = () => this.drainInput();
    this.gate?.onOpen(() => this.drainInput());
  }

  /** UML's `config conN` answer: the live channels once open, else the configuration. */
  describe(): string {
    if (this.cfg === 'none') return 'none';
    if (!this.opened || !this.input || !this.output) return formatLineConfig(this.cfg);
    return this.input === this.output ? this.input.describe() : `${this.input.describe()},${this.output.describe()}`;
  }

  /** Creates the channels and binds listeners (errors: ChannelError). */
  async prepare(): Promise<void> {
    if (this.cfg === 'none') return;
    const { input, output } = this.cfg;
    const shared = input === output;
    const inCh = createChannel(input, { input: true, output: shared }, this.who, this.xterm, this.raw);
    const outCh = shared ? inCh : createChannel(output, { input: false, output: true }, this.who, this.xterm, this.raw);
    try {
      for (const ch of shared ? [inCh] : [inCh, outCh]) if (ch instanceof PortChannel) await ch.prepare();
    } catch (e) {
      inCh.close();
      outCh.close();
      throw e;
    }
    this.input = inCh;
    this.output = outCh;
  }

  /** Channels that are not opened lazily open now (fd, port, tty, null). */
  openEager(): void {
    if (this.cfg === 'none') return;
    if (!opensLazily(this.cfg.input) && !opensLazily(this.cfg.output)) this.open();
  }

  /** The port channel the kernel console waits on before the boot, if any. */
  portToWaitFor(): PortChannel | undefined {
    return this.input instanceof PortChannel && !this.input.hasClient ? this.input : undefined;
  }

  private open(): boolean {
    if (this.opened) return true;
    if (this.failed || !this.input || !this.output) return false;
    const events = {
      data: (d: Uint8Array) => this.fromHost(d),
      end: () => this.endOfInput(),
      drain: () => this.device?.resumeOutput(),
      resize: (rows: number, cols: number) => this.device?.resize?.(rows, cols),
    };
    try {
      this.input.open(events, this.log);
      if (this.output !== this.input) this.output.open({ ...events, data: () => {}, end: () => {} }, this.log);
    } catch (e) {
      this.failed = true;
      this.log(e instanceof ChannelError ? `${this.name}: ${e.message}` : `${this.name}: ${(e as Error).message}`);
      this.input.close();
      this.output.close();
      return false;
    }
    this.opened = true;
    const w = this.input.winsize() ?? this.output.winsize();
    if (w) this.device?.resize?.(w.rows, w.cols);
    return true;
  }

  /** Guest output; false = congested (the device holds the guest until resumeOutput). */
  write(data: Uint8Array): boolean {
    if (this.cfg === 'none') return true;
    if (!this.opened && !this.open()) return true;
    if (this.gate && !this.gate.open) {
      let ok = true;
      this.gate.write(data, (d) => (ok = this.output!.write(d)));
      return ok;
    }
    return this.output!.write(data);
  }

  private fromHost(d: Uint8Array): void {
    this.backlog.push(d.slice());
    this.drainInput();
  }

  private drainInput(): void {
    const dev = this.device;
    if (!dev || !this.input) return;
    if (this.gate && !this.gate.open) {
      if (this.backlog.length) this.input.pauseInput();
      return;
    }
    while (this.backlog.length) {
      const d = this.backlog[0];
      const n = dev.send(d);
      if (n < d.length) {
        this.backlog[0] = d.subarray(n);
        this.input.pauseInput();
        return;
      }
      this.backlog.shift();
    }
    this.input.resumeInput();
  }

  private endOfInput(): void {
    if (this.onEnd) this.onEnd();
    else this.device?.hangup?.();
  }

  /** Replaces the configuration (mconsole `config`/`remove`). */
  async reconfigure(cfg: LineConfig): Promise<void> {
    const old = { input: this.input, output: this.output, opened: this.opened, cfg: this.cfg };
    this.cfg = cfg;
    this.input = this.output = undefined;
    this.opened = this.failed = false;
    try {
      await this.prepare();
    } catch (e) {
      Object.assign(this, { input: old.input, output: old.output, opened: old.opened, cfg: old.cfg });
      throw e;
    }
    old.input?.close();
    if (old.output !== old.input) old.output?.close();
    this.backlog = [];
    this.openEager();
    this.device?.resumeOutput();
  }

  close(): void {
    this.input?.close();
    if (this.output !== this.input) this.output?.close();
    this.opened = false;
  }
}

export { formatChannel, type Channel };
