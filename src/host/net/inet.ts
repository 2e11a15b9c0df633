// IP sockets for the tunnel transports (gre, l2tpv3): addresses from src=/dst=,
// a socket bound to the local end and connected to the remote one, so the host
// kernel filters out every other sender before a datagram reaches us.

import { isIPv4, isIPv6 } from 'node:net';
import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode, isPermission, privilegeError } from './common.js';
import { DatagramPump, type Encapsulation } from './pump.js';

/** An address literal as bytes: 4 for IPv4, 16 for IPv6 (v6=1). */
export function inetAddress(name: string, key: string, text: string | undefined, v6: boolean): Uint8Array {
  if (text === undefined) throw new NetOpenError(`${name}: ${key}= is required for this transport`);
  if (!v6) {
    if (!isIPv4(text)) throw new NetOpenError(`${name}: ${key}=${text} is not an IPv4 address (v6=1 for IPv6)`);
    return Uint8Array.from(text.split('.').map(Number));
  }
  if (!isIPv6(text)) throw new NetOpenError(`${name}: ${key}=${text} is not an IPv6 address`);
  return ipv6Bytes(text);
}

function ipv6Bytes(text: string): Uint8Array {
  let t = text;
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two groups.
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (m) {
    const b = m[2].split('.').map(Number);
    t = `${m[1]}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** "> 0 means on", as UML reads these flags. */
export function flag(c: VecConfig, key: string): boolean {
  const v = c.options.get(key);
  return v !== undefined && /^\d+$/.test(v) && Number(v) > 0;
}

/** A C integer literal (strtoul/strtol with base 0, as UML parses keys and sessions), as a u32. */
export function u32Option(c: VecConfig, key: string): number | undefined {
  const v = c.options.get(key);
  if (v === undefined) return undefined;
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(v);
  if (!m) return undefined;
  let n = m[2].startsWith('0x') || m[2].startsWith('0X') ? parseInt(m[2].slice(2), 16) : m[2].length > 1 && m[2][0] === '0' ? parseInt(m[2], 8) : Number(m[2]);
  if (m[1]) n = -n;
  return n >>> 0;
}

export interface TunnelSocket {
  /** 'raw' sockets for IP protocols (gre 47, l2tpv3 115), 'udp' for l2tpv3 over UDP. */
  kind: 'raw' | 'udp';
  protocol: number;
  v6: boolean;
  src: Uint8Array;
  dst: Uint8Array;
  srcPort?: number;
  dstPort?: number;
}

/** Opens, binds and connects the tunnel's socket; wraps it in a pump with the encapsulation. */
export function openTunnel(name: string, c: VecConfig, s: TunnelSocket, encap: Encapsulation, log: (line: string) => void): DatagramPump {
  const family = s.v6 ? native.AF_INET6 : native.AF_INET;
  let fd: number;
  try {
    fd = s.kind === 'raw' ? native.socket(family, native.SOCK_RAW, s.protocol) : native.socket(family, native.SOCK_DGRAM, 0);
  } catch (e) {
    if (isPermission(e)) throw privilegeError(name, `a raw IP socket (protocol ${s.protocol})`, 'CAP_NET_RAW');
    throw new NetOpenError(`${name}: socket: ${errorCode(e)}`);
  }
  try {
    native.bindInet(fd, s.src, s.srcPort ?? 0);
    native.connectInet(fd, s.dst, s.dstPort ?? 0);
  } catch (e) {
    native.close(fd);
    const err = e as { syscall?: string };
    throw new NetOpenError(`${name}: ${err.syscall ?? 'bind'} ${err.syscall === 'connect' ? 'to dst' : 'to src'}: ${errorCode(e)}`);
  }
  return new DatagramPump({
    name, rxFd: fd, txFd: fd, io: 'socket', vnetHeader: false,
    depth: c.multi ? c.depth : 1, gro: false, mtu: c.mtu, encap, log,
    close: () => native.close(fd),
  });
}

/** Bytes to skip before the tunnel header: the IPv4 header a raw IPv4 socket delivers. */
export function ipv4HeaderLength(buf: Uint8Array, off: number, len: number): number {
  if (len < 20 || buf[off] >> 4 !== 4) return -1;
  const ihl = (buf[off] & 0x0f) * 4;
  return ihl < 20 || ihl > len ? -1 : ihl;
}
