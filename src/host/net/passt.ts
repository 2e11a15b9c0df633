// eth<N>=passt (tuml's, beyond UML): a user-mode network without root through Debian's
// `passt`, a maintained translator between a guest's L2 frames and the host's own sockets:
// IPv4 and IPv6, DHCP/DHCPv6/NDP, DNS forwarding, port forwards, no NAT state of ours.
// passt gets one end of a socket pair as its pre-opened connection (-F 3), so no socket
// file exists anywhere; frames travel in QEMU's stream format (a 4-byte big-endian length,
// then the frame). The guest sees QEMU's user network: 10.0.2.15/24, gateway 10.0.2.2 (which
// reaches the host's loopback), DNS 10.0.2.3; host ports forward to the guest on 127.0.0.1
// unless an address is named.

import type { EthSettings, PortForward } from './spec.js';
import { spawnStreamHelper } from './slirp.js';
import type { StreamBackend, StreamCodec } from './stream.js';

const GUEST = '10.0.2.15';
const GATEWAY = '10.0.2.2';
const DNS = '10.0.2.3';
/** Largest frame either way (the NIC's MTU is 1500; passt offers 65520 unless told). */
const MAX_FRAME = 65535;

/** QEMU's stream framing: u32 big-endian length, frame. */
export class QemuStreamCodec implements StreamCodec {
  private readonly hdr = new Uint8Array(4);
  private buf = new Uint8Array(MAX_FRAME + 4);
  private have = 0;

  encode(f: Uint8Array, put: (b: Uint8Array) => void): void {
    new DataView(this.hdr.buffer).setUint32(0, f.length);
    put(this.hdr);
    put(f);
  }

  decode(data: Uint8Array, frame: (f: Uint8Array) => void): void {
    let off = 0;
    while (off < data.length) {
      // Fast path: whole frames straight from the chunk.
      if (this.have === 0 && data.length - off >= 4) {
        const len = new DataView(data.buffer, data.byteOffset + off).getUint32(0);
        if (len > MAX_FRAME) return this.resync();
        if (data.length - off - 4 >= len) {
          if (len >= 14) frame(data.subarray(off + 4, off + 4 + len));
          off += 4 + len;
          continue;
        }
      }
      const take = Math.min(data.length - off, this.need() - this.have);
      this.buf.set(data.subarray(off, off + take), this.have);
      this.have += take;
      off += take;
      if (this.have >= 4) {
        const len = new DataView(this.buf.buffer).getUint32(0);
        if (len > MAX_FRAME) return this.resync();
        if (this.have === 4 + len) {
          if (len >= 14) frame(this.buf.subarray(4, 4 + len));
          this.have = 0;
        }
      }
    }
  }

  private need(): number {
    return this.have < 4 ? 4 : 4 + new DataView(this.buf.buffer).getUint32(0);
  }

  /** A length no frame can have: the stream is not passt's; drop what we have. */
  private resync(): void {
    this.have = 0;
  }
}

/** passt's -t/-u spec for one forward: `[addr/]port:guestport`. */
function forwardSpec(f: PortForward): string {
  return `${f.hostAddr}/${f.hostPort}:${f.guestPort}`;
}

export function passtArgs(s: Extract<EthSettings, { kind: 'passt' }>, mtu: number): string[] {
  const args = ['passt', '-f', '-q', '-F', '3', '-a', GUEST, '-n', '24', '-g', GATEWAY, '--dns-forward', DNS, '-m', String(mtu)];
  for (const f of s.forwards) args.push(f.proto === 'tcp' ? '-t' : '-u', forwardSpec(f));
  return args;
}

export function openPasst(name: string, s: Extract<EthSettings, { kind: 'passt' }>, log: (line: string) => void): StreamBackend {
  const fwd = s.forwards.map((f) => ` ${f.proto}:${f.hostAddr}:${f.hostPort}->${f.guestPort}`).join('');
  log(`passt backend - guest ${GUEST}/24, gateway ${GATEWAY}, DNS ${DNS}${fwd ? `, forwards${fwd}` : ''}`);
  return spawnStreamHelper(name, passtArgs(s, 1500), new QemuStreamCodec(), log, 3);
}
