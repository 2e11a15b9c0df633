// Checksum and TCP segmentation done by the device, for transports that carry bare
// Ethernet frames (daemon, mcast/ucast, passt, ...): the guest is still offered CSUM and
// TSO, so its emulated CPU neither checksums nor segments; the device turns each request
// into plain, fully checksummed MTU-sized frames here, and on receive checks TCP/UDP
// checksums so the guest may skip them (DATA_VALID). Everything is parsed from the frame
// itself: the guest's header only says what to do, never where the headers end.

const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ETH_P_8021Q = 0x8100;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const TCP_FIN = 0x01;
const TCP_PSH = 0x08;
const TCP_CWR = 0x80;

/** Most segments one guest super-frame may become (a 64 KiB frame with an MSS of 128). */
export const MAX_SEGS = 512;
/** Longest Ethernet + VLAN + IP + TCP headers a segment repeats (14 + 4 + 60 + 60). */
export const MAX_SEG_HDRS = 138;

/** One's complement sum of `b[from, to)` added to `sum`, as 16-bit big-endian words; not folded. */
export function sum16(b: Uint8Array, from: number, to: number, sum = 0): number {
  let i = from;
  // Four bytes a step keeps the loop short; the total stays far below 2^53.
  for (; i + 3 < to; i += 4) sum += ((b[i] << 8) | b[i + 1]) + ((b[i + 2] << 8) | b[i + 3]);
  for (; i + 1 < to; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < to) sum += b[i] << 8;
  return sum;
}

export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >> 8;
  b[at + 1] = v & 0xff;
}

/** Completes a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM): the sum from `start` to the end, stored at `at`. */
export function finishChecksum(frame: Uint8Array, start: number, at: number, end = frame.length): void {
  // The field holds the pseudo-header's sum already, so it is summed with the rest.
  const v = ~fold(sum16(frame, start, end)) & 0xffff;
  put16(frame, at, v);
}

interface L3 {
  /** Offset of the IP header. */
  l3: number;
  v6: boolean;
  /** Offset of the transport header. */
  l4: number;
  proto: number;
  /** End of the IP packet (Ethernet padding excluded). */
  end: number;
}

/** Parses Ethernet (one VLAN tag at most) and an unfragmented IPv4 or extension-free IPv6 header. */
function parseL3(f: Uint8Array, start: number, len: number): L3 | null {
  const stop = start + len;
  let p = start + 12;
  if (stop < p + 2) return null;
  let type = (f[p] << 8) | f[p + 1];
  p += 2;
  if (type === ETH_P_8021Q) {
    if (stop < p + 4) return null;
    type = (f[p + 2] << 8) | f[p + 3];
    p += 4;
  }
  if (type === ETH_P_IP) {
    if (stop < p + 20 || f[p] >> 4 !== 4) return null;
    const ihl = (f[p] & 15) * 4;
    const total = (f[p + 2] << 8) | f[p + 3];
    if (ihl < 20 || total < ihl || p + total > stop) return null;
    // Fragments (MF set or an offset) have no transport header to check or cut.
    if (((f[p + 6] & 0x3f) | f[p + 7]) !== 0) return null;
    return { l3: p, v6: false, l4: p + ihl, proto: f[p + 9], end: p + total };
  }
  if (type === ETH_P_IPV6) {
    if (stop < p + 40 || f[p] >> 4 !== 6) return null;
    const plen = (f[p + 4] << 8) | f[p + 5];
    if (p + 40 + plen > stop) return null;
    return { l3: p, v6: true, l4: p + 40, proto: f[p + 6], end: p + 40 + plen };
  }
  return null;
}

/** The pseudo-header's sum for a transport segment of `l4len` bytes. */
function pseudoSum(f: Uint8Array, h: L3, l4len: number): number {
  if (h.v6) return sum16(f, h.l3 + 8, h.l3 + 40) + h.proto + (l4len >>> 16) + (l4len & 0xffff);
  return sum16(f, h.l3 + 12, h.l3 + 20) + h.proto + l4len;
}

/**
 * Whether a received frame's TCP or UDP checksum is right (then the guest may skip it).
 * False for anything else, which the guest then checks itself: that is always safe.
 */
export function checksumValid(f: Uint8Array, start = 0, len = f.length - start): boolean {
  const h = parseL3(f, start, len);
  if (!h) return false;
  const l4len = h.end - h.l4;
  if (h.proto === IPPROTO_TCP) {
    if (l4len < 20) return false;
  } else if (h.proto === IPPROTO_UDP) {
    if (l4len < 8) return false;
    // A zero UDP checksum over IPv4 means "none": leave that to the guest.
    if (!h.v6 && f[h.l4 + 6] === 0 && f[h.l4 + 7] === 0) return false;
  } else return false;
  return fold(sum16(f, h.l4, h.end, pseudoSum(f, h, l4len))) === 0xffff;
}

export type SegmentResult = number | 'bad';

/**
 * Cuts a TCP super-frame `src[at, at+len)` into segments of at most `mss` payload bytes,
 * each written by `emit(seg)` after being filled through `alloc(size)` (which returns the
 * buffer and offset to write at). Every segment gets its own IP length, IPv4 id and header
 * checksum, sequence number and TCP checksum; FIN/PSH stay on the last segment, CWR on the
 * first. Returns the number of segments, or 'bad' when the frame is no TCP segment the
 * guest could have meant (then nothing was emitted).
 */
export function segmentTcp(
  src: Uint8Array,
  at: number,
  len: number,
  v6: boolean,
  mss: number,
  csumStart: number,
  alloc: (size: number) => [Uint8Array, number],
): SegmentResult {
  const h = parseL3(src, at, len);
  if (!h || h.v6 !== v6 || h.proto !== IPPROTO_TCP || mss <= 0) return 'bad';
  // The checksum the guest asked for must be the TCP one.
  if (h.l4 - at !== csumStart) return 'bad';
  if (h.end < h.l4 + 20) return 'bad';
  const doff = (src[h.l4 + 12] >> 4) * 4;
  const hdrEnd = h.l4 + doff;
  if (doff < 20 || hdrEnd > h.end) return 'bad';
  const payload = h.end - hdrEnd;
  if (payload <= 0) return 'bad';
  const segs = Math.ceil(payload / mss);
  if (segs > MAX_SEGS) return 'bad';
  const hlen = hdrEnd - at;
  const seq0 = ((src[h.l4 + 4] << 24) | (src[h.l4 + 5] << 16) | (src[h.l4 + 6] << 8) | src[h.l4 + 7]) >>> 0;
  const id0 = (src[h.l3 + 4] << 8) | src[h.l3 + 5];
  const flags0 = src[h.l4 + 13];
  const l3 = h.l3 - at;
  const l4 = h.l4 - at;
  for (let i = 0; i < segs; i++) {
    const from = hdrEnd + i * mss;
    const n = Math.min(mss, h.end - from);
    const [d, o] = alloc(hlen + n);
    d.set(src.subarray(at, hdrEnd), o);
    d.set(src.subarray(from, from + n), o + hlen);
    const ip = o + l3;
    const th = o + l4;
    const l4len = doff + n;
    if (v6) put16(d, ip + 4, l4len);
    else {
      put16(d, ip + 2, hlen - l3 + n);
      put16(d, ip + 4, (id0 + i) & 0xffff);
      put16(d, ip + 10, 0);
      put16(d, ip + 10, ~fold(sum16(d, ip, th)) & 0xffff);
    }
    const seq = (seq0 + i * mss) >>> 0;
    put16(d, th + 4, seq >>> 16);
    put16(d, th + 6, seq & 0xffff);
    let fl = flags0;
    if (i < segs - 1) fl &= ~(TCP_FIN | TCP_PSH);
    if (i > 0) fl &= ~TCP_CWR;
    d[th + 13] = fl;
    put16(d, th + 16, 0);
    const hv: L3 = { l3: ip, v6, l4: th, proto: IPPROTO_TCP, end: th + l4len };
    put16(d, th + 16, ~fold(sum16(d, th, th + l4len, pseudoSum(d, hv, l4len))) & 0xffff);
  }
  return segs;
}

/** The virtio-net header fields of a coalesced frame. */
export interface GsoInfo {
  v6: boolean;
  hdrLen: number;
  mss: number;
  csumStart: number;
}

/**
 * Receive coalescing for guests that accept TSO frames (GUEST_TSO4/6) from a transport that
 * carries plain frames: consecutive in-order segments of one TCP flow (same addresses,
 * ports, acknowledgment, options; only ACK and a final PSH) become one super-frame, as the
 * host's GRO would, so the guest's emulated stack handles one frame instead of dozens.
 * Every segment's checksum is verified first; the super-frame goes up with a partial
 * checksum (NEEDS_CSUM) as a tap would deliver it.
 */
export class TcpCoalescer {
  /** The super-frame being built: buf[0, len). */
  readonly buf = new Uint8Array(65535 + 18);
  len = 0;
  /** Segments in it. */
  segs = 0;
  /** A PSH segment ended it: nothing more may join. */
  closed = false;
  private h: L3 = { l3: 0, v6: false, l4: 0, proto: 0, end: 0 };
  private hdrEnd = 0;
  private mss = 0;
  private lastPayload = 0;
  private nextSeq = 0;

  /** Starts a super-frame with `f` (copied); false when `f` cannot start one (then deliver it as it is). */
  start(f: Uint8Array, tso4: boolean, tso6: boolean): boolean {
    this.len = this.segs = 0;
    this.closed = false;
    const h = parseL3(f, 0, f.length);
    if (!h || h.proto !== IPPROTO_TCP || !(h.v6 ? tso6 : tso4)) return false;
    // No IPv4 options (the guest's GRO wants them alike; they are rare anyway).
    if (!h.v6 && h.l4 - h.l3 !== 20) return false;
    if (h.end < h.l4 + 20) return false;
    const hdrEnd = h.l4 + (f[h.l4 + 12] >> 4) * 4;
    const payload = h.end - hdrEnd;
    if (hdrEnd < h.l4 + 20 || payload <= 0 || (f[h.l4 + 13] & ~TCP_PSH) !== 0x10) return false;
    if (f[h.l4 + 13] & TCP_PSH) return false; // a lone pushed segment gains nothing
    if (!checksumValid(f, 0, h.end)) return false;
    this.buf.set(f.subarray(0, h.end), 0);
    this.len = h.end;
    this.segs = 1;
    this.h = h;
    this.hdrEnd = hdrEnd;
    this.mss = payload;
    this.lastPayload = payload;
    this.nextSeq = (readU32(f, h.l4 + 4) + payload) >>> 0;
    return true;
  }

  /** Adds `g` when it continues the flow in order; false (nothing changed) when it does not. */
  append(g: Uint8Array): boolean {
    if (this.segs === 0 || this.closed || this.lastPayload !== this.mss) return false;
    const { l3, l4, v6 } = this.h;
    const b = this.buf;
    const hdrEnd = this.hdrEnd;
    if (g.length < hdrEnd) return false;
    const end = v6 ? l4 + ((g[l3 + 4] << 8) | g[l3 + 5]) : l3 + ((g[l3 + 2] << 8) | g[l3 + 3]);
    if (end > g.length || end <= hdrEnd) return false;
    const payload = end - hdrEnd;
    if (payload > this.mss || this.len + payload > (v6 ? l4 + 65535 : l3 + 65535)) return false;
    // Same Ethernet header, IP fields other than length, id and checksum, ports, ack, header length and options.
    if (!same(b, g, 0, l3)) return false;
    if (v6) {
      if (!same(b, g, l3, l3 + 4) || !same(b, g, l3 + 6, l3 + 40)) return false;
    } else if (!same(b, g, l3, l3 + 2) || !same(b, g, l3 + 6, l3 + 10) || !same(b, g, l3 + 12, l3 + 20)) return false;
    if (!same(b, g, l4, l4 + 4) || !same(b, g, l4 + 8, l4 + 13) || !same(b, g, l4 + 18, hdrEnd)) return false;
    if (readU32(g, l4 + 4) !== this.nextSeq || (g[l4 + 13] & ~TCP_PSH) !== 0x10) return false;
    if (!checksumValid(g, 0, end)) return false;
    b.set(g.subarray(hdrEnd, end), this.len);
    this.len += payload;
    this.segs++;
    this.lastPayload = payload;
    this.nextSeq = (this.nextSeq + payload) >>> 0;
    // The newest window, and PSH ends the super-frame as it ends a GRO one.
    b[l4 + 14] = g[l4 + 14];
    b[l4 + 15] = g[l4 + 15];
    if (g[l4 + 13] & TCP_PSH) {
      b[l4 + 13] |= TCP_PSH;
      this.closed = true;
    }
    return true;
  }

  /** Fixes lengths and checksums of a super-frame of two or more segments; returns its header fields. */
  finish(): GsoInfo {
    const b = this.buf;
    const { l3, l4, v6 } = this.h;
    const l4len = this.len - l4;
    if (v6) put16(b, l3 + 4, l4len);
    else {
      put16(b, l3 + 2, this.len - l3);
      put16(b, l3 + 10, 0);
      put16(b, l3 + 10, ~fold(sum16(b, l3, l4)) & 0xffff);
    }
    // The pseudo-header's sum, as a stack leaves it for a NIC to finish (NEEDS_CSUM).
    const hv: L3 = { l3, v6, l4, proto: IPPROTO_TCP, end: this.len };
    put16(b, l4 + 16, fold(pseudoSum(b, hv, l4len)));
    return { v6, hdrLen: this.hdrEnd, mss: this.mss, csumStart: l4 };
  }
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function same(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
  return true;
}
