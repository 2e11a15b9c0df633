// A capture tap on a NIC's path (as QEMU's net/dump.c): a NetBackend that hands every frame
// to the real backend and also appends it to a pcap file, both ways, after any virtio-net
// header is stripped. The transport and the device know nothing of it. tuml's own vec option
// `pcap=FILE` puts one in front of a transport.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { NetBackend, NetPort } from '../../virtio/net.js';

/** What the virtio-net header adds in front of each frame on header-carrying transports. */
const VNET_HDR = 10;
const SNAPLEN = 65535;
const LINKTYPE_ETHERNET = 1;

export class PcapDump implements NetBackend {
  private readonly fd: number;
  private readonly rec = new Uint8Array(16);
  private readonly recView = new DataView(this.rec.buffer);
  private broken = false;

  constructor(
    private readonly inner: NetBackend & { close(): void },
    file: string,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.fd = openSync(file, 'w', 0o600);
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, 0xa1b2c3d4, true);
    h.setUint16(4, 2, true);
    h.setUint16(6, 4, true);
    h.setUint32(16, SNAPLEN, true);
    h.setUint32(20, LINKTYPE_ETHERNET, true);
    writeSync(this.fd, new Uint8Array(h.buffer));
  }

  get vnetHeader(): boolean {
    return this.inner.vnetHeader;
  }

  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    const n = this.inner.send(buf, offs, lens, count);
    this.record(buf, offs, lens, n);
    return n;
  }

  attach(port: NetPort): void {
    this.inner.attach({
      deliver: (buf, offs, lens, count) => {
        const n = port.deliver(buf, offs, lens, count);
        this.record(buf, offs, lens, n);
        return n;
      },
      canReceive: () => port.canReceive(),
      txSpace: () => port.txSpace(),
      setLink: (up) => port.setLink(up),
    });
  }

  rxSpace(): void {
    this.inner.rxSpace();
  }

  setOffloads(csum: boolean, tso4: boolean, tso6: boolean): void {
    this.inner.setOffloads?.(csum, tso4, tso6);
  }

  close(): void {
    this.inner.close();
    closeSync(this.fd);
  }

  private record(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): void {
    if (this.broken) return;
    const skip = this.inner.vnetHeader ? VNET_HDR : 0;
    const t = this.now();
    try {
      for (let i = 0; i < count; i++) {
        if (lens[i] <= skip) continue;
        const frame = buf.subarray(offs[i] + skip, offs[i] + lens[i]);
        const caplen = Math.min(frame.length, SNAPLEN);
        const v = this.recView;
        v.setUint32(0, Math.floor(t / 1000), true);
        v.setUint32(4, Math.floor((t % 1000) * 1000), true);
        v.setUint32(8, caplen, true);
        v.setUint32(12, frame.length, true);
        writeSync(this.fd, this.rec);
        writeSync(this.fd, frame, 0, caplen);
      }
    } catch {
      this.broken = true; // a full disk stops the capture, never the NIC
    }
  }
}
