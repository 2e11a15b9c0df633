// transport=raw: two AF_PACKET sockets bound to a host interface (typically one end
// of a veth pair), one receiving every protocol, one sending, both with the virtio-net
// header when the host supports it; recvmmsg/sendmmsg batches. The sender bypasses the
// qdisc so the receiver does not see our own frames; where that is not possible, UML's
// default filter (drop frames from our own MAC) or bpffile= does the job.

import { readFileSync } from 'node:fs';
import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode, isPermission, privilegeError } from './common.js';
import { DatagramPump } from './pump.js';

/** UML's default filter: drop frames whose source MAC is ours, accept the rest. */
/**
 * `bpffile=`: the classic BPF program in that file, attached to `fd`; without one, `fallback`
 * (UML's default own-MAC filter) when given. A file that cannot be read or attached is one line.
 */
export function attachFilterOption(name: string, fd: number, c: VecConfig, fallback: Uint8Array | undefined): void {
  const bpffile = c.options.get('bpffile');
  let prog = fallback;
  if (bpffile !== undefined) {
    try {
      prog = readFileSync(bpffile);
    } catch (e) {
      throw new NetOpenError(`${name}: bpffile ${bpffile}: ${errorCode(e)}`);
    }
  }
  if (!prog) return;
  try {
    native.attachFilter(fd, prog);
  } catch (e) {
    throw new NetOpenError(`${name}: ${bpffile !== undefined ? `bpffile ${bpffile}` : 'filter'}: not a usable classic BPF program (${errorCode(e)})`);
  }
}

/** Drops frames whose source MAC is `mac`; `base`: where the frame starts in what the filter sees (8: behind a UDP header). */
export function defaultFilter(mac: Uint8Array, base = 0): Uint8Array {
  const prog = new Uint8Array(6 * 8);
  const dv = new DataView(prog.buffer);
  const ins = (i: number, code: number, jt: number, jf: number, k: number) => {
    dv.setUint16(i * 8, code, true);
    prog[i * 8 + 2] = jt;
    prog[i * 8 + 3] = jf;
    dv.setUint32(i * 8 + 4, k >>> 0, true);
  };
  const low = ((mac[2] << 24) | (mac[3] << 16) | (mac[4] << 8) | mac[5]) >>> 0;
  const high = (mac[0] << 8) | mac[1];
  ins(0, 0x20, 0, 0, base + 8); // ld [8]: source MAC bytes 2-5
  ins(1, 0x15, 0, 3, low); // jeq low, next, accept
  ins(2, 0x28, 0, 0, base + 6); // ldh [6]: source MAC bytes 0-1
  ins(3, 0x15, 0, 1, high); // jeq high, drop, accept
  ins(4, 0x06, 0, 0, 0); // ret 0: drop
  ins(5, 0x06, 0, 0, 0x40000); // ret: accept
  return prog;
}

export function packetSocket(name: string, ifname: string, ifindex: number, protocol: number): number {
  let fd: number;
  try {
    // The protocol argument of socket() is in network byte order.
    fd = native.socket(native.AF_PACKET, native.SOCK_RAW, protocol ? ((protocol & 0xff) << 8) | (protocol >> 8) : 0);
  } catch (e) {
    if (isPermission(e)) throw privilegeError(name, `a raw socket on ${ifname}`, 'CAP_NET_RAW');
    throw new NetOpenError(`${name}: raw socket: ${errorCode(e)}`);
  }
  try {
    native.bindPacket(fd, ifindex, protocol);
  } catch (e) {
    native.close(fd);
    throw new NetOpenError(`${name}: binding a raw socket to ${ifname}: ${errorCode(e)}`);
  }
  return fd;
}

export function interfaceIndex(name: string, ifname: string | undefined): { ifname: string; index: number } {
  if (!ifname) throw new NetOpenError(`${name}: ifname= is required for this transport`);
  try {
    return { ifname, index: native.ifIndex(ifname) };
  } catch {
    throw new NetOpenError(`${name}: no host interface named ${ifname}`);
  }
}

export function openRaw(name: string, c: VecConfig, mac: Uint8Array, log: (line: string) => void): DatagramPump {
  const { ifname, index } = interfaceIndex(name, c.options.get('ifname'));
  const K = native.netConstants;
  const rx = packetSocket(name, ifname, index, K.ETH_P_ALL);
  let tx: number;
  try {
    tx = packetSocket(name, ifname, index, 0);
  } catch (e) {
    native.close(rx);
    throw e;
  }
  const closeBoth = () => {
    native.close(rx);
    native.close(tx);
  };
  try {
    let vnet = true;
    try {
      native.setSockOptInt(rx, K.SOL_PACKET, K.PACKET_VNET_HDR, 1);
      native.setSockOptInt(tx, K.SOL_PACKET, K.PACKET_VNET_HDR, 1);
      log(`${name}: raw: using vnet headers for tso and tx/rx checksum`);
    } catch {
      // As UML: without the header on the receiver, frames carry none either way.
      vnet = false;
      native.setSockOptInt(tx, K.SOL_PACKET, K.PACKET_VNET_HDR, 0);
    }
    let bypass = true;
    try {
      native.setSockOptInt(tx, K.SOL_PACKET, K.PACKET_QDISC_BYPASS, 1);
    } catch {
      bypass = false;
    }
    // With the qdisc bypass our own frames never come back: no filter needed unless one is named.
    attachFilterOption(name, rx, c, bypass ? undefined : defaultFilter(mac));
    return new DatagramPump({
      name, rxFd: rx, txFd: tx, io: 'socket', vnetHeader: vnet,
      depth: c.multi ? c.depth : 1, gro: c.gro, mtu: c.mtu, log, close: closeBoth,
    });
  } catch (e) {
    closeBoth();
    throw e;
  }
}
