// eth<N>=mcast and eth<N>=ucast (UML's umcast): every Ethernet frame is one UDP datagram,
// no header. mcast: a socket bound to group:port with address reuse joins the group and
// receives what every member sends (multicast loopback on, so instances on one host hear each
// other); ucast: bound to the local port, connected to the remote address:port, so the host
// kernel drops every other sender. Sending goes through a socket connected to the
// destination, so sendmmsg needs no addresses. Frames with our own source MAC (our own
// multicasts coming back) are dropped.

import { isIPv4 } from 'node:net';
import type { EthSettings } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, deepenBuffers, errorCode } from './common.js';
import { DatagramPump, type Encapsulation } from './pump.js';
import { defaultFilter } from './raw.js';

type Umcast = Extract<EthSettings, { kind: 'mcast' | 'ucast' }>;

const ANY = new Uint8Array(4);

function ipv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

/** Drops our own frames (the group loops them back to us). */
function ownFrameFilter(mac: Uint8Array): Encapsulation {
  return {
    txHeader: 0,
    encap() {},
    rxOverhead: 0,
    decap(buf, off, len) {
      if (len < 14) return -1;
      for (let i = 0; i < 6; i++) if (buf[off + 6 + i] !== mac[i]) return 0;
      return -1;
    },
  };
}

export function openUmcast(name: string, s: Umcast, mac: Uint8Array, log: (line: string) => void): DatagramPump {
  const K = native.netConstants;
  const mcast = s.kind === 'mcast';
  if (!isIPv4(s.addr)) {
    throw new NetOpenError(`${name}: ${s.kind}: ${s.addr === '' ? 'the remote address is required' : `'${s.addr}' is not an IPv4 address`}`);
  }
  const addr = ipv4(s.addr);
  if (mcast && (addr[0] & 0xf0) !== 0xe0) throw new NetOpenError(`${name}: mcast: ${s.addr} is not a multicast group`);
  const rx = native.socket(native.AF_INET, native.SOCK_DGRAM);
  let tx = -1;
  const fail = (msg: string): never => {
    native.close(rx);
    if (tx >= 0) native.close(tx);
    throw new NetOpenError(`${name}: ${msg}`);
  };
  try {
    native.setSockOptInt(rx, K.SOL_SOCKET, K.SO_REUSEADDR, 1);
    native.bindInet(rx, mcast ? addr : ANY, s.lport);
  } catch (e) {
    fail(`${s.kind}: bind to ${mcast ? s.addr : '0.0.0.0'}:${s.lport} failed (${errorCode(e)})`);
  }
  if (mcast) {
    const mreq = new Uint8Array(8);
    mreq.set(addr, 0);
    try {
      native.setSockOptBytes(rx, K.IPPROTO_IP, K.IP_ADD_MEMBERSHIP, mreq);
    } catch (e) {
      fail(`There appears not to be a multicast-capable network interface on the host (joining ${s.addr}: ${errorCode(e)})`);
    }
    // Our own frames come back through the group: the kernel drops them before they take
    // buffer space or a copy (the filter sees the UDP header, then the frame).
    try {
      native.attachFilter(rx, defaultFilter(mac, 8));
    } catch {}
    // Connected to the group, sends need no addresses; the receiving socket takes every sender.
    tx = native.socket(native.AF_INET, native.SOCK_DGRAM);
    try {
      native.setSockOptInt(tx, K.IPPROTO_IP, K.IP_MULTICAST_TTL, s.ttl);
      native.setSockOptInt(tx, K.IPPROTO_IP, K.IP_MULTICAST_LOOP, 1);
      native.connectInet(tx, addr, s.rport);
    } catch (e) {
      fail(`mcast: cannot send to ${s.addr}:${s.rport} (${errorCode(e)})`);
    }
    log(`mcast backend multicast address: ${s.addr}:${s.lport}, TTL:${s.ttl}`);
  } else {
    try {
      native.connectInet(rx, addr, s.rport);
    } catch (e) {
      fail(`ucast: cannot send to ${s.addr}:${s.rport} (${errorCode(e)})`);
    }
    tx = rx;
    log(`ucast backend address: ${s.addr}:${s.rport} listen port: ${s.lport}`);
  }
  const fds = tx === rx ? [rx] : [rx, tx];
  fds.forEach(deepenBuffers);
  return new DatagramPump({
    name, rxFd: rx, txFd: tx, io: 'socket', vnetHeader: false,
    depth: 64, gro: false, mtu: 1500, encap: mcast ? ownFrameFilter(mac) : undefined, log,
    close: () => fds.forEach((fd) => native.close(fd)),
  });
}
