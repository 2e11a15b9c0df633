// The one place where a parsed UML configuration meets the host: it reads the
// boot images, opens the host channels and builds the machine with them.
//
// Consoles: every UML line (con0-15, ssl0-15) is a Line (src/host/console/line.ts)
// between its host channels and its device: con<n> is the virtio console's port n
// (the guest's hvc<n>, linked as /dev/tty<n>), ssl<n> the board's UART n (ttyS<n>).

import { randomFillSync } from 'node:crypto';
import { BootFileError, readBootFile } from '../host/bootfile.js';
import { NodeClock, NodeScheduler } from '../host/clock.js';
import { ChannelError } from '../host/chan/index.js';
import { Line, type LineGate } from '../host/console/line.js';
import { Machine, type MachineExit, isRiscvImage } from '../machine/machine.js';
import type { SbiConsole } from '../machine/sbi.js';
import { type ConsoleBackend, type ConsolePort, VirtioConsole } from '../virtio/console.js';
import { VirtioBlk } from '../virtio/blk.js';
import { type UbdDisk, UbdMissingError, UbdOpenError, openUbd } from '../host/block/ubd.js';
import { type HostFileOps, hostFileOps } from '../host/block/hostops.js';
import { existsSync } from 'node:fs';
import type { UbdConfig } from './cmdline/index.js';
import { MAX_CMDLINE, type MachineConfig } from './cmdline/index.js';
import { UBD_UNITS, ubdName } from './cmdline/ubd.js';
import { UbdUnits } from './ubd-units.js';
import { VIRT_VIRTIO, virtioBase } from '../machine/virt.js';
import { McInstance, PanicWatch } from '../mconsole/instance.js';
import { type HotPlug, bootDevices } from '../mconsole/devices.js';
import { parseCInteger } from './cmdline/size.js';
import { parseLineConfig } from './cmdline/channel.js';
import { buildNetDriver } from '../host/net/index.js';

export interface WireOptions {
  /** The compiled CPU core. */
  core: WebAssembly.Module;
  /** Host path of the kernel Image. */
  kernel: string;
  /** initramfs used when the command line has no initrd=. */
  defaultInitrd?: string;
  /** Where host-side messages go (one line each). */
  log: (line: string) => void;
  /** Empty disk slots to reserve for ubd units added while running (`ubd.config`); default 0. */
  ubdHotplugSlots?: number;
  /** The instance directory and mconsole socket (default: on, as UML). */
  mconsole?: boolean;
  /** The guest watchdog's timeout (UML: 60 s); for tests. */
  mconsoleWatchdogMs?: number;
}

export interface WiredMachine {
  machine: Machine;
  /** Runs the machine to its end, then releases the host resources. */
  run(): Promise<MachineExit>;
  /** Releases the host side (terminal mode, stdin). Idempotent. */
  dispose(): Promise<void>;
  /**
   * Adds a named virtio-console port (the guest sees /dev/vport0pN, its name in
   * /sys/class/virtio-ports/vport0pN/name). Its guest output goes to
   * `backend.write`; the handle sends input (`send`), says whether a host side
   * is attached (`setHostConnected`: until then the guest reads EOF and its
   * writes wait) and reports the guest opening and closing it (`onOpenChange`).
   */
  addPort(name: string, backend: ConsoleBackend): ConsolePort;
  removePort(port: ConsolePort): void;
  /** The ubd units: query, add (into the reserved slots) and remove, with UML's replies. */
  ubd: UbdUnits;
  /** The mconsole (instance directory, socket, notify), unless disabled. */
  mconsole: McInstance | undefined;
  /**
   * The lines (con0-15, ssl0-15) for mconsole's config/remove: `get` gives the
   * live description (`fd:0,fd:1`, `pts:/dev/pts/3`) or the configuration while
   * closed; `config` and `remove` return an error text or undefined.
   */
  lines: {
    get(name: string): string | undefined;
    config(name: string, channels: string): Promise<string | undefined>;
    remove(name: string): Promise<string | undefined>;
  };
}

/** Named virtio-console ports available besides the consoles. */
export const EXTRA_PORTS = 8;

/** A host-side problem that stops the boot (missing kernel, …). */
export class WireError extends Error {}

export async function wireMachine(config: MachineConfig, opts: WireOptions): Promise<WiredMachine> {
  // Both must fit in guest RAM; anything else (a device, a directory, a huge file) is refused
  // before a byte is read past that.
  let kernel: Uint8Array;
  try {
    kernel = readBootFile(opts.kernel, config.memBytes);
  } catch (e) {
    if (e instanceof BootFileError) throw new WireError(e.message);
    throw e;
  }
  if (!isRiscvImage(kernel)) throw new WireError(`${opts.kernel}: not a RISC-V Linux kernel Image`);
  let initrd: Uint8Array | undefined;
  const initrdPath = config.initrd ?? opts.defaultInitrd;
  if (initrdPath !== undefined) {
    try {
      initrd = readBootFile(initrdPath, config.memBytes);
    } catch (e) {
      if (e instanceof BootFileError) throw new WireError(`initrd: ${e.message}`);
      throw e;
    }
    // As UML: an empty initrd is reported and the boot goes on without it.
    if (initrd.length === 0) {
      opts.log(`"${initrdPath}" is empty`);
      initrd = undefined;
    }
  }

  // Disks before anything else is set up: a disk that cannot be used safely stops the boot here.
  const ubdConfigs = withDefaultUnit0(config.ubd, !!config.ubdSync);
  const disks = openDisks(ubdConfigs, hostFileOps, opts.log);

  // Kernel panics, seen in the kernel console's text: the message goes to stderr and to mconsole's
  // notify socket. With panic=0 (the kernel's default) the guest would spin forever, so the run
  // ends, as UML's process does, once the kernel has printed its report; with panic=N the kernel
  // restarts itself, and a restart refused by noreboot still ends as a panic.
  const panicTimeout = kernelPanicTimeout(config.cmdline);
  let panicked: string | undefined;
  let panicEnd: (() => void) | undefined;
  const panics = new PanicWatch((msg) => {
    if (panicked !== undefined) return; // the report's closing line repeats the message
    panicked = msg;
    opts.log(`Kernel panic - not syncing: ${msg}`);
    mc?.panicked(msg);
    if (panicTimeout !== 0) return;
    const t = setTimeout(() => machine.panic(msg), PANIC_REPORT_MS);
    panicEnd = () => {
      clearTimeout(t);
      machine.panic(msg);
    };
  });
  const panicEnds = new TextWatch(PANIC_END_MARK, () => panicEnd?.());
  const watchKernelConsole = (d: Uint8Array) => {
    panics.feed(d);
    if (panicEnd) panicEnds.feed(d);
  };
  let mc: McInstance | undefined;
  const exec = config.exec !== undefined;
  const umid = config.umid;
  const xterm = { emulator: config.xterm.emulator, titleSwitch: config.xterm.titleSwitch };
  const lines = {
    con: config.con.map((c, index) => new Line({ kind: 'con', index, umid }, c, opts.log, xterm)),
    ssl: config.ssl.map((c, index) => new Line({ kind: 'ssl', index, umid }, c, opts.log, xterm, !config.sslNonRaw)),
  };
  const allLines = [...lines.con, ...lines.ssl];
  // Listening ports are bound now, as UML does at configuration: a port in use is
  // reported and the line is left unconfigured.
  for (const l of allLines) {
    try {
      await l.prepare();
    } catch (e) {
      if (!(e instanceof ChannelError)) throw e;
      opts.log(`${l.name}: ${e.message}`);
      await l.reconfigure('none');
    }
  }
  // `-- COMMAND`: the command talks on ttyS0 (ssl0 on the process's stdin/stdout); kernel
  // messages go to con0, null unless con0= says otherwise. The guest's init marks the moment
  // ttyS0 is set up: input waits for it (so nothing is echoed by a line still in its default
  // modes), output before it is not the command's, and the end of stdin is a VEOF.
  const gate = exec ? new ReadyGate() : undefined;
  if (gate) {
    const ssl0 = lines.ssl[0];
    ssl0.gate = gate;
    ssl0.onEnd = process.stdin.isTTY ? () => {} : () => ssl0.inject(Uint8Array.of(4));
  }

  // The SBI console (earlycon=sbi) writes to the kernel console's line; it has no input.
  const kc = config.kernelConsole;
  const kernelLine = (kc.kind === 'con' ? lines.con : lines.ssl)[kc.index] ?? lines.con[0];
  const sbiConsole: SbiConsole = { write: (d) => (watchKernelConsole(d), void kernelLine.write(d)), read: () => 0 };
  // Guest output of a line; the kernel console's also goes past the panic watch.
  const output = (l: Line) => (d: Uint8Array) => {
    if (l === kernelLine) watchKernelConsole(d);
    return l.write(d);
  };

  // con0-15 are the virtio console's ports 0-15 (hvc0-15); named ports come after them.
  const virtioConsole = new VirtioConsole(
    lines.con.map((l) => ({ write: output(l) })),
    { extraPorts: EXTRA_PORTS },
  );
  // ssl<i> is UART i; only lines with a channel get one (UML's `none` is absent).
  const uartBackends = lines.ssl.map((l) => (l.configured ? { write: output(l) } : undefined));
  while (uartBackends.length && !uartBackends[uartBackends.length - 1]) uartBackends.pop();

  // One virtio-mmio slot per disk, beside the console.
  if (disks.length > VIRT_VIRTIO.count - 1) {
    for (const d of disks) d.backend.close();
    throw new WireError(`ubd: at most ${VIRT_VIRTIO.count - 1} disks can be open at once (${disks.length} configured)`);
  }
  // Empty disk slots for units added while running, in the virtio slots left over.
  const spareCount = Math.max(0, Math.min(opts.ubdHotplugSlots ?? 0, UBD_UNITS - disks.length, VIRT_VIRTIO.count - disks.length - 1));
  const spares = Array.from({ length: spareCount }, (_, i) => ({ dev: new VirtioBlk(null), mmioBase: virtioBase(disks.length + 1 + i) }));
  // One virtio-net per vec<N>, after every other slot.
  if (disks.length + 1 + spareCount + (config.vec?.length ?? 0) > VIRT_VIRTIO.count) throw new WireError(`vec: too many network devices (at most ${VIRT_VIRTIO.count - 1 - disks.length - spareCount})`);
  const net = buildNetDriver(config.vec ?? [], opts.log);
  const ubdUnits = new UbdUnits(
    ubdConfigs.map((c) => ({ config: c, disk: disks.find((d) => d.unit === c.unit)?.backend })),
    spares,
    { ops: hostFileOps, log: opts.log, sync: !!config.ubdSync },
  );

  const machine = await Machine.create({
    core: opts.core,
    ramSize: config.memBytes,
    kernel,
    initrd,
    // On a terminal the guest keeps echo and CR-LF for the command; on pipes and files it
    // turns them off so stdout carries the command's bytes unchanged.
    cmdline: guestCmdline(config.cmdline, disks, exec && process.stdin.isTTY),
    clock: new NodeClock(),
    scheduler: new NodeScheduler(),
    random: (buf) => randomFillSync(buf),
    sbiConsole,
    uarts: uartBackends,
    rtc: true,
    syscon: true,
    // Disks first, in unit order: the guest names them vda, vdb, … in this order.
    virtio: [...disks.map((d) => new VirtioBlk(d.backend)), virtioConsole, ...spares.map((s) => s.dev), ...net.virtio.last],
    noreboot: config.noreboot,
    onWarning: (msg) => opts.log(msg),
    onBoot: () => {
      panicked = undefined;
      panicEnd = undefined;
      mc?.booted();
    },
  });
  if (opts.mconsole !== false) {
    try {
      mc = new McInstance({
        umlDir: config.umlDir, umid: config.umid, notify: config.mconsoleNotify, machine,
        addPort: (name, backend) => virtioConsole.addPort(name, backend),
        devices: bootDevices(config, { ubd: ubdUnits, con: lineHotPlug('con'), ssl: lineHotPlug('ssl') }),
        kernelImage: kernel,
        log: opts.log,
        onWatchdogExpired: () => machine.stop(),
        watchdogMs: opts.mconsoleWatchdogMs,
      });
      // A hot-added disk gets its /dev/ubdX in the guest from the agent.
      ubdUnits.onChange = (c) => mc?.ubdChanged(c.name, c.mmioBase, c.present);
      if (!exec) opts.log(`mconsole (version 2) initialized on ${mc.socketPath}`);
      mc.booted();
    } catch (e) {
      opts.log(`Failed to initialize management console: ${(e as Error).message}`);
    }
  }

  lines.con.forEach((l, i) => {
    const port = virtioConsole.console(i);
    l.attach({
      send: (d) => port.send(d),
      set onSpace(f: () => void) {
        port.onSpace = f;
      },
      resumeOutput: () => port.resumeOutput(),
      resize: (rows, cols) => port.resize(rows, cols),
      // The host side went away (a telnet client left, end of input): the guest's session
      // on this console is hung up, as UML does; except on the kernel console, whose shell
      // is the default image's PID 1 (it would power the machine off): input just ends there.
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
        uart.onRxReady = () => void setImmediate(f);
      },
      resumeOutput: () => uart.resumeOutput(),
      // The host side went away: drop carrier (the guest's session is hung up), then raise
      // it again for the next one.
      hangup: () => {
        if (l === kernelLine) return;
        uart.setCarrier(false);
        setTimeout(() => uart.setCarrier(true), 100).unref();
      },
    });
  });

  const lineByName = (name: string): Line | undefined => {
    const m = /^(con|ssl)(\d+)$/.exec(name);
    return m ? lines[m[1] as 'con' | 'ssl'][Number(m[2])] : undefined;
  };
  // mconsole's config/remove for the lines, with UML's replies.
  function lineHotPlug(kind: 'con' | 'ssl'): HotPlug {
    const OK = (text = '') => ({ err: 0, text });
    const ERR = (text: string, err = 1) => ({ err, text });
    const unit = (s: string): Line | string => {
      const n = parseCInteger(s);
      if (n === undefined) return "Couldn't parse device number";
      return lines[kind][n] ?? 'Device number out of range';
    };
    return {
      query: (u) => {
        const l = unit(u);
        return typeof l === 'string' ? ERR(l === 'Device number out of range' ? 'device number out of range' : l) : OK(l.describe());
      },
      config: async (spec) => {
        const eq = spec.indexOf('=');
        if (eq === 0) return ERR("Can't configure all devices from mconsole", -22);
        if (eq < 0) return ERR(`${kind}: expected ${kind}<n>=<channels>`);
        const l = unit(spec.slice(0, eq));
        if (typeof l === 'string') return ERR(l);
        const c = parseLineConfig(spec.slice(eq + 1));
        if (typeof c === 'object' && 'error' in c) return ERR(c.error);
        try {
          await l.reconfigure(c);
        } catch (e) {
          return ERR((e as Error).message);
        }
        return OK();
      },
      remove: async (u) => {
        const l = unit(u);
        if (typeof l === 'string') return ERR(l);
        if (!l.configured) return ERR("configured as 'none'", -22);
        await l.reconfigure('none');
        return OK();
      },
    };
  }

  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await mc?.dispose();
    for (const l of allLines) l.close();
    for (const d of disks) d.backend.close();
    ubdUnits.close();
    net.dispose();
  };


  return {
    machine,
    dispose,
    addPort: (name, backend) => virtioConsole.addPort(name, backend),
    removePort: (port) => virtioConsole.removePort(port),
    ubd: ubdUnits,
    get mconsole() {
      return mc;
    },
    lines: {
      get: (name) => lineByName(name)?.describe(),
      config: async (name, text) => {
        const l = lineByName(name);
        if (!l) return `no such line "${name}"`;
        const c = parseLineConfig(text);
        if (typeof c === 'object' && 'error' in c) return c.error;
        try {
          await l.reconfigure(c);
        } catch (e) {
          return (e as Error).message;
        }
        return undefined;
      },
      remove: async (name) => {
        const l = lineByName(name);
        if (!l) return `no such line "${name}"`;
        await l.reconfigure('none');
        return undefined;
      },
    },
    run: async () => {
      for (const l of allLines) l.openEager();
      try {
        // As UML, a port channel on the kernel console holds the boot until a client connects.
        const wait = kernelLine.portToWaitFor();
        if (wait) {
          opts.log(`${kernelLine.name}: waiting for a telnet client on ${wait.describe()} before booting`);
          // A signal or mconsole halt while waiting ends the instance at once.
          const early = await new Promise<MachineExit | undefined>((resolve) => {
            wait.onClient = () => resolve(undefined);
            machine.onEarlyExit(resolve);
          });
          if (early) return early;
        }
        const exit = await machine.run();
        // panic=N restarted the guest after a panic, and noreboot turned the restart into the end.
        if (exit.kind === 'reboot' && panicked !== undefined) return { kind: 'panic', message: panicked };
        return exit;
      } finally {
        await dispose();
      }
    },
  };
}

interface OpenedDisk {
  unit: number;
  backend: UbdDisk;
}

/** UML's unit 0 when the command line configures none: `root_fs` in the current directory, if there is one. */
function withDefaultUnit0(ubd: readonly UbdConfig[], sync: boolean): readonly UbdConfig[] {
  if (ubd.some((d) => d.unit === 0) || !existsSync('root_fs')) return ubd;
  const unit0: UbdConfig = { unit: 0, file: 'root_fs', readOnly: false, sync, noCowDetect: false, shared: false, noTrim: false };
  return [unit0, ...ubd];
}

/**
 * Opens the ubd units, in unit order. As UML, a plain image that does not exist is reported
 * and the boot goes on without it. Anything that makes a disk unsafe to use (a damaged COW
 * header or bitmap, a missing or changed backing file, a lock held by another instance) stops
 * the boot with one line, before any file is written.
 */
function openDisks(ubd: readonly UbdConfig[], ops: HostFileOps | undefined, log: (line: string) => void): OpenedDisk[] {
  const out: OpenedDisk[] = [];
  for (const d of ubd) {
    try {
      out.push({ unit: d.unit, backend: openUbd(d, { ops, log }) });
    } catch (e) {
      if (e instanceof UbdMissingError) {
        for (const line of e.lines) log(line);
        continue;
      }
      for (const o of out) o.backend.close();
      if (e instanceof UbdOpenError) throw new WireError(`${ubdName(d.unit)}: ${e.message}`);
      const err = e as NodeJS.ErrnoException;
      throw new WireError(`${ubdName(d.unit)}: ${d.file}: ${err.code ?? err.message}`);
    }
  }
  return out;
}

/**
 * The kernel command line with UML's disk names in the guest's terms: the disks are virtio
 * disks in unit order (vda, vdb, …), so `root=/dev/ubdc` names the second one when ubda and
 * ubdc are open. `tuml.ubd=` tells the guest's init which unit sits in each virtio-mmio slot
 * (one letter per slot, disks first) so that it can create /dev/ubda … /dev/ubdp.
 */
function guestCmdline(cmdline: string, disks: readonly OpenedDisk[], execTty: boolean): string {
  const args = cmdline.split(' ').filter((a) => a !== '').map((a) => {
    // /dev/ubda1 is unit a's first partition; /dev/ubd0 (the old numeric name, still in the
    // HowTo's fstab and help) is unit 0's disk.
    const m = /^(root=\/dev\/)ubd(?:([a-p])(\d*)|(\d+))$/.exec(a);
    if (!m) return a;
    const unit = m[4] !== undefined ? Number(m[4]) : m[2].charCodeAt(0) - 0x61;
    const idx = disks.findIndex((d) => d.unit === unit);
    return idx < 0 ? a : `${m[1]}vd${String.fromCharCode(0x61 + idx)}${m[3] ?? ''}`;
  });
  if (disks.length) args.push(`tuml.ubd=${disks.map((d) => ubdName(d.unit).slice(3)).join('')}`);
  if (execTty) args.push('tuml.exectty=1');
  const out = args.join(' ');
  if (out.length > MAX_CMDLINE) throw new WireError(`kernel command line too long (${out.length} bytes, at most ${MAX_CMDLINE})`);
  return out;
}

/** The end of the kernel's panic report; after it the kernel only spins. */
const PANIC_END_MARK = '---[ end Kernel panic';
/** How long the kernel may take to print its panic report when its end mark does not show. */
const PANIC_REPORT_MS = 2000;

/** The guest kernel's panic timeout: the last panic=N on its command line (0 when absent). */
function kernelPanicTimeout(cmdline: string): number {
  let t = 0;
  for (const a of cmdline.split(' ')) {
    const m = /^panic=(-?\d+)$/.exec(a);
    if (m) t = Number(m[1]);
  }
  return t;
}

/** Calls `f` each time `mark` appears in a byte stream (chunks may split it anywhere). */
class TextWatch {
  private matched = 0;
  private readonly mark: Uint8Array;

  constructor(mark: string, private readonly f: () => void) {
    this.mark = new TextEncoder().encode(mark);
  }

  feed(d: Uint8Array): void {
    const mark = this.mark;
    for (let i = 0; i < d.length; i++) {
      if (d[i] === mark[this.matched]) this.matched++;
      else this.matched = d[i] === mark[0] ? 1 : 0;
      if (this.matched === mark.length) {
        this.matched = 0;
        this.f();
      }
    }
  }
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
        for (const f of this.listeners) setImmediate(f);
        return;
      }
    }
  }
}
