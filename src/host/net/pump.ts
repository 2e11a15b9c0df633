// The datagram pump shared by every vector transport (UML's vector_transports.c
// split): it moves batches of frames between host descriptors and a NIC with one
// system call per batch (recvmmsg/sendmmsg, or a read/write loop for a tap), and a
// transport only adds or strips its encapsulation through an Encapsulation.

import type { NetBackend, NetPort } from '../../virtio/net.js';
import { MAX_FRAME, TX_HEADROOM, VNET_HDR_LEN } from '../../virtio/net.js';
import * as native from '../native/index.js';
import { type FdWatch, hostReactor } from '../io/reactor.js';

const EAGAIN = -native.errno.EAGAIN;
/** Batches per readiness callback, so a flood cannot starve the CPU. */
const RX_ROUNDS = 8;
/**
 * How long after the last received frame the machine's run loop, before letting an idle guest
 * sleep, tries one more read (EAGAIN when there is nothing) instead of waiting for the event
 * loop to report the descriptor readable.
 */
const BUSY_POLL_MS = 20;

/** A transport's framing around each Ethernet frame. */
export interface Encapsulation {
  /** Bytes the transport puts before each transmitted frame (at most TX_HEADROOM). */
  readonly txHeader: number;
  /** Writes the header into buf[at - txHeader, at) for a frame of `len` bytes at `at`. */
  encap(buf: Uint8Array, at: number, len: number): void;
  /** Most bytes a received datagram carries before its frame. */
  readonly rxOverhead: number;
  /** Checks a received datagram; returns the bytes to strip before the frame, or -1 to drop it. */
  decap(buf: Uint8Array, off: number, len: number): number;
}

export interface PumpOptions {
  /** For messages: `vec0`. */
  name: string;
  rxFd: number;
  txFd: number;
  /** 'socket': recvmmsg/sendmmsg; 'file': one read()/write() per frame (tap). */
  io: 'socket' | 'file';
  /** Transmit side's kind when it differs (hybrid: tap out, raw socket in). */
  txIo?: 'socket' | 'file';
  vnetHeader: boolean;
  /** Frames per system call (UML's depth); 1 with vec=0. */
  depth: number;
  /** Receive slot size: 64 KiB frames with gro, else the MTU's. */
  gro: boolean;
  mtu: number;
  encap?: Encapsulation;
  log: (line: string) => void;
  /** The offloads the guest accepted (tap: TUNSETOFFLOAD). */
  setOffloads?: (csum: boolean, tso4: boolean, tso6: boolean) => void;
  /** Closes the descriptors and anything else the transport holds. */
  close: () => void;
}

export interface PumpStats {
  /** Datagrams whose encapsulation was wrong (bad key, cookie, counter, header). */
  rxEncapErrors: number;
  /** Datagrams longer than a receive slot. */
  rxTruncated: number;
  /** Frames the host refused for good (counted, then dropped). */
  txErrors: number;
}

export class DatagramPump implements NetBackend {
  readonly vnetHeader: boolean;
  readonly stats: PumpStats = { rxEncapErrors: 0, rxTruncated: 0, txErrors: 0 };
  private port: NetPort | undefined;
  private readonly depth: number;
  private readonly slot: number;
  private readonly rxBuf: Uint8Array;
  private readonly rxOffs: Int32Array;
  private readonly rxLens: Int32Array;
  /** Frames received but not yet taken by the guest: rxOffs/rxLens [rxNext, rxCount). */
  private rxNext = 0;
  private rxCount = 0;
  private rxWaiting = false;
  private readonly txOffs: Int32Array;
  private readonly txLens: Int32Array;
  private readonly pollers = new Map<number, { p: FdWatch; r: boolean; w: boolean }>();
  private closed = false;
  private reported = new Set<string>();
  /** When the last batch brought frames (performance.now()). */
  private lastRx = -Infinity;
  private delivered = 0;
  private readonly unpoll: () => void;

  constructor(private readonly o: PumpOptions) {
    this.vnetHeader = o.vnetHeader;
    this.depth = Math.max(1, Math.min(o.depth, 1024));
    const hdr = (o.vnetHeader ? VNET_HDR_LEN : 0) + (o.encap?.rxOverhead ?? 0);
    // UML's sizes: 64 KiB with GRO, else the MTU plus slack for VLAN tags and headers.
    this.slot = ((o.gro ? MAX_FRAME : o.mtu + 14 + 32) + hdr + 7) & ~7;
    this.rxBuf = new Uint8Array(this.slot * this.depth);
    this.rxOffs = new Int32Array(this.depth);
    this.rxLens = new Int32Array(this.depth);
    this.txOffs = new Int32Array(this.depth);
    this.txLens = new Int32Array(this.depth);
    for (const fd of new Set([o.rxFd, o.txFd])) {
      const entry = { p: hostReactor.watch(fd, (r, w, err) => this.ready(fd, err, r, w)), r: false, w: false };
      this.pollers.set(fd, entry);
    }
    this.unpoll = hostReactor.addPoller(() => this.busyPoll());
  }

  /** From the machine's run loop: receives now while traffic is flowing; true if frames went in. */
  private busyPoll(): boolean {
    if (this.closed || this.rxWaiting || !this.port || performance.now() - this.lastRx > BUSY_POLL_MS) return false;
    const before = this.delivered;
    this.receive();
    return this.delivered !== before;
  }

  attach(port: NetPort): void {
    this.port = port;
    this.rxWaiting = false;
    this.watch(this.o.rxFd, 'r', true);
  }

  setOffloads(csum: boolean, tso4: boolean, tso6: boolean): void {
    this.o.setOffloads?.(csum, tso4, tso6);
  }

  rxSpace(): void {
    if (this.closed || !this.rxWaiting) return;
    this.rxWaiting = false;
    // Out of the guest's register access: deliver from the event loop.
    hostReactor.after(0, () => {
      if (this.closed) return;
      this.receive();
    });
  }

  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed) return count;
    const n = Math.min(count, this.depth);
    let o = offs;
    let l = lens;
    const e = this.o.encap;
    if (e) {
      for (let i = 0; i < n; i++) {
        e.encap(buf, offs[i], lens[i]);
        this.txOffs[i] = offs[i] - e.txHeader;
        this.txLens[i] = lens[i] + e.txHeader;
      }
      o = this.txOffs;
      l = this.txLens;
    }
    const r = (this.o.txIo ?? this.o.io) === 'socket' ? native.sendMany(this.o.txFd, buf, o, l, n) : native.writeMany(this.o.txFd, buf, o, l, n);
    if (r >= 0) {
      if (r < count) this.watch(this.o.txFd, 'w', true);
      return r;
    }
    if (r === EAGAIN) {
      this.watch(this.o.txFd, 'w', true);
      return 0;
    }
    // The first frame was refused for good (no route, refused, too big, no buffers): drop it,
    // as a wire would, and let the rest go on the next call.
    this.stats.txErrors++;
    this.report(`transmit failed: ${native.errnoName(r)}`);
    if (count > 1) this.watch(this.o.txFd, 'w', true);
    return 1;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unpoll();
    for (const { p } of this.pollers.values()) p.close();
    this.pollers.clear();
    this.o.close();
  }

  private watch(fd: number, dir: 'r' | 'w', on: boolean): void {
    const e = this.pollers.get(fd);
    if (!e || e[dir] === on) return;
    e[dir] = on;
    e.p.want(e.r, e.w);
  }

  private ready(fd: number, err: number, readable: boolean, writable: boolean): void {
    if (this.closed) return;
    if (err) {
      // libuv stops the handle on POLLERR. A socket's pending error (an ICMP error for a
      // tunnel whose peer is not up yet) is taken and counted, and the watch goes on.
      const e = this.pollers.get(fd);
      const soErr = native.sockError(fd);
      if (soErr > 0 && e) {
        this.stats.txErrors++;
        this.report(`peer error: ${native.errnoName(-soErr)}`);
        e.p.want(e.r, e.w);
        return;
      }
      this.report(`host socket error: ${native.errnoName(-err)}`);
      this.watch(fd, 'r', false);
      this.watch(fd, 'w', false);
      return;
    }
    if (writable && fd === this.o.txFd) {
      this.watch(fd, 'w', false);
      this.port?.txSpace();
    }
    if (readable && fd === this.o.rxFd) this.receive();
  }

  private receive(): void {
    const port = this.port;
    if (!port) return;
    for (let round = 0; round < RX_ROUNDS; round++) {
      if (this.rxNext < this.rxCount) {
        if (!this.deliverPending(port)) return;
        continue;
      }
      if (!port.canReceive()) return this.waitForSpace();
      const n = this.recvBatch();
      if (n <= 0) break;
      this.rxNext = 0;
      this.rxCount = n;
      if (!this.deliverPending(port)) return;
      if (n < this.depth) break;
    }
    this.watch(this.o.rxFd, 'r', true);
  }

  /** Offers the frames not taken yet; false when the guest ran out of buffers. */
  private deliverPending(port: NetPort): boolean {
    const from = this.rxNext;
    const left = this.rxCount - from;
    const k = from === 0
      ? port.deliver(this.rxBuf, this.rxOffs, this.rxLens, left)
      : port.deliver(this.rxBuf, this.rxOffs.subarray(from), this.rxLens.subarray(from), left);
    this.rxNext += k;
    this.delivered += k;
    if (k < left) {
      this.waitForSpace();
      return false;
    }
    return true;
  }

  private waitForSpace(): void {
    this.rxWaiting = true;
    this.watch(this.o.rxFd, 'r', false);
  }

  /** One batch from the host, encapsulation stripped; bad datagrams get length -1. */
  private recvBatch(): number {
    const { rxBuf, rxOffs, rxLens, slot } = this;
    for (let i = 0; i < this.depth; i++) {
      rxOffs[i] = i * slot;
      rxLens[i] = slot;
    }
    const n = this.o.io === 'socket'
      ? native.recvMany(this.o.rxFd, rxBuf, rxOffs, rxLens, this.depth)
      : native.readMany(this.o.rxFd, rxBuf, rxOffs, rxLens, this.depth);
    if (n < 0) {
      if (n !== EAGAIN) this.report(`receive failed: ${native.errnoName(n)}`);
      return 0;
    }
    if (n > 0) this.lastRx = performance.now();
    const e = this.o.encap;
    for (let i = 0; i < n; i++) {
      if (rxLens[i] < 0) {
        this.stats.rxTruncated++;
        continue;
      }
      if (!e) continue;
      const strip = e.decap(rxBuf, rxOffs[i], rxLens[i]);
      if (strip < 0 || strip > rxLens[i]) {
        this.stats.rxEncapErrors++;
        rxLens[i] = -1;
        continue;
      }
      rxOffs[i] += strip;
      rxLens[i] -= strip;
    }
    return n;
  }

  /** Each distinct host error once, so a flood of failures is one line. */
  private report(msg: string): void {
    if (this.reported.has(msg)) return;
    this.reported.add(msg);
    this.o.log(`${this.o.name}: ${msg}`);
  }
}

export { TX_HEADROOM };
