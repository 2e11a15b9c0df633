// Flattened device tree (DTB) writer, format version 17.
// Spec: Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format".
//
// Usage: begin/end nodes, add properties, then finish() returns the blob. The
// builder checks nesting; property values are big-endian as the format requires.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_END = 0x9;
const FDT_VERSION = 17;
const FDT_LAST_COMP_VERSION = 16;
const HEADER_SIZE = 40;

const utf8 = new TextEncoder();

/** A growable big-endian byte buffer. */
class ByteSink {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u32(v: number): void {
    this.reserve(4);
    this.dv.setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Zero bytes up to a multiple of `n`. */
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.reserve(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Splits a non-negative integer below 2^64 (exact below 2^53) into two 32-bit cells. */
export function cells64(v: number): [number, number] {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`fdt: bad 64-bit value ${v}`);
  return [Math.floor(v / 0x1_0000_0000) >>> 0, v >>> 0];
}

export class FdtBuilder {
  private readonly struct = new ByteSink();
  private readonly strings = new ByteSink();
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: Array<[number, number]> = [];
  private depth = 0;
  private finished = false;
  private nextPhandle = 1;
  bootCpuId = 0;

  /** A fresh phandle value, unique within this tree. */
  allocPhandle(): number {
    return this.nextPhandle++;
  }

  /** Adds a memory reservation block entry (physical address, size). */
  reserve(address: number, size: number): this {
    this.reservations.push([address, size]);
    return this;
  }

  beginNode(name: string): this {
    this.check();
    if (this.depth === 0 && name !== '') throw new Error('fdt: the root node must be named ""');
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.bytes(utf8.encode(name));
    this.struct.bytes(new Uint8Array(1));
    this.struct.align(4);
    this.depth++;
    return this;
  }

  endNode(): this {
    this.check();
    if (this.depth === 0) throw new Error('fdt: endNode without beginNode');
    this.struct.u32(FDT_END_NODE);
    this.depth--;
    return this;
  }

  /** A property with raw bytes as its value. */
  prop(name: string, value: Uint8Array): this {
    this.check();
    if (this.depth === 0) throw new Error(`fdt: property ${name} outside any node`);
    this.struct.u32(FDT_PROP);
    this.struct.u32(value.length);
    this.struct.u32(this.stringOffset(name));
    this.struct.bytes(value);
    this.struct.align(4);
    return this;
  }

  /** An empty (boolean) property such as `interrupt-controller` or `ranges`. */
  propEmpty(name: string): this {
    return this.prop(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells. */
  propU32(name: string, ...cells: number[]): this {
    const b = new Uint8Array(cells.length * 4);
    const dv = new DataView(b.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
    return this.prop(name, b);
  }

  /** One or more 64-bit values, each as two cells. */
  propU64(name: string, ...values: number[]): this {
    return this.propU32(name, ...values.flatMap(cells64));
  }

  /** A NUL-terminated string. */
  propString(name: string, value: string): this {
    return this.propStrings(name, [value]);
  }

  /** A string list: each string NUL-terminated, concatenated. */
  propStrings(name: string, values: string[]): this {
    const parts = values.map((s) => utf8.encode(s));
    const b = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let off = 0;
    for (const p of parts) {
      b.set(p, off);
      off += p.length + 1;
    }
    return this.prop(name, b);
  }

  /** Serializes the tree. The builder cannot be used afterwards. */
  finish(): Uint8Array {
    this.check();
    if (this.depth !== 0) throw new Error(`fdt: ${this.depth} node(s) left open`);
    this.struct.u32(FDT_END);
    this.finished = true;

    const rsvmap = new ByteSink();
    for (const [addr, size] of this.reservations) {
      for (const c of [...cells64(addr), ...cells64(size)]) rsvmap.u32(c);
    }
    for (let i = 0; i < 4; i++) rsvmap.u32(0); // terminating entry

    const offRsvmap = HEADER_SIZE; // already 8-byte aligned
    const offStruct = offRsvmap + rsvmap.length;
    const offStrings = offStruct + this.struct.length;
    const total = offStrings + this.strings.length;

    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    const header = [
      FDT_MAGIC, total, offStruct, offStrings, offRsvmap, FDT_VERSION, FDT_LAST_COMP_VERSION,
      this.bootCpuId, this.strings.length, this.struct.length,
    ];
    header.forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
    out.set(rsvmap.result(), offRsvmap);
    out.set(this.struct.result(), offStruct);
    out.set(this.strings.result(), offStrings);
    return out;
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.bytes(utf8.encode(name));
      this.strings.bytes(new Uint8Array(1));
      this.stringOffsets.set(name, off);
    }
    return off;
  }

  private check(): void {
    if (this.finished) throw new Error('fdt: builder already finished');
  }
}
