// virtio-console (VIRTIO 1.2 §5.3) with MULTIPORT. Ports 0..consoles-1 are
// console ports (the guest gives each an hvc, in port order); named ports added
// with addPort() are generic ports (/dev/vport<d>p<id>, their name in
// /sys/class/virtio-ports/*/name). Queues: port 0 rx/tx = 0/1, control rx/tx =
// 2/3, port n rx/tx = 2+2n/3+2n. A driver that refuses MULTIPORT sees port 0
// alone on queues 0/1. EMERG_WRITE prints one byte on port 0.
//
// The device is the untrusted guest's peer: control messages are checked
// (length, port id, event) and anything malformed is ignored.

import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_ID_CONSOLE,
  featureBits,
  hasFeature,
} from './device.js';

export const VIRTIO_CONSOLE_F_SIZE = 0;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

// Control events (§5.3.6.2)
export const VIRTIO_CONSOLE_DEVICE_READY = 0;
export const VIRTIO_CONSOLE_DEVICE_ADD = 1;
export const VIRTIO_CONSOLE_DEVICE_REMOVE = 2;
export const VIRTIO_CONSOLE_PORT_READY = 3;
export const VIRTIO_CONSOLE_CONSOLE_PORT = 4;
export const VIRTIO_CONSOLE_RESIZE = 5;
export const VIRTIO_CONSOLE_PORT_OPEN = 6;
export const VIRTIO_CONSOLE_PORT_NAME = 7;

// Linux posts one page per receive-queue entry for every port: with 24 ports a
// queue of 128 would pin 12 MiB of a small guest's RAM. 16 pages (64 KiB) of
// input in flight per port is plenty for a terminal.
const QUEUE_SIZE = 16;
const LEGACY_QUEUE_SIZE = 128;
const CTRL_RX = 2;
const CTRL_TX = 3;

// Config space: cols u16, rows u16, max_nr_ports u32, emerg_wr u32
const CONFIG_EMERG_WR = 8;

/** Host input buffered per port while the guest has no receive buffers. */
const INPUT_CAPACITY = 64 * 1024;
/** Control messages waiting for guest buffers (a guest that never posts any cannot grow this). */
const CONTROL_BACKLOG = 1024;
/** Longest port name sent to the guest. */
const NAME_MAX = 255;

/**
 * Where a port's output goes. `data` is only valid during the call. Returning
 * false says "congested": on a named port the device finishes the current
 * buffer but takes no more from the guest until the port's resumeOutput() (the
 * guest's writer then sleeps; nothing is lost). Console ports ignore it: Linux's
 * hvc writes busy-wait, irqs off, until the device returns each buffer, so
 * holding one would freeze the whole guest; their backends buffer instead.
 */
export interface ConsoleBackend {
  write(data: Uint8Array): void | boolean;
}

/** The host's handle on one port. */
export interface ConsolePort {
  readonly id: number;
  /** The name given to addPort(); undefined for console ports. */
  readonly name: string | undefined;
  /** Whether the guest has the port open. */
  readonly guestOpen: boolean;
  /** Host input for the guest; returns how many bytes were accepted (the rest: try again after onSpace). */
  send(data: Uint8Array): number;
  /** Tells the guest whether a host side is attached (PORT_OPEN): a generic port reads EOF without one. */
  setHostConnected(on: boolean): void;
  /**
   * The host's input ended: once everything sent has reached the guest's buffers, the host
   * side disconnects, so the guest reads all of it and then end of file.
   */
  endInput(): void;
  /** A console port's window size (RESIZE). */
  resize(rows: number, cols: number): void;
  /** The backend takes output again after returning false. */
  resumeOutput(): void;
  /** The guest opened (true) or closed (false) the port. */
  onOpenChange: ((open: boolean) => void) | undefined;
  /** Input refused earlier can be offered again. */
  onSpace: (() => void) | undefined;
}

class Port implements ConsolePort {
  guestOpen = false;
  hostConnected = false;
  /** The driver has this port (DEVICE_ADD answered with PORT_READY). */
  ready = false;
  added = false;
  onOpenChange: ((open: boolean) => void) | undefined;
  onSpace: (() => void) | undefined;
  readonly input: Uint8Array[] = [];
  inputBytes = 0;
  inputRefused = false;
  inputEnded = false;
  congested = false;
  size: { rows: number; cols: number } | undefined;

  constructor(
    private readonly dev: VirtioConsole,
    readonly id: number,
    readonly name: string | undefined,
    readonly backend: ConsoleBackend,
  ) {}

  get isConsole(): boolean {
    return this.name === undefined;
  }

  send(data: Uint8Array): number {
    const n = Math.min(data.length, INPUT_CAPACITY - this.inputBytes);
    if (n < data.length) this.inputRefused = true;
    if (n > 0) {
      this.input.push(data.slice(0, n));
      this.inputBytes += n;
      this.dev.deliver(this);
    }
    return n;
  }

  endInput(): void {
    this.inputEnded = true;
    if (this.inputBytes === 0) this.setHostConnected(false);
  }

  setHostConnected(on: boolean): void {
    if (this.hostConnected === on) return;
    this.hostConnected = on;
    if (this.ready) this.dev.control(this.id, VIRTIO_CONSOLE_PORT_OPEN, on ? 1 : 0);
  }

  resize(rows: number, cols: number): void {
    this.size = { rows: rows & 0xffff, cols: cols & 0xffff };
    if (this.ready && this.isConsole) this.dev.sendResize(this);
  }

  resumeOutput(): void {
    if (!this.congested) return;
    this.congested = false;
    this.dev.transmit(this);
  }
}

export interface VirtioConsoleOptions {
  /**
   * How many ports addPort() may add beyond the console ports (default 0,
   * which with a single console is the plain one-port device).
   */
  extraPorts?: number;
}

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueMaxSizes: readonly number[];
  readonly features: Features;
  private ctx: VirtioDeviceContext | undefined;
  private readonly maxPorts: number;
  private readonly ports: (Port | undefined)[] = [];
  private readonly one = new Uint8Array(1);
  private readonly ctrlOut: Uint8Array[] = [];
  private multiport = false;
  private driverReady = false;

  /** `consoles`: the backends of console ports 0, 1, … (a single backend = one console port). */
  constructor(consoles: ConsoleBackend | readonly ConsoleBackend[], opts: VirtioConsoleOptions = {}) {
    const list = Array.isArray(consoles) ? consoles : [consoles as ConsoleBackend];
    if (list.length < 1) throw new RangeError('virtio-console: at least one console port');
    this.maxPorts = list.length + (opts.extraPorts ?? 0);
    list.forEach((b, i) => (this.ports[i] = new Port(this, i, undefined, b)));
    const multi = this.maxPorts > 1;
    // F_SIZE: Linux applies RESIZE messages only when it was negotiated (the config
    // space's cols/rows stay 0: with MULTIPORT sizes come per port, in RESIZE).
    this.features = multi
      ? featureBits(VIRTIO_CONSOLE_F_EMERG_WRITE, VIRTIO_CONSOLE_F_MULTIPORT, VIRTIO_CONSOLE_F_SIZE)
      : featureBits(VIRTIO_CONSOLE_F_EMERG_WRITE);
    this.queueMaxSizes = new Array(multi ? 2 + 2 * this.maxPorts : 2).fill(multi ? QUEUE_SIZE : LEGACY_QUEUE_SIZE);
  }

  /** Console port `id`. */
  console(id: number): ConsolePort {
    const p = this.ports[id];
    if (!p || !p.isConsole) throw new RangeError(`virtio-console: no console port ${id}`);
    return p;
  }

  /**
   * Adds a named generic port (hot-plugged if the guest is already running).
   * Its output goes to `backend`; the returned handle sends input and reports
   * the guest opening and closing it.
   */
  addPort(name: string, backend: ConsoleBackend): ConsolePort {
    if (!name || new TextEncoder().encode(name).length > NAME_MAX || /[\0/]/.test(name)) {
      throw new RangeError(`virtio-console: bad port name "${name}"`);
    }
    if (this.ports.some((p) => p?.name === name)) throw new RangeError(`virtio-console: port "${name}" exists`);
    let id = this.ports.findIndex((p) => p === undefined);
    if (id < 0) id = this.ports.length;
    if (id >= this.maxPorts) throw new RangeError(`virtio-console: no free port for "${name}"`);
    const p = new Port(this, id, name, backend);
    this.ports[id] = p;
    if (this.driverReady) this.announce(p);
    return p;
  }

  /** Removes a named port (DEVICE_REMOVE): the guest's /dev node goes away. */
  removePort(port: ConsolePort): void {
    const p = this.ports[port.id];
    if (!p || p !== port || p.isConsole) return;
    if (p.added && this.multiport) this.control(p.id, VIRTIO_CONSOLE_DEVICE_REMOVE, 0);
    this.ports[p.id] = undefined;
  }

  /**
   * Hangs up a console port, as a modem line losing carrier: the port is
   * unplugged (the guest's hvc goes away, its tty sessions get SIGHUP) and
   * plugged in again at once (a new hvc, normally with the same number, on
   * which the guest's getty starts over). Pending input is dropped.
   */
  hangup(port: ConsolePort): void {
    const p = this.ports[port.id];
    if (!p || p !== port || !this.multiport || !p.ready) return;
    p.input.length = 0;
    p.inputBytes = 0;
    p.ready = false;
    const wasOpen = p.guestOpen;
    p.guestOpen = false;
    this.control(p.id, VIRTIO_CONSOLE_DEVICE_REMOVE, 0);
    if (wasOpen) p.onOpenChange?.(false);
    this.announce(p);
  }

  /** Compatibility with the one-port device: input for console port 0. */
  receive(data: Uint8Array): number {
    return this.ports[0]!.send(data);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    const cfg = new Uint8Array(12);
    new DataView(cfg.buffer).setUint32(4, this.maxPorts, true);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (offset + i < 12 && offset + i >= 0 ? cfg[offset + i] : 0);
    return v >>> 0;
  }

  writeConfig(offset: number, value: number, size: 1 | 2 | 4): void {
    if (offset === CONFIG_EMERG_WR && size === 4) {
      this.one[0] = value & 0xff;
      this.ports[0]!.backend.write(this.one);
    }
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
    this.multiport = this.maxPorts > 1 && hasFeature(ctx.features, VIRTIO_CONSOLE_F_MULTIPORT);
    if (!this.multiport) {
      // The legacy single port: a console, opened as soon as the driver is up.
      const p0 = this.ports[0]!;
      p0.ready = p0.added = p0.guestOpen = true;
      this.deliver(p0);
    }
  }

  notify(q: number): void {
    if (!this.ctx) return;
    if (this.multiport && q === CTRL_TX) this.controlIn();
    else if (this.multiport && q === CTRL_RX) this.flushControl();
    else {
      const id = q < 2 ? 0 : (q >> 1) - 1;
      const p = this.ports[id];
      if (!p || (id > 0 && !this.multiport)) return;
      if (q & 1) this.transmit(p);
      else this.deliver(p);
    }
  }

  reset(): void {
    this.ctx = undefined;
    this.multiport = false;
    this.driverReady = false;
    this.ctrlOut.length = 0;
    for (const p of this.ports) {
      if (!p) continue;
      const wasOpen = p.guestOpen;
      p.ready = p.added = p.guestOpen = p.congested = false;
      if (wasOpen) p.onOpenChange?.(false);
    }
  }

  // ---- data path

  /** @internal */
  transmit(p: Port): void {
    const ctx = this.ctx;
    if (!ctx || p.congested) return;
    const qi = p.id === 0 ? 1 : 3 + 2 * p.id;
    const q = ctx.queues[qi];
    let chain;
    let any = false;
    while (!p.congested && (chain = q.pop())) {
      for (const seg of chain.readable) {
        const v = ctx.mem.view(seg.addr, seg.len);
        if (v && v.length && p.backend.write(v) === false && !p.isConsole) p.congested = true;
      }
      q.addUsed(chain.head, 0);
      any = true;
    }
    if (any) ctx.notifyUsed(qi);
  }

  /** @internal */
  deliver(p: Port): void {
    const ctx = this.ctx;
    // Linux drops data that reaches a port the guest has not opened (a console port counts as
    // open once its hvc is set up, which it reports with PORT_OPEN): hold input until then.
    if (!ctx || p.inputBytes === 0 || !p.ready || !p.guestOpen) return;
    const qi = p.id === 0 ? 0 : 2 + 2 * p.id;
    const q = ctx.queues[qi];
    let delivered = false;
    while (p.inputBytes > 0) {
      const chain = q.pop();
      if (!chain) break;
      let off = 0;
      while (p.input.length && off < chain.writableLength) {
        const head = p.input[0];
        const n = chain.write(off, head);
        off += n;
        p.inputBytes -= n;
        if (n === head.length) p.input.shift();
        else p.input[0] = head.subarray(n);
        if (n === 0) break;
      }
      q.addUsed(chain.head, off);
      delivered = true;
    }
    if (delivered) {
      ctx.notifyUsed(qi);
      // The guest finds the used buffers before it learns of the disconnect: no data is lost to EOF.
      if (p.inputEnded && p.inputBytes === 0) p.setHostConnected(false);
      if (p.inputRefused) {
        p.inputRefused = false;
        p.onSpace?.();
      }
    }
  }

  // ---- control path

  /** @internal Queues a control message for the guest. */
  control(id: number, event: number, value: number, extra?: Uint8Array): void {
    if (!this.multiport) return;
    if (this.ctrlOut.length >= CONTROL_BACKLOG) return;
    const msg = new Uint8Array(8 + (extra?.length ?? 0));
    const dv = new DataView(msg.buffer);
    dv.setUint32(0, id, true);
    dv.setUint16(4, event, true);
    dv.setUint16(6, value, true);
    if (extra) msg.set(extra, 8);
    this.ctrlOut.push(msg);
    this.flushControl();
  }

  /** @internal RESIZE carries cols, then rows (§5.3.6.2; Linux before 5.x read them swapped). */
  sendResize(p: Port): void {
    if (!p.size) return;
    const s = new Uint8Array(4);
    new DataView(s.buffer).setUint16(0, p.size.cols, true);
    new DataView(s.buffer).setUint16(2, p.size.rows, true);
    this.control(p.id, VIRTIO_CONSOLE_RESIZE, 0, s);
  }

  private announce(p: Port): void {
    p.added = true;
    this.control(p.id, VIRTIO_CONSOLE_DEVICE_ADD, 0);
  }

  private flushControl(): void {
    const ctx = this.ctx;
    if (!ctx || !this.multiport) return;
    const q = ctx.queues[CTRL_RX];
    let any = false;
    while (this.ctrlOut.length) {
      const chain = q.pop();
      if (!chain) break;
      const msg = this.ctrlOut.shift()!;
      const n = chain.write(0, msg);
      q.addUsed(chain.head, n);
      any = true;
    }
    if (any) ctx.notifyUsed(CTRL_RX);
  }

  private controlIn(): void {
    const ctx = this.ctx!;
    const q = ctx.queues[CTRL_TX];
    const buf = new Uint8Array(8);
    let chain;
    let any = false;
    while ((chain = q.pop())) {
      const n = chain.readableLength >= 8 ? chain.read(0, buf) : 0;
      q.addUsed(chain.head, 0);
      any = true;
      if (n === 8) this.onControl(buf);
    }
    if (any) ctx.notifyUsed(CTRL_TX);
  }

  private onControl(msg: Uint8Array): void {
    const dv = new DataView(msg.buffer, msg.byteOffset, 8);
    const id = dv.getUint32(0, true);
    const event = dv.getUint16(4, true);
    const value = dv.getUint16(6, true);
    if (event === VIRTIO_CONSOLE_DEVICE_READY) {
      if (value !== 1 || this.driverReady) return;
      this.driverReady = true;
      for (const p of this.ports) if (p) this.announce(p);
      return;
    }
    const p = id < this.ports.length ? this.ports[id] : undefined;
    if (!p || !p.added) return;
    switch (event) {
      case VIRTIO_CONSOLE_PORT_READY:
        if (value !== 1 || p.ready) return;
        p.ready = true;
        if (p.isConsole) {
          this.control(p.id, VIRTIO_CONSOLE_CONSOLE_PORT, 1);
          this.sendResize(p);
        } else {
          this.control(p.id, VIRTIO_CONSOLE_PORT_NAME, 0, new TextEncoder().encode(p.name));
        }
        if (p.hostConnected) this.control(p.id, VIRTIO_CONSOLE_PORT_OPEN, 1);
        this.deliver(p);
        break;
      case VIRTIO_CONSOLE_PORT_OPEN: {
        const open = value === 1;
        if (open === p.guestOpen) return;
        p.guestOpen = open;
        p.onOpenChange?.(open);
        if (open) this.deliver(p);
        break;
      }
      default:
        break; // events only the device sends, or unknown: ignored
    }
  }
}
