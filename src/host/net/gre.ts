// transport=gre: Ethernet over GRE (GRETAP, RFC 2784/2890) on a raw IP socket,
// interoperable with a Linux gretap interface and with UML (spec §3.5): optional key
// (rx_key and tx_key both), optional sequence numbers, no checksums.

import type { VecConfig } from './spec.js';
import { NetOpenError } from './common.js';
import { flag, inetAddress, ipv4HeaderLength, openTunnel, u32Option } from './inet.js';
import type { DatagramPump, Encapsulation } from './pump.js';

const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;
const ETH_P_TEB = 0x6558;
const IPPROTO_GRE = 47;

export interface GreParams {
  v6: boolean;
  key?: { rx: number; tx: number };
  sequence: boolean;
  pinSequence: boolean;
}

export class GreEncap implements Encapsulation {
  readonly txHeader: number;
  readonly rxOverhead: number;
  private readonly flags: number;
  private seq = 0;

  constructor(private readonly p: GreParams) {
    this.flags = (p.key ? GRE_KEY : 0) | (p.sequence ? GRE_SEQ : 0);
    this.txHeader = 4 + (p.key ? 4 : 0) + (p.sequence ? 4 : 0);
    this.rxOverhead = this.txHeader + (p.v6 ? 0 : 60);
  }

  encap(buf: Uint8Array, at: number, _len: number): void {
    const h = at - this.txHeader;
    put16(buf, h, this.flags);
    put16(buf, h + 2, ETH_P_TEB);
    let o = h + 4;
    if (this.p.key) {
      put32(buf, o, this.p.key.tx);
      o += 4;
    }
    if (this.p.sequence) {
      this.seq = this.p.pinSequence ? 0 : (this.seq + 1) >>> 0;
      put32(buf, o, this.seq);
    }
  }

  decap(buf: Uint8Array, off: number, len: number): number {
    const ip = this.p.v6 ? 0 : ipv4HeaderLength(buf, off, len);
    if (ip < 0 || len < ip + this.txHeader) return -1;
    const h = off + ip;
    // The header must be exactly the one we send: same K and S bits, TEB, version 0.
    if (get16(buf, h) !== this.flags || get16(buf, h + 2) !== ETH_P_TEB) return -1;
    if (this.p.key && get32(buf, h + 4) !== this.p.key.rx) return -1;
    return ip + this.txHeader;
  }
}

export function greParams(name: string, c: VecConfig): GreParams {
  const rx = u32Option(c, 'rx_key');
  const tx = u32Option(c, 'tx_key');
  if (c.options.has('rx_key') && rx === undefined) throw new NetOpenError(`${name}: gre: cannot parse rx_key=${c.options.get('rx_key')}`);
  if (c.options.has('tx_key') && tx === undefined) throw new NetOpenError(`${name}: gre: cannot parse tx_key=${c.options.get('tx_key')}`);
  // As UML: rx_key alone cannot work; tx_key alone is ignored.
  if (rx !== undefined && tx === undefined) throw new NetOpenError(`${name}: gre: rx_key= needs tx_key= too`);
  return {
    v6: flag(c, 'v6'),
    key: rx !== undefined && tx !== undefined ? { rx, tx } : undefined,
    sequence: flag(c, 'sequence'),
    pinSequence: flag(c, 'pin_sequence'),
  };
}

export function openGre(name: string, c: VecConfig, log: (line: string) => void): DatagramPump {
  const p = greParams(name, c);
  const src = inetAddress(name, 'src', c.options.get('src'), p.v6);
  const dst = inetAddress(name, 'dst', c.options.get('dst'), p.v6);
  return openTunnel(name, c, { kind: 'raw', protocol: IPPROTO_GRE, v6: p.v6, src, dst }, new GreEncap(p), log);
}

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >> 8;
  b[o + 1] = v & 0xff;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
export function get16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
export function get32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
