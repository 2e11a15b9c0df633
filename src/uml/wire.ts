// The one place where a parsed UML configuration meets the host: it reads the
// boot images, opens the host channels and builds the machine with them.
//
// Consoles at this stage: con0's channel carries every guest console — the
// UART (ttyS0), the SBI console (hvc0, and earlycon=sbi) and the virtio
// console (hvc1; hvc0 belongs to the SBI console in kernels with
// HVC_RISCV_SBI). All output goes to con0's output; input goes to the device
// named by the last console= on the guest command line (ttyS0 by default).

import { randomFillSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NodeClock, NodeScheduler } from '../host/clock.js';
import { StdioChannel } from '../host/console/stdio.js';
import { Machine, type MachineExit } from '../machine/machine.js';
import type { SbiConsole } from '../machine/sbi.js';
import { type ConsoleBackend, type ConsolePort, VirtioConsole } from '../virtio/console.js';
import { VirtioBlk } from '../virtio/blk.js';
import { type UbdDisk, UbdMissingError, UbdOpenError, openUbd } from '../host/block/ubd.js';
import { type HostFileOps, hostFileOps } from '../host/block/hostops.js';
import { existsSync } from 'node:fs';
import type { UbdConfig } from './cmdline/index.js';
import { MAX_CMDLINE, type MachineConfig } from './cmdline/index.js';
import { ubdName } from './cmdline/ubd.js';
import { UbdUnits } from './ubd-units.js';
import { VIRT_VIRTIO, virtioBase } from '../machine/virt.js';
import { McInstance, PanicWatch } from '../mconsole/instance.js';
import { bootDevices } from '../mconsole/devices.js';

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
}

/** Named virtio-console ports available besides the consoles. */
export const EXTRA_PORTS = 8;

/** A host-side problem that stops the boot (missing kernel, …). */
export class WireError extends Error {}

type InputTarget = 'uart' | 'sbi' | 'virtio';

/** Which device gets con0's input, from the guest's preferred (last) console=. */
function inputTarget(cmdline: string): InputTarget {
  let target: InputTarget = 'uart';
  for (const arg of cmdline.split(' ')) {
    if (!arg.startsWith('console=')) continue;
    const name = arg.slice(8).split(',')[0];
    if (name === 'hvc0') target = 'sbi';
    else if (/^hvc[1-9]/.test(name)) target = 'virtio';
    else if (name.startsWith('ttyS')) target = 'uart';
  }
  return target;
}

export async function wireMachine(config: MachineConfig, opts: WireOptions): Promise<WiredMachine> {
  let kernel: Uint8Array;
  try {
    kernel = await readFile(opts.kernel);
  } catch (e) {
    throw new WireError(`cannot read the kernel ${opts.kernel}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  let initrd: Uint8Array | undefined;
  if (config.initrd !== undefined) {
    // As UML: a missing or empty initrd is reported and the boot goes on without it.
    try {
      initrd = await readFile(config.initrd);
      if (initrd.length === 0) {
        opts.log(`"${config.initrd}" is empty`);
        initrd = undefined;
      }
    } catch (e) {
      opts.log(`Opening '${config.initrd}' failed - err = ${(e as NodeJS.ErrnoException).errno ?? e}`);
    }
  } else if (opts.defaultInitrd) {
    try {
      initrd = await readFile(opts.defaultInitrd);
    } catch (e) {
      throw new WireError(`cannot read the initramfs ${opts.defaultInitrd}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }

  // Disks before anything else is set up: a disk that cannot be used safely stops the boot here.
  const ubdConfigs = withDefaultUnit0(config.ubd, !!config.ubdSync);
  const disks = openDisks(ubdConfigs, hostFileOps, opts.log);

  const con0 = config.con0;
  const channel = new StdioChannel({
    input: con0 !== 'none' && con0.input.type === 'fd',
    output: con0 !== 'none' && con0.output.type === 'fd' ? (con0.output.fd as 1 | 2) : null,
  });
  // Kernel panics reach mconsole's notify socket; the console text is where they show.
  const panics = new PanicWatch((msg) => mc?.panicked(msg));
  let mc: McInstance | undefined;
  const out = { write: (d: Uint8Array) => (panics.feed(d), channel.write(d)) };
  // `-- COMMAND`: the command talks on ttyS0 alone; kernel messages (hvc0) are dropped.
  const exec = config.exec !== undefined;
  const discard = { write: (d: Uint8Array) => panics.feed(d) };
  const consoleOut = exec ? discard : out;
  // In exec mode the guest's init marks the moment ttyS0 is set up for the command: input
  // waits for it (so nothing is echoed by a line still in its default modes), and output
  // before it is not the command's.
  const gate = exec ? new ReadyGate(out) : undefined;
  const uartOut = gate ?? out;

  // SBI console input is polled by the guest (getchar / DBCN read).
  const sbiInput: number[] = [];
  const sbiConsole: SbiConsole = {
    write: consoleOut.write,
    read: (dst) => {
      const n = Math.min(dst.length, sbiInput.length);
      for (let i = 0; i < n; i++) dst[i] = sbiInput[i];
      sbiInput.splice(0, n);
      if (n > 0) channel.resume();
      return n;
    },
  };
  const virtioConsole = new VirtioConsole(consoleOut, { extraPorts: EXTRA_PORTS });

  // One virtio-mmio slot per disk, beside the console.
  if (disks.length > VIRT_VIRTIO.count - 1) {
    for (const d of disks) d.backend.close();
    throw new WireError(`ubd: at most ${VIRT_VIRTIO.count - 1} disks can be open at once (${disks.length} configured)`);
  }
  // Empty disk slots for units added while running, in the virtio slots left over.
  const spareCount = Math.max(0, Math.min(opts.ubdHotplugSlots ?? 0, VIRT_VIRTIO.count - disks.length - 1));
  const spares = Array.from({ length: spareCount }, (_, i) => ({ dev: new VirtioBlk(null), mmioBase: virtioBase(disks.length + 1 + i) }));
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
    uart: uartOut,
    rtc: true,
    syscon: true,
    // Disks first, in unit order: the guest names them vda, vdb, … in this order.
    virtio: [...disks.map((d) => new VirtioBlk(d.backend)), virtioConsole, ...spares.map((s) => s.dev)],
    noreboot: config.noreboot,
    onWarning: (msg) => opts.log(msg),
    onBoot: () => mc?.booted(),
  });
  if (opts.mconsole !== false) {
    try {
      mc = new McInstance({
        umlDir: config.umlDir, umid: config.umid, notify: config.mconsoleNotify, machine,
        addPort: (name, backend) => virtioConsole.addPort(name, backend),
        devices: bootDevices(config, { ubd: ubdUnits }),
        kernelImage: kernel,
        log: opts.log,
      });
      // A hot-added disk gets its /dev/ubdX in the guest from the agent.
      ubdUnits.onChange = (c) => mc?.ubdChanged(c.name, c.mmioBase, c.present);
      if (!exec) opts.log(`mconsole (version 2) initialized on ${mc.socketPath}`);
      mc.booted();
    } catch (e) {
      opts.log(`Failed to initialize management console: ${(e as Error).message}`);
    }
  }

  // Input routing, with back-pressure: what a device refuses waits, and stdin pauses.
  const target = exec ? 'uart' : inputTarget(config.cmdline);
  let backlog: Uint8Array[] = [];
  let retry: ReturnType<typeof setTimeout> | undefined;
  const offer = (d: Uint8Array): number => {
    switch (target) {
      case 'uart':
        return machine.uart ? machine.uart.receive(d) : d.length;
      case 'virtio':
        return virtioConsole.receive(d);
      case 'sbi': {
        const n = Math.min(d.length, 64 * 1024 - sbiInput.length);
        for (let i = 0; i < n; i++) sbiInput.push(d[i]);
        return n;
      }
    }
  };
  const drain = () => {
    if (retry) clearTimeout(retry);
    retry = undefined;
    if (gate && !gate.open) {
      channel.pause(); // the guest is not ready for input yet
      return;
    }
    while (backlog.length) {
      const d = backlog[0];
      const n = offer(d);
      if (n < d.length) {
        backlog[0] = d.subarray(n);
        channel.pause();
        retry = setTimeout(drain, 10);
        return;
      }
      backlog.shift();
    }
    channel.resume();
  };

  // The UART says when it takes input again; drain outside the guest's register access.
  if (machine.uart) machine.uart.onRxReady = () => void setImmediate(() => backlog.length && drain());

  gate?.onOpen(() => setImmediate(drain));

  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    if (retry) clearTimeout(retry);
    backlog = [];
    mc?.dispose();
    await channel.close();
    for (const d of disks) d.backend.close();
    ubdUnits.close();
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
    run: async () => {
      channel.open(
        (d) => {
          backlog.push(d.slice());
          if (!retry) drain();
        },
        // End of input: the command sees end-of-file (VEOF on its canonical-mode tty).
        exec && !process.stdin.isTTY
          ? () => {
              backlog.push(Uint8Array.of(4));
              if (!retry) drain();
            }
          : undefined,
      );
      try {
        return await machine.run();
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
    const m = /^(root=\/dev\/)ubd([a-p])(\d*)$/.exec(a);
    if (!m) return a;
    const idx = disks.findIndex((d) => ubdName(d.unit) === `ubd${m[2]}`);
    return idx < 0 ? a : `${m[1]}vd${String.fromCharCode(0x61 + idx)}${m[3]}`;
  });
  if (disks.length) args.push(`tuml.ubd=${disks.map((d) => ubdName(d.unit).slice(3)).join('')}`);
  if (execTty) args.push('tuml.exectty=1');
  const out = args.join(' ');
  if (out.length > MAX_CMDLINE) throw new WireError(`kernel command line too long (${out.length} bytes, at most ${MAX_CMDLINE})`);
  return out;
}

/** Drops output until the guest's ready mark (ESC ] tuml;ready BEL), then passes it through. */
class ReadyGate {
  private static readonly MARK = new TextEncoder().encode('\x1b]tuml;ready\x07');
  open = false;
  private matched = 0;
  private listener: (() => void) | undefined;

  constructor(private readonly out: { write(d: Uint8Array): void }) {}

  onOpen(f: () => void): void {
    this.listener = f;
  }

  write(d: Uint8Array): void {
    if (this.open) {
      this.out.write(d);
      return;
    }
    const mark = ReadyGate.MARK;
    for (let i = 0; i < d.length; i++) {
      if (d[i] === mark[this.matched]) this.matched++;
      else this.matched = d[i] === mark[0] ? 1 : 0;
      if (this.matched === mark.length) {
        this.open = true;
        if (i + 1 < d.length) this.out.write(d.subarray(i + 1));
        this.listener?.();
        return;
      }
    }
  }
}
