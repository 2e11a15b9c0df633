// eth<N>=daemon: a port on a uml_switch (network-transports.md §6.3). A stream connection to
// the switch's control socket carries one request naming our data socket (a datagram socket
// on an abstract address); the switch answers with its own data address, and from then on
// every Ethernet frame is one datagram. The control connection lives as long as the port:
// when the switch goes away the NIC loses its carrier, with one line saying so.

import { randomFill } from '../env.js';
import * as native from '../native/index.js';
import type { NetBackend, NetPort } from '../../virtio/net.js';
import { hostReactor, type FdWatch } from '../io/reactor.js';
import { NetOpenError, deepenBuffers } from './common.js';
import { DatagramPump } from './pump.js';

export const SWITCH_MAGIC = 0xfeedface;
export const SWITCH_VERSION = 3;
export const REQ_NEW_CONTROL = 0;
/** struct sockaddr_un: u16 family and 108 bytes of path. */
export const SOCKADDR_UN_LEN = 110;
const SUN_PATH = 108;
/** magic, version, type, sockaddr_un, padding to 4. */
export const REQUEST_LEN = 124;
const REPLY_TIMEOUT_S = 5;

/** A datagram address in uml_switch's style: abstract, {0, pad, pid, microseconds}, then random bytes to tell ports apart. */
export function abstractDataAddress(): Uint8Array {
  const path = new Uint8Array(SUN_PATH);
  const v = new DataView(path.buffer);
  v.setInt32(4, process.pid, true);
  v.setInt32(8, Number((process.hrtime.bigint() / 1000n) % 1000000n), true);
  randomFill(path.subarray(12, 20));
  return path;
}

/** The request, in host (little-endian) order as UML writes it. */
export function controlRequest(dataPath: Uint8Array): Uint8Array {
  const req = new Uint8Array(REQUEST_LEN);
  const v = new DataView(req.buffer);
  v.setUint32(0, SWITCH_MAGIC, true);
  v.setUint32(4, SWITCH_VERSION, true);
  v.setUint32(8, REQ_NEW_CONTROL, true);
  v.setUint16(12, native.AF_UNIX, true);
  req.set(dataPath.subarray(0, SUN_PATH), 14);
  return req;
}

/** The sun_path of a sockaddr_un as the switch sent it: all bytes if abstract, else up to the NUL. */
export function sunPath(addr: Uint8Array): Uint8Array {
  const path = addr.subarray(2, SOCKADDR_UN_LEN);
  if (path[0] === 0) return path;
  const end = path.indexOf(0);
  return end < 0 ? path : path.subarray(0, end);
}

/** Blocks for one answer of exactly `len` bytes on a stream socket, at most a few seconds. */
export function readReply(fd: number, len: number): Uint8Array | string {
  const tv = new Uint8Array(16);
  new DataView(tv.buffer).setBigInt64(0, BigInt(REPLY_TIMEOUT_S), true);
  const K = native.netConstants;
  native.setSockOptBytes(fd, K.SOL_SOCKET, K.SO_RCVTIMEO, tv);
  native.setNonBlocking(fd, false);
  const buf = new Uint8Array(len);
  let got = 0;
  try {
    while (got < len) {
      const n = native.read(fd, buf, got, len - got);
      if (n === -native.errno.EINTR) continue;
      if (n === -native.errno.EAGAIN) return `no answer within ${REPLY_TIMEOUT_S} s`;
      if (n < 0) return native.errnoName(n);
      if (n === 0) return got === 0 ? 'connection closed' : `short answer (${got} bytes)`;
      got += n;
    }
  } finally {
    native.setNonBlocking(fd, true);
  }
  return buf;
}

export interface SwitchPort extends NetBackend {
  close(): void;
}

/**
 * Connects to a uml_switch-protocol control socket (uml_switch, tuml switch, or vde_switch
 * with its own request) and returns the port's datagram pump; `request` builds the request
 * from our data address, `prefix` is UML's message prefix (`daemon_open`).
 */
export function openSwitchPort(name: string, ctlPath: string, prefix: string, request: (data: Uint8Array) => Uint8Array, log: (line: string) => void, what = 'switch'): SwitchPort {
  const ctl = native.socket(native.AF_UNIX, native.SOCK_STREAM);
  let data = -1;
  const fail = (msg: string): never => {
    native.close(ctl);
    if (data >= 0) native.close(data);
    throw new NetOpenError(`${name}: ${msg}`);
  };
  const errnoOf = (e: unknown) => native.errno[(e as { code?: string }).code as keyof typeof native.errno] ?? 0;
  try {
    native.connectUnix(ctl, ctlPath);
  } catch (e) {
    fail(`${prefix} : control connect failed, errno = ${errnoOf(e)} (${(e as { code?: string }).code} on ${ctlPath})`);
  }
  const dataPath = abstractDataAddress();
  try {
    data = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    native.bindUnix(data, dataPath);
    deepenBuffers(data);
  } catch (e) {
    fail(`${prefix} : data bind failed, errno = ${errnoOf(e)}`);
  }
  const req = request(dataPath);
  const w = native.write(ctl, req);
  if (w !== req.length) fail(`${prefix} : control setup request failed, err = ${w < 0 ? -w : 0}`);
  const reply = readReply(ctl, SOCKADDR_UN_LEN);
  if (typeof reply === 'string') fail(`${prefix} : read of data socket failed (${reply})`);
  const peer = sunPath(reply as Uint8Array);
  if (new DataView((reply as Uint8Array).buffer).getUint16(0, true) !== native.AF_UNIX || peer.length === 0) {
    fail(`${prefix} : the ${what} answered with an address that is not a Unix socket`);
  }
  try {
    // Connected: sendmmsg needs no addresses, and only the switch's datagrams come in.
    native.connectUnix(data, peer);
  } catch (e) {
    fail(`${prefix} : cannot reach the ${what}'s data socket (${(e as { code?: string }).code})`);
  }
  const pump = new DatagramPump({
    name, rxFd: data, txFd: data, io: 'socket', vnetHeader: false,
    depth: 64, gro: false, mtu: 1500, log,
    close: () => native.close(data),
  });
  return new ControlledPort(name, ctl, pump, log, what);
}

/** A pump whose life is tied to a control connection. */
class ControlledPort implements SwitchPort {
  readonly vnetHeader = false;
  private port: NetPort | undefined;
  private readonly watch: FdWatch;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly ctl: number,
    private readonly pump: DatagramPump,
    private readonly log: (line: string) => void,
    private readonly what: string,
  ) {
    this.watch = hostReactor.watch(ctl, (r, _w, err) => this.ctlReady(r, err));
    this.watch.want(true, false);
  }

  private ctlReady(readable: boolean, err: number): void {
    if (this.closed) return;
    const buf = new Uint8Array(256);
    const n = readable && !err ? native.read(this.ctl, buf) : -1;
    if (n > 0 || n === -native.errno.EAGAIN) return; // the switch says nothing after its answer; ignore chatter
    this.log(`${this.name}: the ${this.what} closed its control connection; link down`);
    this.watch.close();
    this.port?.setLink(false);
  }

  attach(port: NetPort): void {
    this.port = port;
    this.pump.attach(port);
  }
  send(buf: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    return this.pump.send(buf, offs, lens, count);
  }
  rxSpace(): void {
    this.pump.rxSpace();
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.close();
    this.pump.close();
    native.close(this.ctl);
  }
}
