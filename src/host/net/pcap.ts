// eth<N>=pcap: receive only, the frames on a host interface that pass a filter. UML links
// libpcap; tuml compiles the libpcap expression with `tcpdump -ddd` (libpcap's own compiler,
// run once when the device opens) into a classic BPF program and attaches it to an AF_PACKET
// socket, as the raw transport does: no native link dependency, and the same batched
// receive path. As in UML every transmit fails (counted, reported once).

import { spawnSync } from 'node:child_process';
import type { NetBackend, NetPort } from '../../virtio/net.js';
import type { EthSettings } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode } from './common.js';
import { DatagramPump } from './pump.js';
import { interfaceIndex, packetSocket } from './raw.js';

/** `tcpdump -ddd` output (count, then `code jt jf k` per line) as struct sock_filter bytes. */
export function parseBpfDecimal(text: string): Uint8Array | undefined {
  const lines = text.trim().split('\n');
  const n = Number(lines[0]);
  if (!Number.isInteger(n) || n < 1 || n > 4096 || lines.length !== n + 1) return undefined;
  const prog = new Uint8Array(n * 8);
  const v = new DataView(prog.buffer);
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].trim().split(/\s+/).map(Number);
    if (f.length !== 4 || f.some((x) => !Number.isInteger(x) || x < 0)) return undefined;
    v.setUint16(i * 8, f[0], true);
    prog[i * 8 + 2] = f[1];
    prog[i * 8 + 3] = f[2];
    v.setUint32(i * 8 + 4, f[3] >>> 0, true);
  }
  return prog;
}

/** Compiles a libpcap filter expression for Ethernet; throws with tcpdump's complaint. */
export function compileFilter(name: string, expr: string, optimize: boolean): Uint8Array {
  const args = ['-ddd', '-y', 'EN10MB', ...(optimize ? [] : ['-O']), '--', expr];
  const r = spawnSync('tcpdump', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new NetOpenError(`${name}: pcap: cannot run tcpdump to compile the filter (${errorCode(r.error)})`);
  const prog = r.status === 0 ? parseBpfDecimal(r.stdout) : undefined;
  if (!prog) {
    const why = r.stderr.trim().split('\n').pop()?.replace(/^tcpdump: /, '') ?? `status ${r.status}`;
    throw new NetOpenError(`${name}: pcap: bad filter '${expr}': ${why}`);
  }
  return prog;
}

class PcapBackend implements NetBackend {
  readonly vnetHeader = false;
  private warned = false;
  constructor(
    private readonly name: string,
    private readonly pump: DatagramPump,
    private readonly log: (line: string) => void,
  ) {}
  attach(port: NetPort): void {
    this.pump.attach(port);
  }
  rxSpace(): void {
    this.pump.rxSpace();
  }
  send(_b: Uint8Array, _o: Int32Array, _l: Int32Array, count: number): number {
    if (!this.warned) {
      this.warned = true;
      this.log(`${this.name}: pcap is receive-only: transmitted frames are dropped (EPERM)`);
    }
    this.pump.stats.txErrors += count;
    return count;
  }
  close(): void {
    this.pump.close();
  }
}

export function openPcap(name: string, s: Extract<EthSettings, { kind: 'pcap' }>, log: (line: string) => void): NetBackend & { close(): void } {
  log(`pcap backend, host interface ${s.hostIf}`);
  const prog = s.filter !== undefined ? compileFilter(name, s.filter, s.optimize) : undefined;
  const { ifname, index } = interfaceIndex(name, s.hostIf);
  const K = native.netConstants;
  const fd = packetSocket(name, ifname, index, K.ETH_P_ALL);
  try {
    if (prog) native.attachFilter(fd, prog);
    if (s.promisc) {
      const mreq = new Uint8Array(16);
      const v = new DataView(mreq.buffer);
      v.setInt32(0, index, true);
      v.setUint16(4, K.PACKET_MR_PROMISC, true);
      native.setSockOptBytes(fd, K.SOL_PACKET, K.PACKET_ADD_MEMBERSHIP, mreq);
    }
  } catch (e) {
    native.close(fd);
    throw new NetOpenError(`${name}: pcap on ${ifname}: ${errorCode(e)}`);
  }
  const pump = new DatagramPump({
    name, rxFd: fd, txFd: fd, io: 'socket', vnetHeader: false,
    depth: 64, gro: false, mtu: 1500, log,
    close: () => native.close(fd),
  });
  return new PcapBackend(name, pump, log);
}
