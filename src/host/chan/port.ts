// `port:N`: a telnet server on a TCP port, shared by every line that names
// the same port. Each client gets the next line that waits for one; when none
// waits it gets UML's banner and is handed to the next line that does. tuml
// speaks telnet itself (telnet.ts) instead of running in.telnetd and UML's
// port-helper. A client that disconnects ends the line's input (the guest's
// session is hung up) and the line waits for the next client.
//
// Listening address: 127.0.0.1 unless the channel names one (`port:0.0.0.0:N`);
// UML listens on every interface.

import { type Server, type Socket, createServer } from 'node:net';
import { TELNET_GREETING, TelnetParser, telnetEscape } from './telnet.js';
import { ChannelError, type ChannelEvents, type HostChannel, OUTPUT_HIGH_WATER, OUTPUT_LIMIT } from './types.js';

const BANNER =
  '*****************************************************************\r\n' +
  'There are currently no UML consoles waiting for port connections.\r\n' +
  'Either disconnect from one to make another available or activate more\r\n' +
  'by enabling more consoles in the UML /etc/inittab.\r\n' +
  '*****************************************************************\r\n';

class PortServer {
  private readonly waiting: PortChannel[] = [];
  private readonly queued: Socket[] = [];
  users = 0;

  constructor(
    readonly key: string,
    private readonly server: Server,
  ) {
    server.on('connection', (s) => this.accept(s));
  }

  private accept(s: Socket): void {
    s.setNoDelay(true);
    s.on('error', () => {}); // resets: the close handler does the rest
    s.write(TELNET_GREETING);
    const line = this.waiting.shift();
    if (line) line.attach(s);
    else {
      s.write(BANNER);
      this.queued.push(s);
      s.once('close', () => {
        const i = this.queued.indexOf(s);
        if (i >= 0) this.queued.splice(i, 1);
      });
    }
  }

  /** A line waits for a client: a queued one if there is one. */
  wait(line: PortChannel): void {
    const s = this.queued.shift();
    if (s) line.attach(s);
    else if (!this.waiting.includes(line)) this.waiting.push(line);
  }

  unwait(line: PortChannel): void {
    const i = this.waiting.indexOf(line);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  get address(): string {
    const a = this.server.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : this.key;
  }

  release(): void {
    if (--this.users > 0) return;
    servers.delete(this.key);
    for (const s of this.queued) s.destroy();
    this.server.close();
  }
}

const servers = new Map<string, PortServer>();

/** Binds (or joins) the listener for host:port; rejects with UML's message. */
async function listen(host: string, port: number): Promise<PortServer> {
  const key = `${host}|${port}`;
  let ps = servers.get(key);
  if (!ps) {
    const server = createServer({ pauseOnConnect: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new ChannelError(`binding to port ${port} failed, errno = ${e.errno !== undefined ? -e.errno : e.code} (${e.code})`)),
      );
      server.listen({ host, port, backlog: 8, exclusive: true }, () => resolve());
    });
    server.on('error', () => {});
    ps = new PortServer(key, server);
    servers.set(key, ps);
  }
  ps.users++;
  return ps;
}

export class PortChannel implements HostChannel {
  private server: PortServer | undefined;
  private socket: Socket | undefined;
  private events: ChannelEvents | undefined;
  private parser: TelnetParser | undefined;
  private paused = false;
  private congested = false;
  private closed = false;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private size: { rows: number; cols: number } | undefined;
  /** Called when a client attaches (the kernel console waits for one). */
  onClient: (() => void) | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  describe(): string {
    return this.host === '127.0.0.1' ? `port:${this.port}` : `port:${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Binds the listener (at configuration time, as UML). */
  async prepare(): Promise<void> {
    if (!this.server) this.server = await listen(this.host, this.port);
  }

  get hasClient(): boolean {
    return !!this.socket;
  }

  open(events: ChannelEvents): void {
    if (!this.server) throw new ChannelError(`port:${this.port} is not bound`);
    this.events = events;
    this.server.wait(this);
  }

  /** @internal The server hands this line a client. */
  attach(s: Socket): void {
    if (this.closed) {
      s.destroy();
      return;
    }
    this.socket = s;
    this.parser = new TelnetParser(
      (r) => void s.write(r),
      (rows, cols) => {
        this.size = { rows, cols };
        this.events?.resize?.(rows, cols);
      },
    );
    s.on('data', (d: Buffer) => {
      const data = this.parser!.feed(d);
      if (data.length) this.events?.data(data);
    });
    s.on('drain', () => this.drained());
    s.once('close', () => this.detach(s));
    if (this.paused) s.pause();
    // Output the guest wrote while no one was connected (a login prompt).
    for (const p of this.pending) s.write(p);
    this.pending = [];
    this.pendingBytes = 0;
    this.drained();
    this.onClient?.();
  }

  private detach(s: Socket): void {
    if (this.socket !== s) return;
    this.socket = undefined;
    this.parser = undefined;
    this.size = undefined;
    if (this.closed) return;
    this.events?.end();
    this.server?.wait(this);
  }

  private drained(): void {
    const s = this.socket;
    if (this.congested && (!s || s.writableLength < OUTPUT_HIGH_WATER)) {
      if (!s && this.pendingBytes > OUTPUT_HIGH_WATER) return;
      this.congested = false;
      this.events?.drain();
    }
  }

  write(data: Uint8Array): boolean {
    if (this.closed || data.length === 0) return true;
    const esc = telnetEscape(data);
    const s = this.socket;
    if (s) {
      if (s.writableLength > OUTPUT_LIMIT) return false;
      if (!s.write(esc === data ? Buffer.from(data) : esc)) this.congested = s.writableLength >= OUTPUT_HIGH_WATER;
    } else if (this.pendingBytes < OUTPUT_LIMIT) {
      // Kept for the next client, up to the high-water mark; then the guest's writer waits.
      this.pending.push(esc === data ? data.slice() : esc);
      this.pendingBytes += esc.length;
      if (this.pendingBytes > OUTPUT_HIGH_WATER) this.congested = true;
    }
    return !this.congested;
  }

  pauseInput(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resumeInput(): void {
    this.paused = false;
    this.socket?.resume();
  }

  winsize(): { rows: number; cols: number } | undefined {
    return this.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server?.unwait(this);
    this.socket?.end();
    this.socket = undefined;
    this.server?.release();
    this.server = undefined;
  }
}
