// virtio-9p (VIRTIO 1.2 §5.11 / Linux's 9p virtio transport): one request queue; each
// chain carries one 9P T-message in its readable part and room for the R-message in
// its writable part. Requests are served concurrently (host I/O runs off the machine's
// loop), at most MAX_INFLIGHT at a time so that memory per device stays bounded; every
// chain gets exactly one used entry, except after a reset, when stale replies are dropped.
// A large Twrite's data is not copied: the server gets views of the guest's buffers (the
// host writes straight from them), and only the message header is copied. A large
// Tread's data likewise goes from the host file straight into the guest's buffers.

import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_ID_9P,
  featureBits,
  readLE,
} from './device.js';
import type { DescriptorChain } from './queue.js';

export const VIRTIO_9P_MOUNT_TAG = 0;
const QUEUE_SIZE = 128;
const MAX_INFLIGHT = 16;
/** 9P's Twrite: size[4] type[1] tag[2] fid[4] offset[8] count[4], then the data. */
const TWRITE = 118;
const TWRITE_HEADER = 23;
/** Rread: size[4] type[1] tag[2] count[4], then the data. */
const TREAD = 116;
const RREAD_HEADER = 11;
/** Linux's limit on the tag length (it is a device name in the mount call). */
export const MAX_TAG = 31;

/** The 9P server behind the device. */
export interface P9Handler {
  /** Largest request accepted (the negotiated msize; before Tversion, the largest offered). */
  readonly maxRequest: number;
  /**
   * One reply of at most `room` bytes; never rejects. `payload`, when given, is the rest
   * of the request after `req` (a Twrite's data, as views of guest memory). `dest`, when
   * given, is where a Tread's data may go (the reply's bytes after its header, as views of
   * guest memory): the reply returned is then only its header, its size field the whole.
   */
  handle(req: Uint8Array, room: number, payload?: readonly Uint8Array[], dest?: readonly Uint8Array[]): Promise<Uint8Array>;
  /** The driver reset the device: every fid is gone. */
  reset(): void;
  /** Optional: the reply has been copied to the guest and its buffer is free again. */
  release?(reply: Uint8Array): void;
}

export class Virtio9p implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_9P;
  readonly queueMaxSizes = [QUEUE_SIZE];
  readonly features: Features = featureBits(VIRTIO_9P_MOUNT_TAG);
  private readonly config: Uint8Array;
  private ctx: VirtioDeviceContext | undefined;
  /** Bumped on reset: replies of an older generation are not delivered. */
  private generation = 0;
  private inflight = 0;
  /** Request buffers of the largest request size, reused (at most one per request in flight). */
  private readonly pool: Uint8Array[] = [];

  constructor(tag: string, private readonly server: P9Handler) {
    if (tag.length === 0 || tag.length > MAX_TAG || /[^\x21-\x7e]/.test(tag)) throw new Error(`virtio-9p: bad mount tag "${tag}"`);
    this.config = new Uint8Array(2 + tag.length);
    this.config[0] = tag.length;
    for (let i = 0; i < tag.length; i++) this.config[2 + i] = tag.charCodeAt(i);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readLE(this.config, offset, size);
  }

  writeConfig(): void {}

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
    this.generation++;
    this.inflight = 0;
    this.server.reset();
  }

  notify(q: number): void {
    const ctx = this.ctx;
    if (!ctx || q !== 0) return;
    const queue = ctx.queues[0];
    while (this.inflight < MAX_INFLIGHT) {
      const chain = queue.pop();
      if (!chain) break;
      this.start(ctx, chain);
    }
  }

  private start(ctx: VirtioDeviceContext, chain: DescriptorChain): void {
    const gen = this.generation;
    const max = this.server.maxRequest;
    let req: Uint8Array;
    let payload: Uint8Array[] | undefined;
    if (chain.readableLength > max) {
      // Only the header is needed to refuse it: the server sees a size above msize.
      req = new Uint8Array(Math.min(chain.readableLength, 7));
      chain.read(0, req);
      const dv = new DataView(req.buffer);
      if (req.length === 7) dv.setUint32(0, chain.readableLength >>> 0, true);
    } else if (chain.readableLength >= 65536 && this.isTwrite(chain)) {
      req = new Uint8Array(TWRITE_HEADER);
      chain.read(0, req);
      payload = chain.readableViews(TWRITE_HEADER);
    } else if (chain.readableLength >= 65536) {
      let buf = this.pool.pop();
      if (!buf || buf.length < max) buf = new Uint8Array(max);
      req = buf.subarray(0, chain.readableLength);
      chain.read(0, req);
    } else req = chain.readAll();
    const dest = req.length >= 5 && req[4] === TREAD && chain.writableLength >= 65536 ? chain.writableViews(RREAD_HEADER) : undefined;
    this.inflight++;
    void this.server.handle(req, chain.writableLength, payload, dest).then(
      (reply) => this.finish(ctx, gen, chain, req, reply, !!dest),
      () => this.finish(ctx, gen, chain, req, new Uint8Array(0), false),
    );
  }

  private isTwrite(chain: DescriptorChain): boolean {
    const type = new Uint8Array(1);
    return chain.read(4, type) === 1 && type[0] === TWRITE;
  }

  private finish(ctx: VirtioDeviceContext, gen: number, chain: DescriptorChain, req: Uint8Array, reply: Uint8Array, direct: boolean): void {
    // The request is done with whatever happens next.
    if (req.buffer.byteLength >= 65536 && req.buffer.byteLength === this.server.maxRequest && this.pool.length < MAX_INFLIGHT) {
      this.pool.push(new Uint8Array(req.buffer));
    }
    if (gen !== this.generation) return;
    this.inflight--;
    let n = reply.length <= chain.writableLength ? chain.write(0, reply) : 0;
    if (direct && n >= RREAD_HEADER && reply[4] === TREAD + 1) {
      // The data is in place already; the size field counts it.
      const size = new DataView(reply.buffer, reply.byteOffset, reply.byteLength).getUint32(0, true);
      if (size >= n && size <= chain.writableLength) n = size;
    }
    this.server.release?.(reply);
    const queue = ctx.queues[0];
    queue.addUsed(chain.head, n);
    ctx.notifyUsed(0);
    // Chains left waiting for a free slot.
    if (queue.hasAvailable()) this.notify(0);
  }
}
