// The instance side of mconsole: a Unix datagram socket at
// `<uml_dir><umid>/mconsole`, UML's request checks and command table, replies
// cut into 511-byte pieces and sent only to the requester's address. The
// commands' behaviour comes from an McTarget (the machine, the guest agent,
// the devices); this file is the protocol and the dispatch.
//
// Robustness: any datagram is accepted and answered per UML's rules, never
// trusted; replies to a peer that does not read are retried briefly and then
// dropped, so a stuck or vanished client never stalls the machine.

import { existsSync, unlinkSync } from 'node:fs';
import * as native from '../host/native/index.js';
import { type FdWatch, hostReactor } from '../host/io/reactor.js';
import {
  HELP_TEXT, REQUEST_SIZE, VERSION0_TEXT, encodeReply, matchCommand, parseRequest,
} from './protocol.js';

export interface McReply {
  err: number;
  text: string;
}

/** Where streamed output (sysrq, proc, stack) goes, piece by piece, with more=1. */
export type McStream = (text: string) => void;

/** The behaviour behind the commands. Async ones may take their time; each gets exactly one final reply. */
export interface McTarget {
  version(): string | Promise<string>;
  halt(): void;
  reboot(): void;
  /** Resolves once the machine is stopped (the reply waits for it). */
  stop(): void | Promise<void>;
  go(): void | Promise<void>;
  config(arg: string): McReply | Promise<McReply>;
  remove(arg: string): McReply | Promise<McReply>;
  /** The handler's console output goes to `stream`; the returned reply ends the request. */
  sysrq(letter: string, stream: McStream): McReply | Promise<McReply>;
  cad(): McReply | Promise<McReply>;
  log(text: string): McReply | Promise<McReply>;
  proc(file: string, stream: McStream): McReply | Promise<McReply>;
  stack(pid: number, stream: McStream): McReply | Promise<McReply>;
}

const OK = (text = ''): McReply => ({ err: 0, text });
const ERR = (text: string, err = 1): McReply => ({ err, text });

/** Packets waiting for a peer whose queue is full; dropped after this long without progress. */
const SEND_GIVE_UP_MS = 2000;
const SEND_RETRY_MS = 5;
/** Datagrams handled per readiness callback, so a flood cannot starve the machine. */
const RECV_BATCH = 64;
/** Bytes queued for one peer before further replies to it are dropped. */
const PEER_QUEUE_MAX = 4 * 1024 * 1024;

/** Where the socket is made and unlinked when not simply at its path. */
export interface SocketPlace {
  /** A path to bind to that reaches the same place (e.g. through /proc/self/fd). */
  bindPath: string;
  unlink(): void;
}

interface Peer {
  addr: Buffer;
  queue: Uint8Array[];
  bytes: number;
  since: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class MconsoleServer {
  private fd = -1;
  private watch: FdWatch | undefined;
  private readonly buf = new Uint8Array(REQUEST_SIZE);
  private readonly peers = new Map<string, Peer>();
  private stopped = false;
  private closed = false;
  /** Requests whose (asynchronous) answer is still to come. */
  private inflight = 0;

  private constructor(
    readonly path: string,
    private readonly target: McTarget,
    private readonly log: (line: string) => void,
    private readonly at: SocketPlace | undefined,
  ) {}

  /**
   * Binds the socket (replacing a leftover one at that path) and starts serving.
   * `at`, when given, binds and later unlinks it through the instance directory's
   * descriptor instead of `path`, so a directory swapped meanwhile is not followed.
   */
  static open(path: string, target: McTarget, log: (line: string) => void, at?: SocketPlace): MconsoleServer {
    const s = new MconsoleServer(path, target, log, at);
    const fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
    try {
      if (at) native.bindUnix(fd, at.bindPath);
      else {
        if (existsSync(path)) unlinkSync(path);
        native.bindUnix(fd, path);
      }
    } catch (e) {
      native.close(fd);
      throw e;
    }
    s.fd = fd;
    s.watch = hostReactor.watch(fd, (readable, _writable, err) => {
      if (err === 0 && readable) s.receive();
    });
    s.watch.want(true, false);
    return s;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Takes no more requests, lets the answers under way go out (a guest that
   * answered just before the machine ended still gets its reply through), then
   * closes. Bounded: at most about a second.
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.watch?.want(false, false);
    const end = Date.now() + 1000;
    while (Date.now() < end && (this.inflight > 0 || [...this.peers.values()].some((p) => p.queue.length))) {
      await new Promise((r) => setTimeout(r, 5));
    }
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch?.close();
    for (const p of this.peers.values()) if (p.timer) clearTimeout(p.timer);
    this.peers.clear();
    native.close(this.fd);
    try {
      if (this.at) this.at.unlink();
      else unlinkSync(this.path);
    } catch {
      // already gone (the instance directory is being removed)
    }
  }

  private receive(): void {
    for (let i = 0; i < RECV_BATCH && !this.closed; i++) {
      const { n, from } = native.recvFromUnix(this.fd, this.buf);
      if (n < 0) return; // EAGAIN: drained
      // Unbound senders cannot be answered (UML's sendto fails the same way).
      if (!from || from.length === 0) continue;
      this.handle(this.buf.subarray(0, Math.min(n, this.buf.length)), Buffer.from(from));
    }
    // More may be waiting: come back after the machine had its turn.
    if (!this.closed) setImmediate(() => !this.closed && this.receive());
  }

  private handle(d: Uint8Array, from: Buffer): void {
    const req = parseRequest(d);
    switch (req.kind) {
      case 'short':
        return;
      case 'version0':
        this.sendRaw(from, Buffer.from(VERSION0_TEXT, 'latin1'));
        return;
      case 'too-large':
        this.reply(from, ERR('Request too large'));
        return;
      case 'command':
        break;
    }
    if (req.badVersion) this.reply(from, ERR('This driver only supports version 2 clients'));
    const cmd = matchCommand(req.text);
    if (!cmd) {
      this.reply(from, ERR('Unknown command'));
      return;
    }
    const arg = cmd.rest.replace(/^ +/, '');
    const t = this.target;
    const stream: McStream = (text) => {
      for (const p of encodeReply(text, 0, true)) this.send(from, p);
    };
    let r: McReply | Promise<McReply>;
    try {
      switch (cmd.name) {
        case 'version':
          {
            const v = t.version();
            r = typeof v === 'string' ? OK(v) : v.then(OK);
          }
          break;
        case 'help':
          r = OK(HELP_TEXT);
          break;
        case 'halt':
          // The reply goes out first: the process ends right after.
          this.reply(from, OK());
          this.flushThen(from, () => t.halt());
          return;
        case 'reboot':
          this.reply(from, OK());
          this.flushThen(from, () => t.reboot());
          return;
        case 'stop':
          if (this.stopped) r = ERR('Already stopped');
          else {
            this.stopped = true;
            const done = t.stop();
            r = done instanceof Promise ? done.then(() => OK('stopped')) : OK('stopped');
          }
          break;
        case 'go':
          if (!this.stopped) r = ERR('Not stopped');
          else {
            this.stopped = false;
            const done = t.go();
            r = done instanceof Promise ? done.then(() => OK()) : OK();
          }
          break;
        case 'config':
          r = t.config(arg);
          break;
        case 'remove':
          r = t.remove(arg);
          break;
        case 'sysrq':
          r = t.sysrq(arg, stream);
          break;
        case 'cad':
          r = t.cad();
          break;
        case 'log':
          // UML skips exactly four characters ("log" and one separator).
          r = t.log(req.text.slice(4));
          break;
        case 'proc':
          r = t.proc(arg, stream);
          break;
        case 'stack': {
          if (arg === '') r = ERR('Please specify a pid');
          else {
            const pid = strtoul(arg);
            r = pid === 0 || pid > 0x3fffffff ? ERR("Couldn't find that pid") : t.stack(pid, stream);
          }
          break;
        }
      }
    } catch (e) {
      r = ERR(`internal error: ${(e as Error).message}`);
    }
    if (!(r instanceof Promise)) {
      this.reply(from, r);
      return;
    }
    this.inflight++;
    r.then(
      (rep) => this.reply(from, rep),
      (e: unknown) => this.reply(from, ERR(e instanceof Error ? e.message : String(e))),
    ).finally(() => this.inflight--);
  }

  private reply(to: Buffer, r: McReply): void {
    for (const p of encodeReply(r.text, r.err)) this.send(to, p);
  }

  /** Runs `f` once everything queued for `to` went out (or was given up on). */
  private flushThen(to: Buffer, f: () => void): void {
    const key = to.toString('latin1');
    const check = () => {
      const p = this.peers.get(key);
      if (!p || p.queue.length === 0 || this.closed) f();
      else setTimeout(check, SEND_RETRY_MS);
    };
    check();
  }

  private sendRaw(to: Buffer, pkt: Uint8Array): void {
    this.send(to, pkt);
  }

  private send(to: Buffer, pkt: Uint8Array): void {
    if (this.closed) return;
    const key = to.toString('latin1');
    let p = this.peers.get(key);
    if (!p) {
      p = { addr: to, queue: [], bytes: 0, since: Date.now(), timer: undefined };
      this.peers.set(key, p);
    }
    if (p.bytes + pkt.length > PEER_QUEUE_MAX) return; // a peer that never reads gets no more
    if (p.queue.length === 0) p.since = Date.now();
    p.queue.push(pkt);
    p.bytes += pkt.length;
    this.flush(key, p);
  }

  // A full peer is retried on a timer, not on the reactor's write interest: Linux signals
  // POLLOUT on an unconnected Unix datagram socket from its own send buffer, not from the
  // receiver's queue, so readiness would say "writable" while every send still says EAGAIN.
  private flush(key: string, p: Peer): void {
    while (p.queue.length) {
      const pkt = p.queue[0];
      const n = native.sendToUnix(this.fd, pkt, p.addr);
      if (n === -native.errno.EAGAIN || n === -native.errno.ENOBUFS) {
        if (Date.now() - p.since > SEND_GIVE_UP_MS) break; // give up on this peer
        if (!p.timer) {
          p.timer = setTimeout(() => {
            p.timer = undefined;
            if (!this.closed) this.flush(key, p);
          }, SEND_RETRY_MS);
        }
        return;
      }
      // Sent, or the peer is gone (ECONNREFUSED, ENOENT): either way this packet is done.
      p.queue.shift();
      p.bytes -= pkt.length;
      p.since = Date.now();
      if (n < 0) break;
    }
    if (p.timer) clearTimeout(p.timer);
    this.peers.delete(key);
  }
}


/** simple_strtoul(s, NULL, 0): the leading C integer literal, 0 when there is none. */
function strtoul(s: string): number {
  let m = /^0[xX]([0-9a-fA-F]+)/.exec(s);
  if (m) return parseInt(m[1], 16);
  m = /^0([0-7]*)/.exec(s);
  if (m) return m[1] ? parseInt(m[1], 8) : 0;
  m = /^\d+/.exec(s);
  return m ? Number(m[0]) : 0;
}
