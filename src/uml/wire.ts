// The one place where a parsed UML configuration meets the host: it reads the boot images,
// runs the drivers (src/uml/drivers/: ubd, line, exec, hostfs, net; mconsole once the machine exists) in
// order, lays their devices out on the board and builds the machine from what they give.
// It also watches the kernel console for panics, which end the run as UML's process ends.

import { BootFileError, readBootFile } from '../host/bootfile.js';
import { NodeClock, NodeScheduler } from '../host/clock.js';
import { randomFill } from '../host/env.js';
import { hostReactor } from '../host/io/reactor.js';
import { Machine, type MachineExit, isRiscvImage } from '../machine/machine.js';
import { VIRT_VIRTIO, virtioBase } from '../machine/virt.js';
import { type McInstance, PanicWatch } from '../mconsole/instance.js';
import type { ConsoleBackend, ConsolePort } from '../virtio/console.js';
import type { VirtioDevice } from '../virtio/device.js';
import { MAX_CMDLINE, type MachineConfig } from './cmdline/index.js';
import { type BuildContext, DriverError, type DriverInstance, type Placed } from './drivers/driver.js';
import { buildExec } from './drivers/exec.js';
import { HOSTFS_CHANNELS, buildHostfs } from './drivers/hostfs.js';
import { buildNet } from './drivers/net.js';
import { type LineDriver, buildLines } from './drivers/line.js';
import { startMconsole } from './drivers/mconsole.js';
import { type UbdDriver, buildUbd } from './drivers/ubd.js';
import type { UbdUnits } from './ubd-units.js';


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
  /** Spare network slots (no carrier) for `config ethN=` / `config vecN:`; default 0. */
  netHotplugSlots?: number;
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

/** A host-side problem that stops the boot (missing kernel, …). */
export class WireError extends Error {}

export async function wireMachine(config: MachineConfig, opts: WireOptions): Promise<WiredMachine> {
  const { kernel, initrd } = readBootImages(config, opts);

  // Kernel panics, seen in the kernel console's text: the message goes to stderr and to mconsole's
  // notify socket. With panic=0 (the kernel's default) the guest would spin forever, so the run
  // ends, as UML's process does, once the kernel has printed its report; with panic=N the kernel
  // restarts itself, and a restart refused by noreboot still ends as a panic.
  const panicTimeout = kernelPanicTimeout(config.cmdline);
  let panicked: string | undefined;
  let panicEnd: (() => void) | undefined;
  let mc: McInstance | undefined;
  let machine: Machine | undefined;
  const panics = new PanicWatch((msg) => {
    if (panicked !== undefined) return; // the report's closing line repeats the message
    panicked = msg;
    opts.log(`Kernel panic - not syncing: ${msg}`);
    mc?.panicked(msg);
    if (panicTimeout !== 0) return;
    const cancel = hostReactor.after(PANIC_REPORT_MS, () => machine?.panic(msg));
    panicEnd = () => {
      cancel();
      machine?.panic(msg);
    };
  });
  const panicEnds = new TextWatch(PANIC_END_MARK, () => panicEnd?.());
  const watchKernelConsole = (d: Uint8Array) => {
    panics.feed(d);
    if (panicEnd) panicEnds.feed(d);
  };

  // The drivers, in UML's order: disks first (a disk that cannot be used safely stops the boot
  // before anything else is set up), then the lines (whose virtio console carries every named
  // port), then what needs those ports.
  const drivers: DriverInstance[] = [];
  const disposeAll = async () => {
    for (const d of drivers.splice(0).reverse()) await d.dispose();
  };
  let lines: LineDriver | undefined;
  let ubd: UbdDriver;
  const ctx: BuildContext = {
    config,
    log: opts.log,
    ubdHotplugSlots: opts.ubdHotplugSlots ?? 0,
    netHotplugSlots: opts.netHotplugSlots ?? 0,
    addPort: (name, backend) => {
      if (!lines) throw new Error('named ports exist once the line driver is built');
      return lines.addPort(name, backend);
    },
  };
  let lineDriver: LineDriver;
  try {
    drivers.push((ubd = buildUbd(ctx)));
    drivers.push((lineDriver = lines = await buildLines(ctx, watchKernelConsole)));
    drivers.push(buildExec(ctx));
    drivers.push(buildHostfs(ctx));
    drivers.push(buildNet(ctx));
  } catch (e) {
    await disposeAll();
    if (e instanceof DriverError) throw new WireError(e.message);
    throw e;
  }

  // The board's virtio slots: every driver's `first` devices, then every driver's `last` ones;
  // the empty disk slots for hot-plug take what is left.
  const used = drivers.reduce((n, d) => n + (d.virtio?.first?.length ?? 0) + (d.virtio?.last?.length ?? 0), 0);
  if (used > VIRT_VIRTIO.count) {
    await disposeAll();
    throw new WireError(`too many devices for the board's ${VIRT_VIRTIO.count} virtio slots (${used}: disks, the console, hostfs's ${HOSTFS_CHANNELS} channels, network devices)`);
  }
  ubd.reserveSpares(VIRT_VIRTIO.count - used);
  const virtio: VirtioDevice[] = [
    ...drivers.flatMap((d) => d.virtio?.first ?? []),
    ...drivers.flatMap((d) => d.virtio?.last ?? []),
  ];
  const placed: Placed[] = virtio.map((dev, slot) => ({ dev, slot, mmioBase: virtioBase(slot) }));
  let args = config.cmdline.split(' ').filter((a) => a !== '');
  for (const d of drivers) if (d.cmdline) args = d.cmdline(args);
  const cmdline = args.join(' ');
  if (cmdline.length > MAX_CMDLINE) {
    await disposeAll();
    throw new WireError(`kernel command line too long (${cmdline.length} bytes, at most ${MAX_CMDLINE})`);
  }

  try {
    machine = await Machine.create({
      core: opts.core,
      ramSize: config.memBytes,
      kernel,
      initrd,
      cmdline,
      clock: new NodeClock(),
      scheduler: new NodeScheduler(() => hostReactor.poll()),
      random: randomFill,
      sbiConsole: lineDriver.sbiConsole,
      uarts: drivers.find((d) => d.uarts)?.uarts,
      rtc: true,
      syscon: true,
      virtio,
      noreboot: config.noreboot,
      onWarning: (msg) => opts.log(msg),
      onBoot: () => {
        panicked = undefined;
        panicEnd = undefined;
        mc?.booted();
      },
    });
  } catch (e) {
    await disposeAll();
    throw e;
  }
  const m = machine;
  for (const d of drivers) d.attach?.(m, placed);

  if (opts.mconsole !== false) {
    mc = startMconsole({
      config, machine: m, kernelImage: kernel, log: opts.log, watchdogMs: opts.mconsoleWatchdogMs,
      addPort: ctx.addPort,
      devices: drivers.flatMap((d) => d.mconsole?.() ?? []),
      announce: config.exec === undefined,
    });
    // A hot-added disk gets its /dev/ubdX in the guest from the agent.
    ubd.units.onChange = (c) => mc?.ubdChanged(c.name, c.mmioBase, c.present);
  }

  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await mc?.dispose();
    await disposeAll();
  };
  return {
    machine: m,
    dispose,
    addPort: ctx.addPort,
    removePort: (port) => lineDriver.removePort(port),
    ubd: ubd.units,
    get mconsole() {
      return mc;
    },
    lines: { get: lineDriver.get, config: lineDriver.config, remove: lineDriver.remove },
    run: async () => {
      try {
        for (const d of drivers) {
          const early = await d.beforeRun?.(m);
          if (early) return early;
        }
        const exit = await m.run();
        // panic=N restarted the guest after a panic, and noreboot turned the restart into the end.
        if (exit.kind === 'reboot' && panicked !== undefined) return { kind: 'panic', message: panicked };
        return exit;
      } finally {
        await dispose();
      }
    },
  };
}

/** The kernel and the initrd: regular files that fit in guest RAM, the kernel a RISC-V Image. */
function readBootImages(config: MachineConfig, opts: WireOptions): { kernel: Uint8Array; initrd?: Uint8Array } {
  let kernel: Uint8Array;
  try {
    kernel = readBootFile(opts.kernel, config.memBytes);
  } catch (e) {
    if (e instanceof BootFileError) throw new WireError(e.message);
    throw e;
  }
  if (!isRiscvImage(kernel)) throw new WireError(`${opts.kernel}: not a RISC-V Linux kernel Image`);
  const initrdPath = config.initrd ?? opts.defaultInitrd;
  if (initrdPath === undefined) return { kernel };
  let initrd: Uint8Array;
  try {
    initrd = readBootFile(initrdPath, config.memBytes);
  } catch (e) {
    if (e instanceof BootFileError) throw new WireError(`initrd: ${e.message}`);
    throw e;
  }
  // As UML: an empty initrd is reported and the boot goes on without it.
  if (initrd.length === 0) {
    opts.log(`"${initrdPath}" is empty`);
    return { kernel };
  }
  return { kernel, initrd };
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

  constructor(
    mark: string,
    private readonly f: () => void,
  ) {
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
