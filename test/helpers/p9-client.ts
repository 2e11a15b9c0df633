// A minimal 9P2000.L client for tests: builds T-messages and parses the R-messages of
// the server (P9Server) it talks to directly.

import { P9Server } from '../../src/9p/server.js';
import { T } from '../../src/9p/protocol.js';

export class Msg {
  private parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    return this.u32(Number(b & 0xffffffffn)).u32(Number((b >> 32n) & 0xffffffffn));
  }
  str(s: string | Uint8Array): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    this.u16(b.length);
    for (const x of b) this.u8(x);
    return this;
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.u8(x);
    return this;
  }
  build(type: number, tag: number): Uint8Array {
    const body = this.parts;
    const out = new Uint8Array(7 + body.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, out.length, true);
    out[4] = type;
    dv.setUint16(5, tag, true);
    out.set(body, 7);
    return out;
  }
}

export class Reply {
  readonly type: number;
  readonly tag: number;
  private pos = 7;
  private readonly dv: DataView;
  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.type = buf[4];
    this.tag = this.dv.getUint16(5, true);
  }
  get isError(): boolean {
    return this.type === 7;
  }
  get errno(): number {
    return this.isError ? this.dv.getUint32(7, true) : 0;
  }
  u8(): number {
    return this.buf[this.pos++];
  }
  u16(): number {
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  str(): string {
    const n = this.u16();
    const s = Buffer.from(this.buf.subarray(this.pos, this.pos + n)).toString('latin1');
    this.pos += n;
    return s;
  }
  bytes(n: number): Uint8Array {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  qid(): { type: number; path: bigint } {
    const type = this.u8();
    this.u32();
    return { type, path: this.u64() };
  }
}

/** Talks to a server with convenience calls; each returns the parsed reply. */
export class P9Client {
  tag = 1;
  constructor(readonly server: P9Server, readonly room = 1 << 20) {}
  async send(type: number, m: Msg): Promise<Reply> {
    const tag = this.tag++ & 0xfffe;
    const r = new Reply(await this.server.handle(m.build(type, tag), this.room));
    if (r.tag !== tag) throw new Error(`reply tag ${r.tag} for ${tag}`);
    return r;
  }
  version(msize = 65536) {
    return this.send(T.version, new Msg().u32(msize).str('9P2000.L'));
  }
  attach(fid: number, aname = '') {
    return this.send(T.attach, new Msg().u32(fid).u32(0xffffffff).str('root').str(aname).u32(0));
  }
  walk(fid: number, newfid: number, ...names: string[]) {
    const m = new Msg().u32(fid).u32(newfid).u16(names.length);
    for (const n of names) m.str(n);
    return this.send(T.walk, m);
  }
  lopen(fid: number, flags: number) {
    return this.send(T.lopen, new Msg().u32(fid).u32(flags));
  }
  lcreate(fid: number, name: string, flags: number, mode: number) {
    return this.send(T.lcreate, new Msg().u32(fid).str(name).u32(flags).u32(mode).u32(0));
  }
  write(fid: number, offset: number, data: Uint8Array) {
    return this.send(T.write, new Msg().u32(fid).u64(offset).u32(data.length).raw(data));
  }
  read(fid: number, offset: number, count: number) {
    return this.send(T.read, new Msg().u32(fid).u64(offset).u32(count));
  }
  clunk(fid: number) {
    return this.send(T.clunk, new Msg().u32(fid));
  }
  getattr(fid: number) {
    return this.send(T.getattr, new Msg().u32(fid).u64(0x7ff));
  }
  mkdir(fid: number, name: string, mode = 0o755) {
    return this.send(T.mkdir, new Msg().u32(fid).str(name).u32(mode).u32(0));
  }
  symlink(fid: number, name: string, target: string) {
    return this.send(T.symlink, new Msg().u32(fid).str(name).str(target).u32(0));
  }
  readdir(fid: number, offset: bigint, count: number) {
    return this.send(T.readdir, new Msg().u32(fid).u64(offset).u32(count));
  }
  unlinkat(fid: number, name: string, flags = 0) {
    return this.send(T.unlinkat, new Msg().u32(fid).str(name).u32(flags));
  }
  renameat(ofid: number, oname: string, nfid: number, nname: string) {
    return this.send(T.renameat, new Msg().u32(ofid).str(oname).u32(nfid).str(nname));
  }
  link(dfid: number, fid: number, name: string) {
    return this.send(T.link, new Msg().u32(dfid).u32(fid).str(name));
  }
  readlink(fid: number) {
    return this.send(T.readlink, new Msg().u32(fid));
  }
}

/** Rreaddir's entries. */
export function dirEntries(r: Reply): Array<{ name: string; next: bigint; type: number }> {
  const n = r.u32();
  const out = [];
  const end = 7 + 4 + n;
  while ((r as unknown as { pos: number }).pos < end) {
    r.qid();
    const next = r.u64();
    const type = r.u8();
    out.push({ name: r.str(), next, type });
  }
  return out;
}
