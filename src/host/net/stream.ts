// A NIC backend over a byte stream to a helper program (slirp's SLIP line, passt's QEMU
// socket): frames are framed by a codec, many per read() and write(). Transmit bytes the
// stream cannot take yet wait in a bounded queue (the NIC is told to hold back past it);
// received frames the guest cannot take yet wait until it posts buffers. The stream's end
// (the helper exited or closed it) is one line and the carrier goes down.

import type { NetBackend, NetPort } from '../../virtio/net.js';
import * as native from '../native/index.js';
import { type FdWatch, hostReactor } from '../io/reactor.js';

export interface StreamCodec {
  /** Appends the wire form of one guest frame (plain Ethernet) through `put`; may answer the guest itself through `reply`. */
  encode(frame: Uint8Array, put: (bytes: Uint8Array) => void, reply: (frame: Uint8Array) => void): void;
  /** Takes received bytes; calls `frame` for every complete guest frame (plain Ethernet, at most `maxFrame` bytes). */
  decode(data: Uint8Array, frame: (f: Uint8Array) => void): void;
}

/** Transmit bytes queued before the NIC is asked to wait. */
const TX_HIGH = 1 << 20;
const RX_CHUNK = 1 << 18;
/** Received frames held for the guest before reading stops. */
const RX_HELD = 256;

export class StreamBackend implements NetBackend {
  readonly vnetHeader = false;
  private port: NetPort | undefined;
  private out = new Uint8Array(TX_HIGH + 70000);
  private outLen = 0;
  private txWaiting = false;
  private readonly rxChunk = new Uint8Array(RX_CHUNK);
  /** Frames for the guest, packed into one buffer. */
  private held = new Uint8Array(RX_HELD * 1600);
  private heldLen = 0;
  private readonly offs = new Int32Array(RX_HELD);
  private readonly lens = new Int32Array(RX_HELD);
  private count = 0;
  private next = 0;
  private readonly watch: FdWatch;
  private want = { r: false, w: false };
  private closed = false;
  private ended = false;

  constructor(
    private readonly name: string,
    private readonly fd: number,
    private readonly codec: StreamCodec,
    private readonly log: (line: string) => void,
    private readonly onClose: () => void,
    /** What the other end is, for the line when it goes away. */
    private readonly peer: string,
  ) {
    this.watch = hostReactor.watch(fd, (r, w, err) => this.ready(r, w, err));
  }

  attach(port: NetPort): void {
    this.port = port;
    this.setWant(true, this.outLen > 0);
  }

  rxSpace(): void {
    if (this.closed || this.ended) return;
    hostReactor.after(0, () => {
      if (!this.closed) this.deliver() && this.setWant(true, this.want.w);
    });
  }

  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed || this.ended) return count;
    let i = 0;
    for (; i < count && this.outLen < TX_HIGH; i++) {
      this.codec.encode(buf.subarray(offs[i], offs[i] + lens[i]), this.put, this.reply);
    }
    this.flush();
    if (i < count) {
      this.txWaiting = true;
      this.setWant(this.want.r, true);
    }
    return i;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    native.close(this.fd);
    this.onClose();
  }

  /** The helper is gone (the caller saw it exit): one line, carrier down. */
  end(why: string): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.log(`${this.name}: ${why}; link down`);
    this.setWant(false, false);
    this.port?.setLink(false);
  }

  private readonly put = (bytes: Uint8Array): void => {
    if (this.outLen + bytes.length > this.out.length) {
      const bigger = new Uint8Array(Math.max(this.out.length * 2, this.outLen + bytes.length));
      bigger.set(this.out.subarray(0, this.outLen));
      this.out = bigger;
    }
    this.out.set(bytes, this.outLen);
    this.outLen += bytes.length;
  };

  /** A frame the codec answers itself (slirp's ARP replies). */
  private readonly reply = (frame: Uint8Array): void => {
    this.hold(frame);
    hostReactor.after(0, () => !this.closed && this.deliver());
  };

  private flush(): void {
    if (this.outLen === 0) return;
    const n = native.write(this.fd, this.out, 0, this.outLen);
    if (n === -native.errno.EAGAIN) return this.setWant(this.want.r, true);
    if (n < 0) {
      this.outLen = 0;
      return this.end(`writing to ${this.peer} failed (${native.errnoName(n)})`);
    }
    this.out.copyWithin(0, n, this.outLen);
    this.outLen -= n;
    this.setWant(this.want.r, this.outLen > 0);
  }

  private ready(readable: boolean, writable: boolean, err: number): void {
    if (this.closed || this.ended) return;
    if (writable || err) {
      this.flush();
      if (this.txWaiting && this.outLen < TX_HIGH) {
        this.txWaiting = false;
        this.port?.txSpace();
      }
    }
    if (readable || err) this.receive();
  }

  private receive(): void {
    for (let round = 0; round < 8; round++) {
      if (!this.deliver()) return this.setWant(false, this.want.w);
      const n = native.read(this.fd, this.rxChunk);
      if (n === -native.errno.EAGAIN) break;
      if (n <= 0) return this.end(n === 0 ? `${this.peer} closed the connection` : `reading from ${this.peer} failed (${native.errnoName(n)})`);
      this.codec.decode(this.rxChunk.subarray(0, n), this.hold);
      if (n < RX_CHUNK) {
        this.deliver();
        break;
      }
    }
    this.setWant(true, this.want.w);
  }

  private readonly hold = (f: Uint8Array): void => {
    if (this.count === RX_HELD || this.heldLen + f.length > this.held.length) {
      // The guest is behind: hand over what it can take; drop what still does not fit, as a full queue would.
      this.deliver();
      if (this.count === RX_HELD || this.heldLen + f.length > this.held.length) return;
    }
    this.held.set(f, this.heldLen);
    this.offs[this.count] = this.heldLen;
    this.lens[this.count] = f.length;
    this.heldLen += f.length;
    this.count++;
  };

  /** Offers the held frames; true when none is left. */
  private deliver(): boolean {
    const port = this.port;
    if (!port || this.next === this.count) return this.next === this.count;
    const left = this.count - this.next;
    const k = port.deliver(this.held, this.offs.subarray(this.next), this.lens.subarray(this.next), left);
    this.next += k;
    if (this.next < this.count) return false;
    this.next = this.count = this.heldLen = 0;
    return true;
  }

  private setWant(r: boolean, w: boolean): void {
    if (this.closed || (this.want.r === r && this.want.w === w)) return;
    this.want = { r, w };
    this.watch.want(r, w);
  }
}
