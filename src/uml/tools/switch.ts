// tuml switch: a virtual Ethernet switch speaking uml_switch's protocol (network-transports.md
// §6.3), so real UML (eth<N>=daemon) and tuml join it alike.
//
//   tuml switch [-unix control-socket] [-hub] [-tap tap-device] [-daemon]
//
// Each port is a stream connection to the control socket that sent one request naming the
// client's datagram address; the switch answers with a datagram address of its own. Unlike
// uml_switch, every port gets its own data socket, connected to the client: the host kernel
// then tells the ports apart, and each port's frames move in batches (recvmmsg/sendmmsg),
// grouped by destination port. A learning switch forwards by destination MAC (source MACs
// learnt per port, flood when unknown); -hub floods every frame. -tap adds a host tap as a
// port (plain Ethernet frames). Malformed requests and dead clients cost one line, never the switch.

import { spawn } from 'node:child_process';
import { chmodSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import * as native from '../../host/native/index.js';
import { type FdWatch, hostReactor } from '../../host/io/reactor.js';
import { REQUEST_LEN, REQ_NEW_CONTROL, SOCKADDR_UN_LEN, SWITCH_MAGIC, SWITCH_VERSION, abstractDataAddress } from '../../host/net/daemon.js';
import { NetOpenError } from '../../host/net/common.js';
import { openTapFd } from '../../host/net/tap.js';

export const summary = 'a virtual Ethernet switch for eth<N>=daemon (like uml_switch)';

export const usage = [
  'Usage: tuml switch [ -unix control-socket ] [ -hub ] [ -tap tap-device ] [ -daemon ]',
  'A virtual switch that UML (eth<N>=daemon,,unix,<control-socket>) and tuml instances join.',
  '  -unix  the control socket (default /tmp/uml.ctl)',
  '  -hub   send every frame to every port, instead of learning MACs',
  '  -tap   add a host tap device as a port',
  '  -daemon  run in the background',
].join('\n');

const DEFAULT_CTL = '/tmp/uml.ctl';
const DEPTH = 64;
/** Largest frame accepted from a port: the MTU plus headers and VLAN slack. */
const SLOT = 1536 + 64;
const MAX_PORTS = 4096;

interface Port {
  id: number;
  name: string;
  fd: number;
  io: 'socket' | 'file';
  watch: FdWatch;
  /** Frames waiting for this port, as offsets into the current receive buffer. */
  outOffs: Int32Array;
  outLens: Int32Array;
  outCount: number;
  close(): void;
}

export class Switch {
  private readonly ports = new Set<Port>();
  private readonly macs = new Map<string, Port>();
  private readonly rxBuf = new Uint8Array(SLOT * DEPTH);
  private readonly rxOffs = new Int32Array(DEPTH);
  private readonly rxLens = new Int32Array(DEPTH);
  private nextId = 1;
  private server: Server | undefined;

  constructor(
    private readonly hub: boolean,
    private readonly log: (line: string) => void,
  ) {}

  /** Listens on `path`; refuses a socket some live switch answers on, removes a stale one. */
  async listen(path: string): Promise<void> {
    if (await answers(path)) throw new NetOpenError(`${path}: in use by a running switch`);
    try {
      unlinkSync(path);
    } catch {}
    const server = createServer((s) => this.control(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    // The switch is its user's: nobody else may plug into it.
    chmodSync(path, 0o600);
    this.server = server;
    server.on('error', (e) => this.log(`control socket: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  }

  addTap(dev: string): void {
    const { fd, ifname } = openTapFd('switch', dev, false);
    const port = this.addPort(`tap ${ifname}`, fd, 'file', () => native.close(fd));
    this.log(`${port.name}: port ${port.id}`);
  }

  close(): void {
    this.server?.close();
    for (const p of this.ports) p.close();
  }

  /** One client: its request, our answer, a port for as long as the connection lasts. */
  private control(s: Socket): void {
    let buf = Buffer.alloc(0);
    let port: Port | undefined;
    const drop = (why: string) => {
      this.log(`control connection: ${why}; closed`);
      s.destroy();
    };
    s.on('data', (d: Buffer) => {
      if (port) return; // nothing more is expected after the request
      buf = Buffer.concat([buf, d]);
      if (buf.length < 12) return;
      const magic = buf.readUInt32LE(0);
      const version = buf.readUInt32LE(4);
      const type = buf.readUInt32LE(8);
      if (magic !== SWITCH_MAGIC) return drop(`bad magic 0x${magic.toString(16)}`);
      if (version !== SWITCH_VERSION) return drop(`protocol version ${version} is not supported (only ${SWITCH_VERSION})`);
      if (type !== REQ_NEW_CONTROL) return drop(`unknown request type ${type}`);
      if (buf.length < REQUEST_LEN) return;
      if (this.ports.size >= MAX_PORTS) return drop('too many ports');
      const family = buf.readUInt16LE(12);
      const path = new Uint8Array(buf.subarray(14, 14 + 108));
      const peer = path[0] === 0 ? path : path.subarray(0, path.indexOf(0) < 0 ? 108 : path.indexOf(0));
      if (family !== native.AF_UNIX || peer.length === 0) return drop('the request names no Unix data socket');
      const fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
      const mine = abstractDataAddress();
      try {
        native.bindUnix(fd, mine);
        native.connectUnix(fd, peer);
      } catch (e) {
        native.close(fd);
        return drop(`cannot reach the client's data socket (${(e as { code?: string }).code})`);
      }
      const p = this.addPort('', fd, 'socket', () => {
        native.close(fd);
        s.destroy();
      });
      p.name = `port ${p.id}`;
      port = p;
      const reply = Buffer.alloc(SOCKADDR_UN_LEN);
      reply.writeUInt16LE(native.AF_UNIX, 0);
      reply.set(mine, 2);
      s.write(reply);
      this.log(`New connection: ${p.name}`);
    });
    const gone = () => {
      if (!port) return;
      this.log(`Closed ${port.name}`);
      this.removePort(port);
      port = undefined;
    };
    s.on('close', gone);
    s.on('error', () => s.destroy());
  }

  private addPort(name: string, fd: number, io: 'socket' | 'file', close: () => void): Port {
    const port: Port = {
      id: this.nextId++, name, fd, io,
      watch: hostReactor.watch(fd, (r, _w, err) => {
        if (err) {
          // A client that vanished: its port goes when its control connection does.
          native.sockError(fd);
          port.watch.want(true, false);
          return;
        }
        if (r) this.receive(port);
      }),
      outOffs: new Int32Array(DEPTH), outLens: new Int32Array(DEPTH), outCount: 0,
      close,
    };
    this.ports.add(port);
    port.watch.want(true, false);
    return port;
  }

  private removePort(port: Port): void {
    if (!this.ports.delete(port)) return;
    port.watch.close();
    port.close();
    for (const [mac, p] of this.macs) if (p === port) this.macs.delete(mac);
  }

  /** Moves a few batches from one port; frames for each other port go out in one call per port. */
  private receive(from: Port): void {
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < DEPTH; i++) {
        this.rxOffs[i] = i * SLOT;
        this.rxLens[i] = SLOT;
      }
      const n = from.io === 'socket'
        ? native.recvMany(from.fd, this.rxBuf, this.rxOffs, this.rxLens, DEPTH)
        : native.readMany(from.fd, this.rxBuf, this.rxOffs, this.rxLens, DEPTH);
      if (n <= 0) return;
      for (let i = 0; i < n; i++) this.route(from, this.rxOffs[i], this.rxLens[i]);
      for (const p of this.ports) {
        if (p.outCount === 0) continue;
        // A port that cannot keep up loses frames, as a congested switch port does.
        if (p.io === 'socket') native.sendMany(p.fd, this.rxBuf, p.outOffs, p.outLens, p.outCount);
        else native.writeMany(p.fd, this.rxBuf, p.outOffs, p.outLens, p.outCount);
        p.outCount = 0;
      }
      if (n < DEPTH) return;
    }
  }

  private route(from: Port, off: number, len: number): void {
    if (len < 14 || len > SLOT) return; // runts and truncated giants are dropped
    const b = this.rxBuf;
    if (!this.hub) {
      if (!(b[off + 6] & 1)) {
        const src = macKey(b, off + 6);
        if (this.macs.get(src) !== from) this.macs.set(src, from);
      }
      if (!(b[off] & 1)) {
        const to = this.macs.get(macKey(b, off));
        if (to) {
          if (to !== from) queue(to, off, len);
          return;
        }
      }
    }
    for (const p of this.ports) if (p !== from) queue(p, off, len);
  }
}

function queue(p: Port, off: number, len: number): void {
  p.outOffs[p.outCount] = off;
  p.outLens[p.outCount] = len;
  p.outCount++;
}

function macKey(b: Uint8Array, off: number): string {
  return String.fromCharCode(b[off], b[off + 1], b[off + 2], b[off + 3], b[off + 4], b[off + 5]);
}

/** Whether a live switch answers on `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

export async function main(args: string[]): Promise<number> {
  let ctl = DEFAULT_CTL;
  let hub = false;
  let tap: string | undefined;
  let daemon = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-unix' && args[i + 1] !== undefined) ctl = args[++i];
    else if (a === '-hub') hub = true;
    else if (a === '-tap' && args[i + 1] !== undefined) tap = args[++i];
    else if (a === '-daemon') daemon = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(usage + '\n');
      return 0;
    } else {
      process.stderr.write(`tuml switch: bad argument '${a}'\n${usage}\n`);
      return 1;
    }
  }
  if (daemon) {
    // Node cannot fork: the background switch is a detached copy of this command.
    const child = spawn(process.execPath, [process.argv[1], 'switch', ...args.filter((a) => a !== '-daemon')], { detached: true, stdio: 'ignore' });
    child.unref();
    return 0;
  }
  const log = (line: string) => process.stderr.write(`tuml switch: ${line}\n`);
  const sw = new Switch(hub, log);
  try {
    await sw.listen(ctl);
    if (tap) sw.addTap(tap);
  } catch (e) {
    sw.close();
    log(e instanceof NetOpenError ? e.message.replace(/^switch: /, '') : `${ctl}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  log(`${hub ? 'hub' : 'switch'} listening on ${ctl}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  sw.close();
  try {
    unlinkSync(ctl);
  } catch {}
  return 0;
}
