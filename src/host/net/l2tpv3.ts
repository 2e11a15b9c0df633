// transport=l2tpv3: a static Ethernet pseudowire over L2TPv3 (RFC 3931), over UDP
// (udp=1) or straight over IP (protocol 115), interoperable with `ip l2tp` and UML
// (spec §3.6): fixed sessions, optional 32/64-bit cookies, an optional plain counter.

import type { VecConfig } from './spec.js';
import { NetOpenError } from './common.js';
import { get32, put32 } from './gre.js';
import { flag, inetAddress, ipv4HeaderLength, openTunnel, u32Option } from './inet.js';
import type { DatagramPump, Encapsulation } from './pump.js';

const IPPROTO_L2TP = 115;

export interface L2tpParams {
  udp: boolean;
  v6: boolean;
  rxSession: number;
  txSession: number;
  /** Cookies as 4 or 8 bytes, both or neither. */
  cookie?: { rx: Uint8Array; tx: Uint8Array };
  counter: boolean;
  pinCounter: boolean;
}

export class L2tpEncap implements Encapsulation {
  readonly txHeader: number;
  readonly rxOverhead: number;
  private readonly sessionAt: number;
  private readonly cookieAt: number;
  private readonly counterAt: number;
  private count = 0;

  constructor(private readonly p: L2tpParams) {
    this.sessionAt = p.udp ? 4 : 0;
    this.cookieAt = this.sessionAt + 4;
    this.counterAt = this.cookieAt + (p.cookie?.tx.length ?? 0);
    this.txHeader = this.counterAt + (p.counter ? 4 : 0);
    this.rxOverhead = this.txHeader + (!p.udp && !p.v6 ? 60 : 0);
  }

  encap(buf: Uint8Array, at: number, _len: number): void {
    const h = at - this.txHeader;
    if (this.p.udp) put32(buf, h, 0x0003_0000); // data message, version 3
    put32(buf, h + this.sessionAt, this.p.txSession);
    if (this.p.cookie) buf.set(this.p.cookie.tx, h + this.cookieAt);
    if (this.p.counter) {
      this.count = this.p.pinCounter ? 0 : (this.count + 1) >>> 0;
      put32(buf, h + this.counterAt, this.count);
    }
  }

  decap(buf: Uint8Array, off: number, len: number): number {
    const ip = this.p.udp || this.p.v6 ? 0 : ipv4HeaderLength(buf, off, len);
    if (ip < 0 || len < ip + this.txHeader) return -1;
    const h = off + ip;
    const c = this.p.cookie;
    if (c) {
      for (let i = 0; i < c.rx.length; i++) if (buf[h + this.cookieAt + i] !== c.rx[i]) return -1;
    }
    if (get32(buf, h + this.sessionAt) !== this.p.rxSession) return -1;
    return ip + this.txHeader;
  }
}

/** A cookie option as big-endian bytes (the value as UML's strtoull reads it). */
function cookieBytes(name: string, key: string, text: string, wide: boolean): Uint8Array {
  let v: bigint;
  try {
    if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(text)) throw new Error();
    v = /^0[0-7]+$/.test(text) ? BigInt(`0o${text.slice(1)}`) : BigInt(text);
  } catch {
    throw new NetOpenError(`${name}: l2tpv3: cannot parse ${key}=${text}`);
  }
  const n = wide ? 8 : 4;
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function l2tpParams(name: string, c: VecConfig): L2tpParams {
  const rxSession = u32Option(c, 'rx_session');
  const txSession = u32Option(c, 'tx_session');
  if (rxSession === undefined || txSession === undefined) {
    throw new NetOpenError(`${name}: l2tpv3: rx_session= and tx_session= are required (C integers)`);
  }
  const rxc = c.options.get('rx_cookie');
  const txc = c.options.get('tx_cookie');
  if ((rxc === undefined) !== (txc === undefined)) throw new NetOpenError(`${name}: l2tpv3: rx_cookie= and tx_cookie= go together`);
  const wide = flag(c, 'cookie64');
  return {
    udp: flag(c, 'udp'),
    v6: flag(c, 'v6'),
    rxSession,
    txSession,
    cookie: rxc !== undefined && txc !== undefined
      ? { rx: cookieBytes(name, 'rx_cookie', rxc, wide), tx: cookieBytes(name, 'tx_cookie', txc, wide) }
      : undefined,
    counter: flag(c, 'counter'),
    pinCounter: flag(c, 'pin_counter'),
  };
}

function port(name: string, c: VecConfig, key: string): number {
  const v = c.options.get(key);
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new NetOpenError(`${name}: l2tpv3: udp=1 needs ${key}= (a port number)`);
  }
  return Number(v);
}

export function openL2tpv3(name: string, c: VecConfig, log: (line: string) => void): DatagramPump {
  const p = l2tpParams(name, c);
  const src = inetAddress(name, 'src', c.options.get('src'), p.v6);
  const dst = inetAddress(name, 'dst', c.options.get('dst'), p.v6);
  const sock = p.udp
    ? { kind: 'udp' as const, protocol: 17, v6: p.v6, src, dst, srcPort: port(name, c, 'srcport'), dstPort: port(name, c, 'dstport') }
    : { kind: 'raw' as const, protocol: IPPROTO_L2TP, v6: p.v6, src, dst };
  return openTunnel(name, c, sock, new L2tpEncap(p), log);
}
