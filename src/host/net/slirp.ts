// eth<N>=slirp: Debian's `slirp` program on a socket pair, IPv4 packets in SLIP framing
// (network-transports.md §6.4), as UML runs it: no root, NAT to the host's network. UML's
// device is IP-only; tuml's guest has an Ethernet NIC, so this end plays the link: it strips
// and adds Ethernet headers and answers the guest's ARP requests for any address with a
// fixed gateway MAC (a `route add default dev eth0` works as in UML; slirp's own addresses
// are 10.0.2.2 for the host, 10.0.2.3 for DNS, 10.0.2.15 for the guest).

import { spawn } from 'node:child_process';
import type { EthSettings } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, deepenBuffers } from './common.js';
import { StreamBackend, type StreamCodec } from './stream.js';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;
/** The link's MAC for everything beyond the guest (locally administered). */
const GATEWAY_MAC = Uint8Array.of(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);
/** UML's receive limit for a SLIP device: the MTU plus slack. */
const MAX_PACKET = 1500 + 26;

/** SLIP encoding of one packet: END, the bytes with END and ESC escaped, END. */
export function slipEncode(p: Uint8Array, out: Uint8Array = new Uint8Array(2 * p.length + 2)): Uint8Array {
  let n = 0;
  out[n++] = SLIP_END;
  for (const b of p) {
    if (b === SLIP_END) {
      out[n++] = SLIP_ESC;
      out[n++] = SLIP_ESC_END;
    } else if (b === SLIP_ESC) {
      out[n++] = SLIP_ESC;
      out[n++] = SLIP_ESC_ESC;
    } else out[n++] = b;
  }
  out[n++] = SLIP_END;
  return out.subarray(0, n);
}

/** A SLIP receiver: a packet at every END that ends a non-empty buffer; oversized ones are dropped whole. */
export class SlipDecoder {
  private buf = new Uint8Array(MAX_PACKET);
  private len = 0;
  private esc = false;
  private overflow = false;

  feed(data: Uint8Array, packet: (p: Uint8Array) => void): void {
    for (const c of data) {
      if (c === SLIP_END) {
        if (this.len > 0 && !this.overflow) packet(this.buf.subarray(0, this.len));
        this.len = 0;
        this.esc = false;
        this.overflow = false;
        continue;
      }
      let b = c;
      if (this.esc) {
        this.esc = false;
        if (c === SLIP_ESC_END) b = SLIP_END;
        else if (c === SLIP_ESC_ESC) b = SLIP_ESC;
      } else if (c === SLIP_ESC) {
        this.esc = true;
        continue;
      }
      if (this.len === this.buf.length) this.overflow = true;
      else this.buf[this.len++] = b;
    }
  }
}

/** Ethernet on the guest's side, SLIP on slirp's. */
export class SlipEthernetCodec implements StreamCodec {
  private readonly slip = new SlipDecoder();
  private readonly enc = new Uint8Array(2 * 65550 + 2);
  private readonly frame = new Uint8Array(14 + MAX_PACKET);

  constructor(private readonly mac: Uint8Array) {
    this.frame.set(mac, 0);
    this.frame.set(GATEWAY_MAC, 6);
    this.frame[12] = 0x08;
    this.frame[13] = 0x00;
  }

  encode(f: Uint8Array, put: (b: Uint8Array) => void, reply: (f: Uint8Array) => void): void {
    if (f.length < 14) return;
    const type = (f[12] << 8) | f[13];
    if (type === 0x0800 && f.length >= 34) put(slipEncode(f.subarray(14), this.enc));
    else if (type === 0x0806) {
      const r = arpReply(f, GATEWAY_MAC);
      if (r) reply(r);
    }
    // Anything else (IPv6, …) has no way over a SLIP line.
  }

  decode(data: Uint8Array, frame: (f: Uint8Array) => void): void {
    this.slip.feed(data, (p) => {
      if (p.length < 20 || p[0] >> 4 !== 4) return;
      this.frame.set(p, 14);
      frame(this.frame.subarray(0, 14 + p.length));
    });
  }
}

/** The answer to an Ethernet/IPv4 ARP request for any address but the asker's own: `mac` has it. */
export function arpReply(f: Uint8Array, mac: Uint8Array): Uint8Array | undefined {
  if (f.length < 42 || f[14] !== 0 || f[15] !== 1 || f[16] !== 8 || f[17] !== 0 || f[18] !== 6 || f[19] !== 4) return undefined;
  if (f[20] !== 0 || f[21] !== 1) return undefined; // requests only
  const sender = f.subarray(28, 32);
  const target = f.subarray(38, 42);
  if (sender.every((b, i) => b === target[i])) return undefined; // gratuitous ARP: nobody else owns it
  const r = new Uint8Array(42);
  r.set(f.subarray(6, 12), 0);
  r.set(mac, 6);
  r.set([0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 2], 12);
  r.set(mac, 22);
  r.set(target, 28);
  r.set(f.subarray(22, 28), 32);
  r.set(sender, 38);
  return r;
}

/** Starts the program with its stdin and stdout on one end of a socket pair, as UML's slirp_open does. */
export function openSlirp(name: string, s: Extract<EthSettings, { kind: 'slirp' }>, mac: Uint8Array, log: (line: string) => void): StreamBackend {
  log(`SLIRP backend - command line:${s.argv.map((a) => ` '${a}'`).join('')}`);
  return spawnStreamHelper(name, s.argv, new SlipEthernetCodec(mac), log);
}

/**
 * Runs a helper on a socket pair: its end becomes `fds` (stdin/stdout for slirp), the other
 * end ours. Its exit, a spawn failure or its closing the socket are one line, link down.
 */
export function spawnStreamHelper(name: string, argv: readonly string[], codec: StreamCodec, log: (line: string) => void, childFd: 'stdio' | 3 = 'stdio'): StreamBackend {
  if (!argv[0]) throw new NetOpenError(`${name}: no program to run`);
  const [mine, theirs] = native.socketPair(native.AF_UNIX, native.SOCK_STREAM);
  native.setNonBlocking(theirs, false);
  // passt drops the frames it cannot write at once and the guest's TCP waits for the
  // retransmission: deep buffers ride out the guest's busy stretches.
  deepenBuffers(mine);
  deepenBuffers(theirs);
  let stderr = '';
  const stdio: Array<'ignore' | 'pipe' | number> = childFd === 'stdio' ? [theirs, theirs, 'pipe'] : ['ignore', 'ignore', 'pipe', theirs];
  const child = spawn(argv[0], argv.slice(1), { stdio, detached: false });
  native.close(theirs);
  const prog = argv[0].split('/').pop();
  let gone = false;
  const backend = new StreamBackend(name, mine, codec, log, () => {
    if (!gone) child.kill('SIGTERM');
  }, prog ?? 'the helper');
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-400);
  });
  child.on('error', (e: NodeJS.ErrnoException) => {
    gone = true;
    backend.end(`cannot run ${argv[0]} (${e.code ?? e.message})`);
  });
  child.on('exit', (code, sig) => {
    gone = true;
    const last = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/syslog/.test(l)).pop();
    backend.end(`${prog} exited (${sig ?? `status ${code}`})${last ? `: ${last}` : ''}`);
  });
  // The helper must not keep tuml's event loop alive, nor outlive it.
  child.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  return backend;
}
