// One running instance's mconsole: the instance directory, the server, the
// notify socket and the guest agent, put together behind McTarget. The
// machine and the devices come in through small interfaces (the drivers supply
// them), so this file knows no device internals.

import { type InstanceDir, createInstanceDir, resolveUmlDir } from '../uml/umid.js';
import { AgentError, GuestAgent } from './agent.js';
import { Notifier } from './notify.js';
import { NotifyType } from './protocol.js';
import { type McReply, type McStream, type McTarget, MconsoleServer } from './server.js';

/** What mconsole needs of the machine. */
export interface McMachine {
  pause(): void;
  resume(): void;
  halt(code?: number): void;
  reboot(): void;
  /** The machine's clock (stops while it is paused). */
  runTimeMs(): number;
  /** A timer on the machine's clock; returns a cancel function. */
  afterRunTime(ms: number, cb: () => void): () => void;
}

/** A named virtio-console port, as the line driver hands them out. */
export interface McPort {
  send(data: Uint8Array): number;
  setHostConnected(on: boolean): void;
  onSpace: (() => void) | undefined;
  onOpenChange: ((open: boolean) => void) | undefined;
}

/**
 * A device class for `config` / `remove` (UML's mc_device): `ubd`, `con`,
 * `ssl`, … The argument is the text after the class name ("3=/img", "3").
 */
export interface McDeviceClass {
  name: string;
  /** `config <dev><unit>`: the device's configuration. */
  query(unit: string): McReply;
  /** `config <dev><unit>=<spec>`. */
  config(spec: string): McReply | Promise<McReply>;
  /**
   * `remove <dev><unit>`; a disk the guest may have open asks `release` first, a NIC asks
   * `linkUp` whether the guest has its interface up.
   */
  remove(unit: string, release?: GuestRelease, linkUp?: GuestLinkCheck): McReply | Promise<McReply>;
}

/**
 * Asks the guest to let go of the disk `name` (ubda…) in the virtio-mmio slot
 * at `mmioBase`: resolves with undefined when nothing in the guest has it open
 * (its nodes are then gone), with `busy` when something does, or with the
 * reason the guest could not be asked.
 */
export type GuestRelease = (name: string, mmioBase: number) => Promise<undefined | { busy: string } | { unknown: string }>;

/**
 * Asks the guest about the NIC in the virtio-mmio slot at `mmioBase`: resolves with
 * undefined when its interface is down (or the guest has none there), with `busy` when it
 * is up (for UML the device is then open), or with the reason the guest could not be asked.
 */
export type GuestLinkCheck = (mmioBase: number) => Promise<undefined | { busy: string } | { unknown: string }>;

export interface McInstanceOptions {
  umlDir: string;
  umid?: string;
  /** mconsole=notify:<socket>. */
  notify?: string;
  machine: McMachine;
  addPort(name: string, backend: { write(d: Uint8Array): void }): McPort;
  devices: McDeviceClass[];
  /** The guest kernel Image: its banner answers `version` until the guest agent runs. */
  kernelImage?: Uint8Array;
  /** Host-side messages (UML's printk of its host drivers). */
  log(line: string): void;
  /**
   * The guest watchdog expired without a notify socket: UML's uml_watchdog
   * then interrupts the instance (SIGINT), which ends it.
   */
  onWatchdogExpired?: () => void;
  /** uml_watchdog's 60 s; shorter only for tests. */
  watchdogMs?: number;
}

export const AGENT_PORT = 'org.tuml.agent';
export const NOTIFY_PORT = 'org.tuml.mconsole';
/** The guest's /dev/watchdog (UML's harddog): opening arms it, every write feeds it, closing disarms it. */
export const WATCHDOG_PORT = 'org.tuml.watchdog';
const WATCHDOG_MS = 60_000;

const OK = (text = ''): McReply => ({ err: 0, text });
const ERR = (text: string, err = 1): McReply => ({ err, text });

export class McInstance implements McTarget {
  readonly dir: InstanceDir;
  readonly server: MconsoleServer;
  private readonly notifier: Notifier | undefined;
  private readonly agent: GuestAgent;
  private readonly banner: string | undefined;
  private stopped = false;
  /** The guest agent holds the user tasks (mconsole stop). */
  private held = false;
  /** Requests of a stopped machine being answered (the CPU runs for them). */
  private serving = 0;
  private transitions: Promise<void> = Promise.resolve();
  private readonly hotDisks = new Map<string, number>();
  /** Cancels the armed watchdog's timer. */
  private watchdog: (() => void) | undefined;
  private watchdogDue = 0;
  private logTail = '';
  private logTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly o: McInstanceOptions) {
    this.dir = createInstanceDir(resolveUmlDir(o.umlDir), o.umid, o.log);
    try {
      const dir = this.dir;
      this.server = MconsoleServer.open(dir.socketPath, this, o.log, {
        bindPath: dir.socketBindPath,
        unlink: () => dir.unlinkSocket(),
      });
    } catch (e) {
      this.dir.remove();
      throw e;
    }
    // Any orderly end of the process removes the directory, even without dispose().
    process.once('exit', this.onExit);
    this.banner = o.kernelImage ? kernelBanner(o.kernelImage) : undefined;
    const agentPort = o.addPort(AGENT_PORT, { write: (d) => this.agent.input(d) });
    this.agent = new GuestAgent(agentPort);
    // Disks hot-added before the agent ran (or before a reboot) get their nodes now.
    this.agent.onReady = () => {
      for (const [name, base] of this.hotDisks) this.ubdChanged(name, base, true);
    };
    agentPort.setHostConnected(true);
    agentPort.onSpace = () => this.agent.onSpace();
    const wd = o.addPort(WATCHDOG_PORT, { write: () => this.feedWatchdog() });
    wd.setHostConnected(true);
    wd.onOpenChange = (open) => (open ? this.armWatchdog() : this.disarmWatchdog());
    if (o.notify !== undefined) {
      this.notifier = new Notifier(o.notify, o.log);
      const p = o.addPort(NOTIFY_PORT, {
        write: (d) => this.notifier?.send(NotifyType.UserNotify, d),
      });
      p.setHostConnected(true);
    }
  }

  get socketPath(): string {
    return this.dir.socketPath;
  }

  /** A (re)boot started: the old guest's agent is gone; tell the notify socket we are up. */
  booted(): void {
    this.disarmWatchdog();
    this.held = false; // a new kernel: nothing is held any more
    this.agent.reset('the machine rebooted');
    this.notifier?.send(NotifyType.Socket, Buffer.from(this.dir.socketPath + '\0', 'latin1'));
  }

  /** A disk went into or out of a spare slot: the guest's /dev/<name> follows (best effort). */
  ubdChanged(name: string, mmioBase: number, present: boolean): void {
    if (!/^ubd[a-p]$/.test(name)) return;
    if (present) this.hotDisks.set(name, mmioBase);
    else this.hotDisks.delete(name);
    if (!this.agent.isReady) return; // done when it starts
    void this.ask('ubd', `${name} ${mmioBase.toString(16)} ${present ? 1 : 0}`).then((a) => {
      if (a instanceof Error || a.status !== 'ok') this.o.log(`mconsole: could not update /dev/${name} in the guest`);
    });
  }

  // The watchdog counts the machine's running time (a stopped machine cannot feed it): one
  // timer on the machine clock, which on firing looks whether a feed moved the deadline.
  private armWatchdog(): void {
    this.watchdogDue = this.o.machine.runTimeMs() + (this.o.watchdogMs ?? WATCHDOG_MS);
    if (!this.watchdog) this.watchdog = this.o.machine.afterRunTime(this.o.watchdogMs ?? WATCHDOG_MS, this.watchdogCheck);
  }

  private readonly watchdogCheck = (): void => {
    const left = this.watchdogDue - this.o.machine.runTimeMs();
    if (left > 0) {
      this.watchdog = this.o.machine.afterRunTime(left, this.watchdogCheck);
      return;
    }
    this.watchdog = undefined;
    if (this.notifier) this.notifier.send(NotifyType.Hang, new Uint8Array(0));
    else {
      this.o.log('watchdog: the guest stopped feeding /dev/watchdog');
      this.o.onWatchdogExpired?.();
    }
  };

  private feedWatchdog(): void {
    if (this.watchdog) this.watchdogDue = this.o.machine.runTimeMs() + (this.o.watchdogMs ?? WATCHDOG_MS);
  }

  private disarmWatchdog(): void {
    this.watchdog?.();
    this.watchdog = undefined;
  }

  /** The guest kernel panicked with this message. */
  panicked(message: string): void {
    this.agent.reset('Kernel panic');
    this.notifier?.send(NotifyType.Panic, Buffer.from(message + '\0', 'latin1'));
  }

  private readonly onExit = () => this.dir.remove();

  /** Ends the mconsole: open guest requests fail, answers under way still go out, the directory goes. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.disarmWatchdog();
    this.agent.dispose();
    await this.server.shutdown();
    this.notifier?.close();
    this.dir.remove();
    process.off('exit', this.onExit);
  }

  // ---- McTarget

  async version(): Promise<string> {
    if (this.agent.isReady && !this.stopped) {
      try {
        const a = await this.agent.request('uname');
        if (a.status === 'ok') return a.data.toString('latin1');
      } catch {
        // fall back to what is known
      }
    }
    if (this.agent.uname) return this.agent.uname;
    // Before userspace: the kernel's own banner, nodename "(none)" as in UML.
    return this.banner ?? 'Linux (none)';
  }

  halt(): void {
    this.o.machine.halt(0);
  }

  reboot(): void {
    this.stopped = false;
    this.held = false;
    this.agent.resume();
    this.o.machine.reboot();
  }

  /**
   * UML's stop runs only the kernel's mconsole loop until `go`. Here the guest
   * agent first holds every other user task in a frozen cgroup (v2's
   * cgroup.freeze; the reply waits for it), then the CPU stops: no instruction
   * retires while stopped and idle. A request that only the guest can answer
   * (proc, stack, sysrq, log, cad, a disk's release) then runs the CPU just
   * until the agent's answer is in. What runs meanwhile: the guest kernel (its
   * interrupts, timers and softirqs, kernel threads, devices' pending input
   * queued but read by no one), the agent and the commands it starts (cat,
   * dmesg, …), and any process the kernel itself would spawn (none in the
   * default image); no other user task. Guest time is the host's, so it moves
   * on across the stop as it does when idle. Without an agent (early boot, an
   * image without one) nothing can be held: the CPU stays stopped until `go`
   * and such requests are refused with the reason.
   */
  stop(): Promise<void> {
    this.stopped = true;
    return this.transition(async () => {
      if (this.agent.isReady) {
        const a = await this.requestAgent('hold');
        this.held = !(a instanceof Error) && a.status === 'ok';
        if (!this.held) this.o.log(`mconsole: the guest's user tasks cannot be held (${a instanceof Error ? a.message : a.status}): requests wait for 'go'`);
      }
      if (!this.stopped) return; // a reboot came in meanwhile
      this.agent.pause();
      this.o.machine.pause();
    });
  }

  go(): Promise<void> {
    this.stopped = false;
    return this.transition(async () => {
      this.agent.resume();
      this.o.machine.resume();
      if (!this.held) return;
      this.held = false;
      const a = await this.requestAgent('thaw');
      if (a instanceof Error || a.status !== 'ok') this.o.log(`mconsole: the guest's user tasks were not released: ${a instanceof Error ? a.message : a.status}`);
    });
  }

  /** stop and go run one after the other, each to its end. */
  private transition(f: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(f, f);
    this.transitions = next.catch(() => {});
    return next;
  }

  config(arg: string): McReply | Promise<McReply> {
    const dev = this.o.devices.find((d) => arg.startsWith(d.name));
    if (!dev) return ERR('Bad configuration option');
    const rest = arg.slice(dev.name.length);
    return rest.includes('=') ? dev.config(rest) : dev.query(rest);
  }

  remove(arg: string): McReply | Promise<McReply> {
    const dev = this.o.devices.find((d) => arg.startsWith(d.name));
    if (!dev) return ERR('Bad remove option');
    return dev.remove(arg.slice(dev.name.length), this.release, this.linkUp);
  }

  /** The guest agent's word on a NIC: only one whose interface is down may lose its transport. */
  private readonly linkUp: GuestLinkCheck = async (mmioBase) => {
    const a = await this.ask('netif', mmioBase.toString(16));
    if (a instanceof Error) return { unknown: a.message };
    if (a.status === 'ok') return undefined;
    if (a.status === 'busy') return { busy: a.data.toString('latin1') };
    return { unknown: `the guest agent answered '${a.status}'` };
  };

  /** The guest agent's word on a disk: only a disk nothing in the guest has open may go. */
  private readonly release: GuestRelease = async (name, mmioBase) => {
    const a = await this.ask('release', `${name} ${mmioBase.toString(16)}`);
    if (a instanceof Error) return { unknown: a.message };
    if (a.status === 'ok') return undefined;
    if (a.status === 'busy') return { busy: a.data.toString('latin1') };
    return { unknown: `the guest agent answered '${a.status}'` };
  };

  async sysrq(arg: string, stream: McStream): Promise<McReply> {
    const letter = arg.slice(0, 1);
    const a = await this.ask('sysrq', letter);
    if (a instanceof Error) return ERR(a.message);
    if (a.data.length) stream(a.data.toString('latin1'));
    return OK();
  }

  async cad(): Promise<McReply> {
    const a = await this.ask('cad');
    return a instanceof Error ? ERR(a.message) : OK();
  }

  /**
   * UML printk()s the text as it is; the guest's /dev/kmsg makes one record per
   * write instead, so text without a newline waits here for the rest of its line
   * (uml_mconsole sends `log hello` then `log \n`), at most a second.
   */
  async log(text: string): Promise<McReply> {
    if (!this.agent.isReady) return ERR('the guest agent is not running (yet)');
    this.logTail += text;
    const nl = this.logTail.lastIndexOf('\n');
    if (nl < 0) {
      if (this.logTail.length > 4096) return this.flushLog();
      if (!this.logTimer) this.logTimer = setTimeout(() => void this.flushLog(), 1000);
      return OK();
    }
    const lines = this.logTail.slice(0, nl + 1);
    this.logTail = this.logTail.slice(nl + 1);
    const a = await this.ask('log', lines);
    return a instanceof Error ? ERR(a.message) : OK();
  }

  async proc(file: string, stream: McStream): Promise<McReply> {
    const a = await this.ask('proc', file);
    if (a instanceof Error) return ERR(a.message);
    if (a.status === 'noent') {
      return ERR('Failed to open file');
    }
    if (a.status === 'eread') return ERR('Read of file failed');
    // As UML: a first "\n", then the contents, then the final empty packet.
    stream('\n');
    if (a.data.length) stream(a.data.toString('latin1'));
    return OK();
  }

  async stack(pid: number, stream: McStream): Promise<McReply> {
    const a = await this.ask('stack', String(pid));
    if (a instanceof Error) return ERR(a.message);
    if (a.status !== 'ok') return ERR("Couldn't find that pid");
    stream(`Call Trace:\n${a.data.toString('latin1')}`);
    return OK();
  }

  // ----

  private async flushLog(): Promise<McReply> {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = undefined;
    const text = this.logTail;
    this.logTail = '';
    if (!text) return OK();
    const a = await this.ask('log', text + '\n');
    return a instanceof Error ? ERR(a.message) : OK();
  }

  /**
   * An agent request; an Error (not thrown) when the guest cannot answer. While
   * stopped with the user tasks held, the CPU runs until the answer is in.
   */
  private async ask(cmd: string, arg = ''): Promise<{ status: string; data: Buffer } | Error> {
    if (!this.stopped) return this.requestAgent(cmd, arg);
    await this.transitions;
    if (!this.held) return new Error("the machine is stopped and its user tasks could not be held: the guest cannot answer until 'go'");
    if (this.serving++ === 0) {
      this.agent.resume();
      this.o.machine.resume();
    }
    try {
      return await this.requestAgent(cmd, arg);
    } finally {
      if (--this.serving === 0 && this.stopped) {
        this.agent.pause();
        this.o.machine.pause();
      }
    }
  }

  private async requestAgent(cmd: string, arg = ''): Promise<{ status: string; data: Buffer } | Error> {
    try {
      const a = await this.agent.request(cmd, arg);
      if (a.status === 'unknown') return new Error(`the guest agent does not know '${cmd}'`);
      return a;
    } catch (e) {
      if (e instanceof AgentError) return e;
      throw e;
    }
  }
}

/**
 * `Linux (none) <release> <version> <machine>` from the Image's linux_banner
 * ("Linux version 6.1.x (builder) (compiler) #1 <date>"); undefined if absent.
 */
export function kernelBanner(image: Uint8Array): string | undefined {
  const key = Buffer.from('Linux version ');
  const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  let at = buf.indexOf(key);
  while (at >= 0) {
    const end = buf.indexOf(10, at);
    const line = buf.subarray(at, end < 0 ? Math.min(buf.length, at + 512) : end).toString('latin1');
    const m = /^Linux version (\S+) .*?(#\d+ .*)$/.exec(line);
    if (m) {
      // The version string is everything from '#' on, minus the compiler details before it.
      return `Linux (none) ${m[1]} ${m[2]} riscv64`;
    }
    at = buf.indexOf(key, at + 1);
  }
  return undefined;
}

/**
 * Finds `Kernel panic - not syncing: <message>` in console text (chunks may
 * split it anywhere) and reports the message: UML's PANIC notification.
 */
export class PanicWatch {
  private static readonly MARK = 'Kernel panic - not syncing: ';
  private tail = '';

  constructor(private readonly onPanic: (message: string) => void) {}

  feed(d: Uint8Array): void {
    this.tail += Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
    for (;;) {
      const at = this.tail.indexOf(PanicWatch.MARK);
      if (at < 0) {
        // Keep just enough to match a mark split across chunks.
        if (this.tail.length > PanicWatch.MARK.length) this.tail = this.tail.slice(-PanicWatch.MARK.length);
        return;
      }
      const start = at + PanicWatch.MARK.length;
      const end = this.tail.slice(start).search(/[\r\n]/);
      if (end < 0) {
        this.tail = this.tail.slice(at, at + 4096); // wait for the end of the line
        return;
      }
      this.onPanic(this.tail.slice(start, start + end));
      this.tail = this.tail.slice(start + end);
    }
  }
}
