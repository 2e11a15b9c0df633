// virtio-net (VIRTIO 1.2 §5.1): queue 0 receives, queue 1 transmits. Frames move in
// batches between the guest's rings and a NetBackend (a host transport), so one host
// system call serves many frames. Everything from the guest and from the wire is
// checked: runts, giants and offload requests nobody negotiated are dropped and counted.
//
// Header: with VIRTIO_F_VERSION_1 the guest's header is always 12 bytes (num_buffers
// included); transports that carry a header (tap, raw, hybrid) use the legacy 10-byte
// struct virtio_net_hdr, as UML's vector driver does, so only num_buffers differs.

import {
  type Features,
  type VirtioDevice,
  type VirtioDeviceContext,
  VIRTIO_ID_NET,
  featureBits,
  hasFeature,
  readLE,
} from './device.js';
import type { DescriptorChain, VirtQueue } from './queue.js';
import { MAX_SEGS, MAX_SEG_HDRS, TcpCoalescer, checksumValid, finishChecksum, segmentTcp } from './net-offload.js';

export const VIRTIO_NET_F_CSUM = 0;
export const VIRTIO_NET_F_GUEST_CSUM = 1;
export const VIRTIO_NET_F_MTU = 3;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_GUEST_TSO4 = 7;
export const VIRTIO_NET_F_GUEST_TSO6 = 8;
export const VIRTIO_NET_F_GUEST_ECN = 9;
export const VIRTIO_NET_F_HOST_TSO4 = 11;
export const VIRTIO_NET_F_HOST_TSO6 = 12;
export const VIRTIO_NET_F_HOST_ECN = 13;
export const VIRTIO_NET_F_MRG_RXBUF = 15;
export const VIRTIO_NET_F_STATUS = 16;

export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID = 2;
export const VIRTIO_NET_HDR_GSO_NONE = 0;
export const VIRTIO_NET_HDR_GSO_TCPV4 = 1;
export const VIRTIO_NET_HDR_GSO_UDP = 3;
export const VIRTIO_NET_HDR_GSO_TCPV6 = 4;
export const VIRTIO_NET_HDR_GSO_ECN = 0x80;

/** The transports' header (struct virtio_net_hdr, no num_buffers). */
export const VNET_HDR_LEN = 10;
/** The guest's header under VERSION_1 (struct virtio_net_hdr_mrg_rxbuf). */
export const GUEST_HDR_LEN = 12;
const ETH_HLEN = 14;
/** Largest frame either way: a 64 KiB GSO super-frame plus its Ethernet header. */
export const MAX_FRAME = 65536 + ETH_HLEN;
const QUEUE_SIZE = 256;
const CONFIG_SIZE = 12;
const RX = 0;
const TX = 1;
/** Bytes left free before every staged transmit frame, for the transport's encapsulation. */
export const TX_HEADROOM = 64;
/** The transmit staging area: a batch is flushed when the next frame would not fit. */
const TX_STAGE = 1 << 20;

/**
 * What a NIC needs from its host transport. Frames are passed in batches: frame i of a
 * batch is `buf[offs[i] .. offs[i] + lens[i])`, headed by the 10-byte virtio_net_hdr when
 * `vnetHeader` is true. Transmit frames have TX_HEADROOM writable bytes before them for
 * the transport's own header.
 */
export interface NetBackend {
  /** Frames carry the virtio-net header: checksum and segmentation offloads are offered. */
  readonly vnetHeader: boolean;
  /**
   * Takes up to `count` frames for the wire; returns how many it took (all of them unless
   * congested). Frames it cannot send for good (errors) count as taken. After a short count,
   * the backend calls `port.txSpace()` once it can take more.
   */
  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  /** The device's side, given once; the backend delivers through it. */
  attach(port: NetPort): void;
  /** The guest posted receive buffers after `port.canReceive()` said no: resume delivery. */
  rxSpace(): void;
  /** Offloads the guest accepted (frames delivered must not need more than these). */
  setOffloads?(csum: boolean, tso4: boolean, tso6: boolean): void;
}

/** The device as its backend sees it. */
export interface NetPort {
  /**
   * Delivers up to `count` frames (layout as in NetBackend) to the guest; returns how many
   * it consumed (delivered or dropped). Fewer than `count`: the guest has no buffers now;
   * the rest should be offered again after the device calls `backend.rxSpace()`.
   */
  deliver(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  /** The guest has receive buffers posted. */
  canReceive(): boolean;
  /** The backend can take frames again after a short `send`. */
  txSpace(): void;
  /** Carrier up or down, as the guest sees it (VIRTIO_NET_S_LINK_UP). */
  setLink(up: boolean): void;
}

export interface VirtioNetOptions {
  mac: Uint8Array;
  /** Default 1500. */
  mtu?: number;
  /** Offer the guest receive segmentation offloads (UML's gro=1); needs a header-carrying backend. */
  gro?: boolean;
  /** Frames per transmit batch (UML's depth); default 64. */
  depth?: number;
}

/** What was dropped, and why. */
export interface NetStats {
  rxFrames: number;
  txFrames: number;
  rxBytes: number;
  txBytes: number;
  /** Frames from the wire the guest could not take (too big for its buffers). */
  rxDropped: number;
  /** Frames from the wire that were malformed (runts, giants, offloads not negotiated). */
  rxErrors: number;
  /** Guest frames that were malformed (runts, giants, bad headers, offload requests that are no TCP segment). */
  txErrors: number;
  /** Guest super-frames the device segmented itself (transports without a header). */
  txSegmented: number;
  /** Received frames whose TCP/UDP checksum the device verified for the guest (DATA_VALID). */
  rxCsumVerified: number;
  /** Received TCP segments the device joined into super-frames for the guest. */
  rxCoalesced: number;
}

export class VirtioNet implements VirtioDevice, NetPort {
  readonly deviceId = VIRTIO_ID_NET;
  readonly queueMaxSizes = [QUEUE_SIZE, QUEUE_SIZE];
  readonly features: Features;
  readonly stats: NetStats = { rxFrames: 0, txFrames: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, rxErrors: 0, txErrors: 0, txSegmented: 0, rxCsumVerified: 0, rxCoalesced: 0 };
  private readonly config = new Uint8Array(CONFIG_SIZE);
  private ctx: VirtioDeviceContext | undefined;
  private mergeable = false;
  private guestCsum = false;
  private guestTso4 = false;
  private guestTso6 = false;
  private guestEcn = false;
  private hostCsum = false;
  private hostTso4 = false;
  private hostTso6 = false;
  private hostEcn = false;
  private rxStalled = false;
  private readonly rxHdr = new Uint8Array(GUEST_HDR_LEN);
  private readonly rxHdrView = new DataView(this.rxHdr.buffer);
  private readonly rxChains: DescriptorChain[] = [];
  private readonly rxFill = new Int32Array(QUEUE_SIZE);
  private coalescer: TcpCoalescer | undefined;
  private readonly txHdr = new Uint8Array(GUEST_HDR_LEN);
  private readonly txHdrView = new DataView(this.txHdr.buffer);
  private readonly depth: number;
  // Transmit staging: frames copied out of the guest, waiting for the backend.
  private readonly stage = new Uint8Array(TX_STAGE);
  private readonly stageView = new DataView(this.stage.buffer);
  private readonly txOffs: Int32Array;
  private readonly txLens: Int32Array;
  /** The chain each staged frame completes; -1 for the segments before a super-frame's last. */
  private readonly txHeads: Int32Array;
  private txCount = 0;
  private txSent = 0;
  private txBlocked = false;

  constructor(
    private backend: NetBackend | null,
    opts: VirtioNetOptions,
  ) {
    this.depth = Math.max(1, Math.min(opts.depth ?? 64, QUEUE_SIZE));
    // Room for a full batch plus one super-frame's segments.
    this.txOffs = new Int32Array(this.depth + MAX_SEGS);
    this.txLens = new Int32Array(this.depth + MAX_SEGS);
    this.txHeads = new Int32Array(this.depth + MAX_SEGS);
    const mtu = opts.mtu ?? 1500;
    // Checksum and segmentation are offered whatever the transport: without a header on
    // the wire the device does them itself (net-offload.ts), which costs the host far less
    // than the guest's emulated CPU. Receive segmentation: from the header with gro=1, or
    // the device's own coalescing of plain frames.
    const bits = [VIRTIO_NET_F_MAC, VIRTIO_NET_F_MTU, VIRTIO_NET_F_STATUS, VIRTIO_NET_F_MRG_RXBUF];
    bits.push(VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6, VIRTIO_NET_F_HOST_ECN);
    bits.push(VIRTIO_NET_F_GUEST_CSUM);
    if (backend?.vnetHeader && opts.gro) bits.push(VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_ECN);
    else if (backend && !backend.vnetHeader) bits.push(VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6);
    this.features = featureBits(...bits);
    if (opts.mac.length !== 6) throw new RangeError('virtio-net: a MAC address has 6 bytes');
    this.config.set(opts.mac, 0);
    const c = new DataView(this.config.buffer);
    c.setUint16(6, backend ? 1 : 0, true); // link up with a backend
    c.setUint16(8, 1, true); // max_virtqueue_pairs
    c.setUint16(10, mtu, true);
    backend?.attach(this);
  }

  get mac(): Uint8Array {
    return this.config.slice(0, 6);
  }

  /** The driver has set DRIVER_OK (and not reset since). */
  get active(): boolean {
    return this.ctx !== undefined;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readLE(this.config, offset, size);
  }

  writeConfig(): void {
    // The MAC is only writable on legacy devices; VERSION_1 drivers keep their change local.
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
    const f = ctx.features;
    this.mergeable = hasFeature(f, VIRTIO_NET_F_MRG_RXBUF);
    this.guestCsum = hasFeature(f, VIRTIO_NET_F_GUEST_CSUM);
    this.guestTso4 = hasFeature(f, VIRTIO_NET_F_GUEST_TSO4);
    this.guestTso6 = hasFeature(f, VIRTIO_NET_F_GUEST_TSO6);
    this.guestEcn = hasFeature(f, VIRTIO_NET_F_GUEST_ECN);
    this.hostCsum = hasFeature(f, VIRTIO_NET_F_CSUM);
    this.hostTso4 = hasFeature(f, VIRTIO_NET_F_HOST_TSO4);
    this.hostTso6 = hasFeature(f, VIRTIO_NET_F_HOST_TSO6);
    this.hostEcn = hasFeature(f, VIRTIO_NET_F_HOST_ECN);
    this.backend?.setOffloads?.(this.guestCsum, this.guestTso4, this.guestTso6);
    this.rxStalled = false;
    this.backend?.rxSpace();
  }

  reset(): void {
    this.ctx = undefined;
    this.txCount = this.txSent = 0;
    this.txBlocked = false;
  }

  /** Puts a transport behind the NIC or takes it away (null: carrier down). */
  setBackend(backend: NetBackend | null): void {
    this.backend = backend;
    this.txCount = this.txSent = 0;
    this.txBlocked = false;
    if (backend) {
      backend.attach(this);
      if (this.ctx) backend.setOffloads?.(this.guestCsum, this.guestTso4, this.guestTso6);
    }
    this.setLink(backend !== null);
    if (backend && this.ctx) backend.rxSpace();
  }

  setLink(up: boolean): void {
    const old = this.config[6] & 1;
    this.config[6] = up ? 1 : 0;
    if (old !== this.config[6]) this.ctx?.configChanged();
  }

  notify(q: number): void {
    if (!this.ctx) return;
    if (q === TX) this.transmit();
    else if (q === RX && this.rxStalled && this.canReceive()) {
      this.rxStalled = false;
      this.backend?.rxSpace();
    }
  }

  // ------------------------------------------------------------------ transmit

  txSpace(): void {
    if (!this.ctx || !this.txBlocked) return;
    this.txBlocked = false;
    this.flushTx();
    if (!this.txBlocked) this.transmit();
  }

  private transmit(): void {
    const ctx = this.ctx!;
    const queue = ctx.queues[TX];
    if (this.txBlocked) return;
    let pos = 0;
    let chain: DescriptorChain | null;
    let dropped = false;
    const vnet = this.backend?.vnetHeader ?? false;
    while ((chain = queue.pop())) {
      const len = chain.readableLength - GUEST_HDR_LEN;
      const wire = vnet ? VNET_HDR_LEN + len : len;
      if (len < ETH_HLEN || len > MAX_FRAME || !this.backend) {
        if (this.backend) this.stats.txErrors++;
        queue.addUsed(chain.head, 0);
        dropped = true;
        continue;
      }
      // Without a wire header a segmentation request becomes up to MAX_SEGS frames, each
      // with headers of its own: make sure the stage and the batch have room for all.
      let segs = 1;
      let need = TX_HEADROOM + wire;
      if (!vnet) {
        chain.read(0, this.txHdr);
        if ((this.txHdr[1] & ~VIRTIO_NET_HDR_GSO_ECN) !== VIRTIO_NET_HDR_GSO_NONE) {
          segs = MAX_SEGS;
          need += MAX_SEGS * (TX_HEADROOM + MAX_SEG_HDRS + 8) + len;
        }
      }
      if (pos + need > TX_STAGE || this.txCount >= this.depth || this.txCount + segs > this.txHeads.length) {
        queue.undoPop();
        this.flushTx();
        if (this.txBlocked) return;
        pos = 0;
        continue;
      }
      const at = pos + TX_HEADROOM;
      const end = vnet ? this.stageTx(chain, at, len) : this.stageBare(chain, at, len);
      if (end < 0) {
        this.stats.txErrors++;
        queue.addUsed(chain.head, 0);
        dropped = true;
        continue;
      }
      if (end === 0) {
        this.txOffs[this.txCount] = at;
        this.txLens[this.txCount] = wire;
        this.txCount++;
        pos = (at + wire + 7) & ~7;
      } else pos = end;
      // The chain is done when its (last) frame is sent.
      this.txHeads[this.txCount - 1] = chain.head;
    }
    if (this.txCount) this.flushTx();
    else if (dropped) ctx.notifyUsed(TX);
  }

  /** Copies one guest frame and its header into the stage at `at`: 0, or -1 if it asks for what was not negotiated. */
  private stageTx(chain: DescriptorChain, at: number, len: number): number {
    const s = this.stage;
    chain.read(0, s.subarray(at, at + VNET_HDR_LEN));
    chain.read(GUEST_HDR_LEN, s.subarray(at + VNET_HDR_LEN, at + VNET_HDR_LEN + len));
    const flags = s[at];
    const gso = s[at + 1] & ~VIRTIO_NET_HDR_GSO_ECN;
    if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
      if (!this.hostCsum) return -1;
      const start = this.stageView.getUint16(at + 6, true);
      const off = this.stageView.getUint16(at + 8, true);
      if (start + off + 2 > len) return -1;
    }
    if (flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)) return -1;
    if (gso !== VIRTIO_NET_HDR_GSO_NONE) {
      if (!((gso === VIRTIO_NET_HDR_GSO_TCPV4 && this.hostTso4) || (gso === VIRTIO_NET_HDR_GSO_TCPV6 && this.hostTso6))) return -1;
      if (!(flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) return -1;
    } else if (len > ETH_HLEN + 65535 - 1) return -1;
    // The device ignores num_buffers on transmit; the transport gets the legacy header.
    return 0;
  }

  /**
   * For a transport without a header: copies one guest frame (header in txHdr) to `at`
   * and does the offloads it asks for. A plain frame: 0, staged as it is. A segmentation
   * request: its segments are staged after it (txOffs/txLens filled, txCount advanced) and
   * the stage position after them is returned. -1: a request not negotiated or not valid.
   */
  private stageBare(chain: DescriptorChain, at: number, len: number): number {
    const s = this.stage;
    const h = this.txHdr;
    const flags = h[0];
    const gsoFull = h[1];
    const gso = gsoFull & ~VIRTIO_NET_HDR_GSO_ECN;
    if (flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)) return -1;
    const start = this.txHdrView.getUint16(6, true);
    const off = this.txHdrView.getUint16(8, true);
    const needsCsum = (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) !== 0;
    if (needsCsum && (!this.hostCsum || start + off + 2 > len)) return -1;
    chain.read(GUEST_HDR_LEN, s.subarray(at, at + len));
    if (gso === VIRTIO_NET_HDR_GSO_NONE) {
      if (len > ETH_HLEN + 65535 - 1) return -1;
      if (needsCsum) finishChecksum(s, at + start, at + start + off, at + len);
      return 0;
    }
    const v6 = gso === VIRTIO_NET_HDR_GSO_TCPV6;
    if (!((gso === VIRTIO_NET_HDR_GSO_TCPV4 && this.hostTso4) || (v6 && this.hostTso6))) return -1;
    if (gsoFull & VIRTIO_NET_HDR_GSO_ECN && !this.hostEcn) return -1;
    if (!needsCsum) return -1;
    const mss = this.txHdrView.getUint16(4, true);
    let pos = (at + len + 7) & ~7;
    const first = this.txCount;
    const n = segmentTcp(s, at, len, v6, mss, start, (size) => {
      const o = pos + TX_HEADROOM;
      this.txOffs[this.txCount] = o;
      this.txLens[this.txCount] = size;
      this.txHeads[this.txCount++] = -1;
      pos = (o + size + 7) & ~7;
      return [s, o];
    });
    if (n === 'bad') {
      this.txCount = first;
      return -1;
    }
    this.stats.txSegmented++;
    return pos;
  }

  private flushTx(): void {
    const ctx = this.ctx!;
    const queue = ctx.queues[TX];
    const backend = this.backend;
    let left = this.txCount - this.txSent;
    let completed = false;
    // A batch may be longer than the backend takes per call (a super-frame's segments):
    // go on while it takes frames.
    while (left > 0 && backend) {
      const n = backend.send(this.stage, this.txOffs.subarray(this.txSent), this.txLens.subarray(this.txSent), left);
      const taken = Math.max(0, Math.min(n, left));
      for (let i = this.txSent; i < this.txSent + taken; i++) {
        const head = this.txHeads[i];
        if (head >= 0) {
          queue.addUsed(head, 0);
          completed = true;
        }
        this.stats.txFrames++;
        this.stats.txBytes += this.txLens[i] - (backend.vnetHeader ? VNET_HDR_LEN : 0);
      }
      this.txSent += taken;
      left -= taken;
      if (taken === 0) break;
    }
    if (completed) ctx.notifyUsed(TX);
    if (left > 0 && backend) {
      this.txBlocked = true;
      return;
    }
    this.txCount = this.txSent = 0;
  }

  // ------------------------------------------------------------------ receive

  canReceive(): boolean {
    const ctx = this.ctx;
    if (!ctx) return false;
    const ok = ctx.queues[RX].hasAvailable();
    if (!ok) this.rxStalled = true;
    return ok;
  }

  deliver(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    const ctx = this.ctx;
    if (!ctx) return count; // nobody listens: the frames are gone, as on a wire
    const withHdr = this.backend?.vnetHeader ?? false;
    if (!withHdr && this.guestCsum && (this.guestTso4 || this.guestTso6)) return this.deliverCoalesced(buf, offs, lens, count);
    const queue = ctx.queues[RX];
    let done = 0;
    let used = false;
    for (; done < count; done++) {
      const off = offs[done];
      const len = lens[done];
      if (off < 0 || len < 0 || off + len > buf.length) {
        this.stats.rxErrors++;
        continue;
      }
      const frameLen = withHdr ? len - VNET_HDR_LEN : len;
      if (frameLen < ETH_HLEN || frameLen > MAX_FRAME) {
        this.stats.rxErrors++;
        continue;
      }
      const frame = buf.subarray(off + (withHdr ? VNET_HDR_LEN : 0), off + len);
      if (!this.rxHeader(buf, off, withHdr, frame)) {
        this.stats.rxErrors++;
        continue;
      }
      const r = this.place(queue, frame);
      if (r === 'wait') break;
      if (r === 'dropped') this.stats.rxDropped++;
      else {
        used = true;
        this.stats.rxFrames++;
        this.stats.rxBytes += frameLen;
      }
    }
    if (used) ctx.notifyUsed(RX);
    if (done < count) this.rxStalled = true;
    return done;
  }

  /** deliver() for plain frames to a guest that takes TSO frames: runs of one TCP flow go up as one. */
  private deliverCoalesced(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    const ctx = this.ctx!;
    const queue = ctx.queues[RX];
    const c = (this.coalescer ??= new TcpCoalescer());
    const h = this.rxHdr;
    const ok = (i: number) => offs[i] >= 0 && lens[i] >= ETH_HLEN && lens[i] <= MAX_FRAME && offs[i] + lens[i] <= buf.length;
    let done = 0;
    let used = false;
    while (done < count) {
      if (!ok(done)) {
        this.stats.rxErrors++;
        done++;
        continue;
      }
      let frame = buf.subarray(offs[done], offs[done] + lens[done]);
      let n = 1;
      h.fill(0);
      if (c.start(frame, this.guestTso4, this.guestTso6)) {
        while (done + n < count && ok(done + n) && c.append(buf.subarray(offs[done + n], offs[done + n] + lens[done + n]))) {
          n++;
          if (c.closed) break;
        }
        if (n > 1) {
          const g = c.finish();
          frame = c.buf.subarray(0, c.len);
          h[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
          h[1] = g.v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
          this.rxHdrView.setUint16(2, g.hdrLen, true);
          this.rxHdrView.setUint16(4, g.mss, true);
          this.rxHdrView.setUint16(6, g.csumStart, true);
          this.rxHdrView.setUint16(8, 16, true);
          this.stats.rxCoalesced += n;
        } else h[0] = VIRTIO_NET_HDR_F_DATA_VALID; // start() checked it
        this.stats.rxCsumVerified += n;
      } else if (checksumValid(frame)) {
        h[0] = VIRTIO_NET_HDR_F_DATA_VALID;
        this.stats.rxCsumVerified++;
      }
      const r = this.place(queue, frame);
      if (r === 'wait') break;
      if (r === 'dropped') this.stats.rxDropped += n;
      else {
        used = true;
        this.stats.rxFrames += n;
        this.stats.rxBytes += frame.length;
      }
      done += n;
    }
    if (used) ctx.notifyUsed(RX);
    if (done < count) this.rxStalled = true;
    return done;
  }

  /** Fills rxHdr for one frame; false if the frame needs an offload the guest did not accept. */
  private rxHeader(buf: Uint8Array, off: number, withHdr: boolean, frame: Uint8Array): boolean {
    const h = this.rxHdr;
    h.fill(0);
    if (!withHdr) {
      // A bare frame: check its checksum here, so the guest's emulated CPU need not.
      if (this.guestCsum && checksumValid(frame)) {
        h[0] = VIRTIO_NET_HDR_F_DATA_VALID;
        this.stats.rxCsumVerified++;
      }
      return true;
    }
    h.set(buf.subarray(off, off + VNET_HDR_LEN));
    let flags = h[0];
    const gsoFull = h[1];
    const gso = gsoFull & ~VIRTIO_NET_HDR_GSO_ECN;
    if (flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)) return false;
    if (gso !== VIRTIO_NET_HDR_GSO_NONE) {
      const ok = (gso === VIRTIO_NET_HDR_GSO_TCPV4 && this.guestTso4) || (gso === VIRTIO_NET_HDR_GSO_TCPV6 && this.guestTso6);
      if (!ok || (gsoFull & VIRTIO_NET_HDR_GSO_ECN && !this.guestEcn)) return false;
    } else if (frame.length > ETH_HLEN + 65535 - 1) return false;
    if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
      const start = this.rxHdrView.getUint16(6, true);
      const csumOff = this.rxHdrView.getUint16(8, true);
      if (start + csumOff + 2 > frame.length) return false;
      if (!this.guestCsum) {
        // The guest cannot finish the checksum: do it here.
        if (gso !== VIRTIO_NET_HDR_GSO_NONE) return false;
        finishChecksum(frame, start, start + csumOff);
        flags &= ~VIRTIO_NET_HDR_F_NEEDS_CSUM;
      }
    }
    if (!this.guestCsum) flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
    h[0] = flags;
    return true;
  }

  /** Writes header and frame into the guest's buffers. */
  private place(queue: VirtQueue, frame: Uint8Array): 'ok' | 'dropped' | 'wait' {
    const total = GUEST_HDR_LEN + frame.length;
    const chains = this.rxChains;
    const fill = this.rxFill;
    chains.length = 0;
    // Where the TCP payload starts in the frame (-1: not TCP or unknown). A frame spread over
    // several buffers is cut so that each later buffer starts on the same 8-byte phase of the
    // payload as its address: the guest's copy to user space then moves whole aligned words
    // instead of shifting every word (half the guest instructions per byte received).
    const payload = this.mergeable && total > 2048 ? this.payloadOffset(frame) : -1;
    let room = 0;
    while (room < total) {
      const c = queue.pop();
      if (!c) {
        for (let i = 0; i < chains.length; i++) queue.undoPop();
        return 'wait';
      }
      if (c.writableLength === 0) {
        // A receive buffer the device cannot write to: the driver broke the protocol.
        queue.fail('virtio-net receive buffer with no writable descriptor');
        return 'wait';
      }
      const k = chains.length;
      chains.push(c);
      fill[k] = c.writableLength;
      if (k > 0 && payload >= 0) {
        // Frame bytes in buffers before this one, if the previous one is filled up.
        const before = room - GUEST_HDR_LEN;
        const shave = (before - payload - c.writable[0].addr) & 7;
        if (fill[k - 1] - shave > GUEST_HDR_LEN) {
          fill[k - 1] -= shave;
          room -= shave;
        }
      }
      room += fill[k];
      if (!this.mergeable) break;
      if (chains.length >= queue.size) break;
    }
    if (room < total) {
      // Too big for what the guest posts (no mergeable buffers, or a hostile layout).
      for (let i = 0; i < chains.length; i++) queue.undoPop();
      return 'dropped';
    }
    this.rxHdrView.setUint16(10, chains.length, true);
    let pos = 0; // position in header+frame
    for (let k = 0; k < chains.length; k++) {
      const c = chains[k];
      const cap = fill[k];
      let w = 0;
      if (pos < GUEST_HDR_LEN) {
        w = c.write(0, this.rxHdr.subarray(pos));
        pos += w;
      }
      if (pos >= GUEST_HDR_LEN) {
        const from = pos - GUEST_HDR_LEN;
        const n = c.write(w, frame.subarray(from, Math.min(frame.length, from + cap - w)));
        pos += n;
        w += n;
      }
      queue.addUsed(c.head, w);
    }
    return 'ok';
  }

  /** Offset of the TCP payload in an Ethernet frame (IPv4 or IPv6, no VLAN), or -1. */
  private payloadOffset(f: Uint8Array): number {
    const type = (f[12] << 8) | f[13];
    let l4: number;
    if (type === 0x0800) {
      if (f[ETH_HLEN + 9] !== 6) return -1;
      l4 = ETH_HLEN + (f[ETH_HLEN] & 15) * 4;
    } else if (type === 0x86dd) {
      if (f[ETH_HLEN + 6] !== 6) return -1;
      l4 = ETH_HLEN + 40;
    } else return -1;
    if (l4 + 20 > f.length) return -1;
    return l4 + (f[l4 + 12] >> 4) * 4;
  }
}
