// virtio-console (VIRTIO 1.2 §5.3), one port (no MULTIPORT yet): queue 0 is
// the port's receiveq (host → guest), queue 1 its transmitq (guest → host).
// Also offers EMERG_WRITE: a write to config offset 8 prints one byte.

import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_ID_CONSOLE,
  featureBits,
  readLE,
} from './device.js';

export const VIRTIO_CONSOLE_F_SIZE = 0;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

const RECEIVEQ = 0;
const TRANSMITQ = 1;
const QUEUE_SIZE = 128;

// Config space: cols u16, rows u16, max_nr_ports u32, emerg_wr u32
const CONFIG_SIZE = 12;
const CONFIG_EMERG_WR = 8;

/** Host input buffered while the guest has no receive buffers. */
const INPUT_CAPACITY = 64 * 1024;

/** Where the port's output goes. `data` is only valid during the call. */
export interface ConsoleBackend {
  write(data: Uint8Array): void;
}

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueMaxSizes = [QUEUE_SIZE, QUEUE_SIZE];
  readonly features: Features = featureBits(VIRTIO_CONSOLE_F_EMERG_WRITE);
  private ctx: VirtioDeviceContext | undefined;
  private readonly input: Uint8Array[] = [];
  private inputBytes = 0;
  private readonly one = new Uint8Array(1);

  constructor(private readonly backend: ConsoleBackend) {}

  /** Host input for the guest. Returns how many bytes were accepted. */
  receive(data: Uint8Array): number {
    const n = Math.min(data.length, INPUT_CAPACITY - this.inputBytes);
    if (n > 0) {
      this.input.push(data.slice(0, n));
      this.inputBytes += n;
      this.deliver();
    }
    return n;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    const cfg = new Uint8Array(CONFIG_SIZE); // cols = rows = 0, max_nr_ports = 0 (no MULTIPORT)
    return readLE(cfg, offset, size);
  }

  writeConfig(offset: number, value: number, size: 1 | 2 | 4): void {
    if (offset === CONFIG_EMERG_WR && size === 4) {
      this.one[0] = value & 0xff;
      this.backend.write(this.one);
    }
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }

  notify(q: number): void {
    if (q === TRANSMITQ) this.transmit();
    else if (q === RECEIVEQ) this.deliver();
  }

  reset(): void {
    this.ctx = undefined;
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const q = ctx.queues[TRANSMITQ];
    let chain;
    while ((chain = q.pop())) {
      for (const seg of chain.readable) {
        const v = ctx.mem.view(seg.addr, seg.len);
        if (v && v.length) this.backend.write(v);
      }
      q.addUsed(chain.head, 0);
    }
    ctx.notifyUsed(TRANSMITQ);
  }

  private deliver(): void {
    const ctx = this.ctx;
    if (!ctx || this.inputBytes === 0) return;
    const q = ctx.queues[RECEIVEQ];
    let delivered = false;
    while (this.inputBytes > 0) {
      const chain = q.pop();
      if (!chain) break;
      let off = 0;
      while (this.input.length && off < chain.writableLength) {
        const head = this.input[0];
        const n = chain.write(off, head);
        off += n;
        this.inputBytes -= n;
        if (n === head.length) this.input.shift();
        else this.input[0] = head.subarray(n);
        if (n === 0) break;
      }
      q.addUsed(chain.head, off);
      delivered = true;
    }
    if (delivered) ctx.notifyUsed(RECEIVEQ);
  }
}
