// The line driver: UML's consoles and serial lines. Every line (con0-15, ssl0-15) is a Line
// (src/host/console/line.ts) between its host channels and its device: con<n> is the virtio
// console's port n (the guest's hvc<n>, linked as /dev/tty<n>), ssl<n> the board's UART n
// (ttyS<n>). The same virtio console carries the named ports other drivers ask for.

import { ChannelError } from '../../host/chan/index.js';
import { Line, type LineGate } from '../../host/console/line.js';
import { hostReactor } from '../../host/io/reactor.js';
import type { Machine, MachineExit } from '../../machine/machine.js';
import type { SbiConsole } from '../../machine/sbi.js';
import type { McDeviceClass } from '../../mconsole/instance.js';
import type { McReply } from '../../mconsole/server.js';
import { type ConsoleBackend, type ConsolePort, VirtioConsole } from '../../virtio/console.js';
import { type LineConfig, parseLineConfig } from '../cmdline/channel.js';
import { parseCInteger } from '../cmdline/size.js';
import type { BuildContext, DriverInstance } from './driver.js';
import { execMode } from './exec.js';

/** Named virtio-console ports available besides the consoles (mconsole's, `--` mode's, tests'). */
export const EXTRA_PORTS = 8;

const EINVAL = -22;
const OK = (text = ''): McReply => ({ err: 0, text });
const ERR = (text: string, err = 1): McReply => ({ err, text });

export interface LineDriver extends DriverInstance {
  /** The SBI debug console (earlycon=sbi) writes to the kernel console's line. */
  readonly sbiConsole: SbiConsole;
  addPort(name: string, backend: ConsoleBackend): ConsolePort;
  removePort(port: ConsolePort): void;
  /** `config`'s view of a line by name (con3, ssl0): its description, or an error text from config/remove. */
  get(name: string): string | undefined;
  config(name: string, channels: string): Promise<string | undefined>;
  remove(name: string): Promise<string | undefined>;
}

export async function buildLines(ctx: BuildContext, onKernelConsole: (d: Uint8Array) => void): Promise<LineDriver> {
  const { config, log } = ctx;
  const umid = config.umid;
  const xterm = { emulator: config.xterm.emulator, titleSwitch: config.xterm.titleSwitch };
  const mode = execMode(config);
  // `-- COMMAND` with data ports: the command does not need ttyS0.
  const sslConfigs = mode === 'io' ? config.ssl.map((c, i) => (i === 0 ? 'none' : c)) : config.ssl;
  const lines = {
    con: config.con.map((c, index) => new Line({ kind: 'con', index, umid }, c, log, xterm)),
    ssl: sslConfigs.map((c, index) => new Line({ kind: 'ssl', index, umid }, c, log, xterm, !config.sslNonRaw)),
  };
  const all = [...lines.con, ...lines.ssl];
  // Listening ports are bound now, as UML does at configuration: a port in use is reported and
  // the line is left unconfigured.
  for (const l of all) {
    try {
      await l.prepare();
    } catch (e) {
      if (!(e instanceof ChannelError)) throw e;
      log(`${l.name}: ${e.message}`);
      await l.reconfigure('none');
    }
  }
  // `-- COMMAND` on a terminal: the command talks on ttyS0 (ssl0 on the process's stdin/stdout),
  // a real tty for job control and ^C; kernel messages go to con0, null unless con0= says
  // otherwise. The guest's init marks the moment ttyS0 is set up: input waits for it (so nothing
  // is echoed by a line still in its default modes), output before it is not the command's.
  if (mode === 'tty') {
    const ssl0 = lines.ssl[0];
    ssl0.gate = new ReadyGate();
    ssl0.onEnd = () => {};
  }

  const kc = config.kernelConsole;
  const kernelLine = (kc.kind === 'con' ? lines.con : lines.ssl)[kc.index] ?? lines.con[0];
  // Guest output of a line; the kernel console's also goes past the caller's watch (panics).
  const output = (l: Line) => (d: Uint8Array) => {
    if (l === kernelLine) onKernelConsole(d);
    return l.write(d);
  };
  // con0-15 are the virtio console's ports 0-15 (hvc0-15); named ports come after them.
  const virtioConsole = new VirtioConsole(lines.con.map((l) => ({ write: output(l) })), { extraPorts: EXTRA_PORTS });
  // ssl<i> is UART i; only lines with a channel get one (UML's `none` is absent).
  const uarts = lines.ssl.map((l) => (l.configured ? { write: output(l) } : undefined));
  while (uarts.length && !uarts[uarts.length - 1]) uarts.pop();

  const byName = (name: string): Line | undefined => {
    const m = /^(con|ssl)(\d+)$/.exec(name);
    return m ? lines[m[1] as 'con' | 'ssl'][Number(m[2])] : undefined;
  };
  const reconfigure = async (l: Line, text: string): Promise<string | undefined> => {
    const c = parseLineConfig(text);
    if (typeof c === 'object' && 'error' in c) return c.error;
    try {
      await l.reconfigure(c as LineConfig);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };
  // mconsole's config/remove for one kind of line, with UML's replies.
  const mcClass = (kind: 'con' | 'ssl'): McDeviceClass => {
    const unit = (s: string): Line | string => {
      const n = parseCInteger(s);
      if (n === undefined) return "Couldn't parse device number";
      return lines[kind][n] ?? 'Device number out of range';
    };
    return {
      name: kind,
      query: (u) => {
        const l = unit(u);
        return typeof l === 'string' ? ERR(l === 'Device number out of range' ? 'device number out of range' : l) : OK(l.describe());
      },
      config: async (spec) => {
        const eq = spec.indexOf('=');
        if (eq === 0) return ERR("Can't configure all devices from mconsole", EINVAL);
        if (eq < 0) return ERR(`${kind}: expected ${kind}<n>=<channels>`);
        const l = unit(spec.slice(0, eq));
        if (typeof l === 'string') return ERR(l);
        const e = await reconfigure(l, spec.slice(eq + 1));
        return e === undefined ? OK() : ERR(e);
      },
      remove: async (u) => {
        const l = unit(u);
        if (typeof l === 'string') return ERR(l);
        if (!l.configured) return ERR("configured as 'none'", EINVAL);
        await l.reconfigure('none');
        return OK();
      },
    };
  };

  return {
    virtio: { first: [virtioConsole] },
    uarts,
    sbiConsole: { write: (d) => void output(kernelLine)(d), read: () => 0 },
    addPort: (name, backend) => virtioConsole.addPort(name, backend),
    removePort: (port) => virtioConsole.removePort(port),
    get: (name) => byName(name)?.describe(),
    config: async (name, text) => {
      const l = byName(name);
      return l ? reconfigure(l, text) : `no such line "${name}"`;
    },
    remove: async (name) => {
      const l = byName(name);
      if (!l) return `no such line "${name}"`;
      await l.reconfigure('none');
      return undefined;
    },
    attach(machine: Machine) {
      lines.con.forEach((l, i) => {
        const port = virtioConsole.console(i);
        l.attach({
          send: (d) => port.send(d),
          set onSpace(f: () => void) {
            port.onSpace = f;
          },
          resumeOutput: () => port.resumeOutput(),
          resize: (rows, cols) => port.resize(rows, cols),
          // The host side went away (a telnet client left, end of input): the guest's session on
          // this console is hung up, as UML does; except on the kernel console, whose shell is the
          // default image's PID 1 (it would power the machine off): input just ends there.
          hangup: () => l !== kernelLine && virtioConsole.hangup(port),
        });
      });
      lines.ssl.forEach((l, i) => {
        const uart = machine.uarts[i];
        if (!uart) return;
        l.attach({
          send: (d) => uart.receive(d),
          // The UART says when it takes input again; drain outside the guest's register access.
          set onSpace(f: () => void) {
            uart.onRxReady = () => void hostReactor.after(0, f);
          },
          resumeOutput: () => uart.resumeOutput(),
          // The host side went away: drop carrier (the guest's session is hung up), then raise it
          // again for the next one.
          hangup: () => {
            if (l === kernelLine) return;
            uart.setCarrier(false);
            hostReactor.after(100, () => uart.setCarrier(true));
          },
        });
      });
    },
    mconsole: () => [mcClass('con'), mcClass('ssl')],
    async beforeRun(machine: Machine): Promise<MachineExit | undefined> {
      for (const l of all) l.openEager();
      // As UML, a port channel on the kernel console holds the boot until a client connects;
      // a signal or mconsole halt while waiting ends the instance at once.
      const wait = kernelLine.portToWaitFor();
      if (!wait) return undefined;
      log(`${kernelLine.name}: waiting for a telnet client on ${wait.describe()} before booting`);
      return new Promise<MachineExit | undefined>((resolve) => {
        wait.onClient = () => resolve(undefined);
        machine.onEarlyExit(resolve);
      });
    },
    dispose() {
      for (const l of all) l.close();
    },
  };
}

/** Drops output until the guest's ready mark (ESC ] tuml;ready BEL), then passes it through. */
class ReadyGate implements LineGate {
  private static readonly MARK = new TextEncoder().encode('\x1b]tuml;ready\x07');
  open = false;
  private matched = 0;
  private readonly listeners: (() => void)[] = [];

  onOpen(f: () => void): void {
    this.listeners.push(f);
  }

  write(d: Uint8Array, out: (d: Uint8Array) => void): void {
    if (this.open) {
      out(d);
      return;
    }
    const mark = ReadyGate.MARK;
    for (let i = 0; i < d.length; i++) {
      if (d[i] === mark[this.matched]) this.matched++;
      else this.matched = d[i] === mark[0] ? 1 : 0;
      if (this.matched === mark.length) {
        this.open = true;
        if (i + 1 < d.length) out(d.subarray(i + 1));
        for (const f of this.listeners) hostReactor.after(0, f);
        return;
      }
    }
  }
}
