// UML's command line (the spec's command-line.md), turned into a typed MachineConfig.
// Every argument is offered to the drivers' switches (switch.ts; the program's own here,
// ubd.ts, channel.ts for the lines, mconsole.ts, hostfs.ts, vec.ts, eth.ts), as UML's __setup table does; what no
// switch claims joins the guest kernel command line, in order, separated by single spaces.

import { LINE_SWITCHES, type LineConfig, NR_CONSOLES, NR_SERIAL } from './channel.js';
import { MCONSOLE_SWITCHES } from './mconsole.js';
import { formatSize, parseSize } from './size.js';
import { type Draft, type Switch, prefixSwitch } from './switch.js';
import { UBD_SWITCHES, type UbdConfig } from './ubd.js';
import { HOSTFS_SWITCHES, type HostfsConfig, hostfsRootArg } from './hostfs.js';
import { VEC_SWITCHES, type VecConfig } from './vec.js';
import { ETH_SWITCHES, type EthConfig } from './eth.js';
import { DEFAULT_XTERM_SETTINGS, type XtermOption } from './xterm.js';

export { helpText } from './help.js';
export type { Channel, LineConfig } from './channel.js';
export type { XtermOption } from './xterm.js';

export { NR_CONSOLES, NR_SERIAL } from './channel.js';
export type { UbdConfig } from './ubd.js';

/** UML's default RAM size. */
export const DEFAULT_MEM = 64 * 1024 * 1024;
/** The CPU core keeps guest RAM in one wasm memory of at most 4 GiB, after 16 MiB of its own. */
export const MAX_MEM = 4096 * 1024 * 1024 - 16 * 1024 * 1024;
/** riscv COMMAND_LINE_SIZE is 1024 bytes including the terminating NUL. */
export const MAX_CMDLINE = 1023;

export interface MachineConfig {
  /** Guest RAM in bytes (page-aligned). */
  memBytes: number;
  /** Host path of an initrd/initramfs image, from initrd=. */
  initrd?: string;
  /** Host path of the guest kernel Image (`--kernel=`); the default image's when absent. */
  kernel?: string;
  /** root= and init= as given (they also stay in the kernel command line). */
  root?: string;
  init?: string;
  /** Machine id, from umid=. */
  umid?: string;
  /** Parent of the instance directories (uml_dir=, as given; `~/.uml/` by default). */
  umlDir: string;
  /** mconsole=notify:<socket>. */
  mconsoleNotify?: string;
  /** Reboot requests end the process (status 0). */
  noreboot: boolean;
  /** con0's channels (same as con[0]). */
  con0: LineConfig;
  /** Every console's channels (UML defaults: con0 fd:0,fd:1, the others xterm). */
  con: LineConfig[];
  /** Every serial line's channels (UML default: pty). */
  ssl: LineConfig[];
  /** Lines the command line configured (conN=/con=, sslN=/ssl=): the guest runs a login on these. */
  explicit: { con: boolean[]; ssl: boolean[] };
  /** The kernel console's line, from the last console= (default con0). */
  kernelConsole: { kind: 'con' | 'ssl'; index: number };
  /** UML's xterm= (terminal emulator and its title switch). */
  xterm: XtermOption;
  /** UML's ssl-non-raw: serial-line host terminals keep their mode. */
  sslNonRaw: boolean;
  /** Block devices by unit order (ubd0 first). */
  ubd: UbdConfig[];
  /** `ubd=sync`: every disk, including those added later, is synchronous. */
  ubdSync?: boolean;
  /** Vector network devices (vec<N>:), in unit order. */
  vec?: VecConfig[];
  /** Legacy network devices (eth<N>=), in unit order. */
  eth?: EthConfig[];
  /** The guest kernel command line. */
  cmdline: string;
  /** `hostfs=`: the confinement root of hostfs mounts (absent: the host's `/`). */
  hostfs?: HostfsConfig;
  /**
   * `tuml [args] -- COMMAND [ARGS...]`: run this command in the guest with the
   * process's stdin/stdout, then power off with its exit status.
   */
  exec?: string[];
  /** Non-fatal remarks about the arguments, one line each. */
  warnings: string[];
}

export type ParseResult =
  | { kind: 'run'; config: MachineConfig }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'showconfig' }
  | { kind: 'error'; message: string };

const err = (message: string): ParseResult => ({ kind: 'error', message: `tuml: ${message}` });

/**
 * Parses the arguments after the program name. Errors come back as one line
 * (`tuml: mem=12Q: invalid size`); nothing is printed here.
 */
export function parseCommandLine(argv: readonly string[]): ParseResult {
  const d: Draft = {
    memBytes: DEFAULT_MEM,
    umlDir: '~/.uml/',
    noreboot: false,
    lineDefault: {},
    lineSet: { con: new Map(), ssl: new Map() },
    xterm: DEFAULT_XTERM_SETTINGS,
    sslNonRaw: false,
    ubd: new Map(),
    ubdSeen: new Set(),
    ubdSync: false,
    vec: [],
    eth: [],
    kernel: [],
    warnings: [],
  };
  let exec: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      exec = argv.slice(i + 1);
      if (exec.length === 0) return err('--: missing command');
      break;
    }
    if (arg.startsWith(' ')) continue; // UML skips these
    if (arg === '--help') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    if (arg === '--showconfig') return { kind: 'showconfig' };
    const sw = SWITCHES.find((s) => s.claims(arg));
    if (!sw) {
      d.kernel.push(arg);
      continue;
    }
    const e = sw.take(arg, d);
    if (e) return err(e);
  }
  const { memBytes, initrd, kernelImage, umid, umlDir, mconsoleNotify, noreboot, lineDefault, lineSet, xterm, sslNonRaw, ubd, ubdSync, hostfs, vec, eth, kernel, warnings } = d;
  const rootArg = hostfsRootArg(kernel);
  if (rootArg) kernel.push(rootArg);
  const root = lastValue(kernel, 'root=');
  const init = lastValue(kernel, 'init=');

  // As UML, console=tty0 (con0) unless the command line names one. In exec mode the
  // command talks on ttyS0 and kernel messages go to con0, which drops them unless con0= is given.
  if (!kernel.some((a) => a.startsWith('console='))) kernel.push('console=tty0');
  const con = Array.from({ length: NR_CONSOLES }, (_, i): LineConfig =>
    lineSet.con.get(i) ?? lineDefault.con ?? (i === 0 ? { input: FD0, output: FD1 } : { input: XTERM, output: XTERM }));
  if (exec && !lineSet.con.has(0)) con[0] = { input: NULL, output: NULL };
  const ssl = Array.from({ length: NR_SERIAL }, (_, i): LineConfig => lineSet.ssl.get(i) ?? lineDefault.ssl ?? { input: PTY, output: PTY });
  const explicit = {
    con: con.map((c, i) => c !== 'none' && (lineSet.con.has(i) || lineDefault.con !== undefined)),
    ssl: ssl.map((c, i) => c !== 'none' && (lineSet.ssl.has(i) || lineDefault.ssl !== undefined)),
  };
  if (exec) {
    ssl[0] = { input: FD0, output: FD1 };
    kernel.push(`tuml.exec=${encodeExec(exec)}`);
  } else {
    const mask = (l: LineConfig[], e: boolean[]) =>
      l.reduce((m, c, i) => (e[i] && c !== 'none' && c.output.type !== 'null' ? m | (1 << i) : m), 0).toString(16);
    kernel.push(`tuml.getty=${mask(con, explicit.con)}.${mask(ssl, explicit.ssl)}`);
  }
  const disks = [...ubd.values()].sort((a, b) => a.unit - b.unit);
  const guestArgs = kernel.map(guestConsoleName);
  let kernelConsole: MachineConfig['kernelConsole'] = { kind: 'con', index: 0 };
  for (const a of guestArgs) {
    const m = /^console=(hvc|ttyS)(\d+)/.exec(a);
    if (m) kernelConsole = { kind: m[1] === 'hvc' ? 'con' : 'ssl', index: Number(m[2]) };
  }
  // Linux's virtio console registers hvc as a console before it can print, so the replay of
  // the boot log is lost: the SBI early console carries it instead until hvc takes over
  // (without printing it twice), and the kernel console shows the whole boot, as in UML.
  if (!exec && kernelConsole.kind === 'con' && !guestArgs.some((a) => a === 'earlycon' || a.startsWith('earlycon='))) {
    guestArgs.push('earlycon=sbi');
  }
  const cmdline = guestArgs.join(' ');
  if (cmdline.length > MAX_CMDLINE) {
    return err(`kernel command line too long (${cmdline.length} bytes, at most ${MAX_CMDLINE})`);
  }
  if (ubdSync) for (const d of disks) d.sync = true;
  const config: MachineConfig = {
    memBytes, noreboot, cmdline, warnings, ubd: disks, umlDir,
    con0: con[0], con, ssl, explicit, kernelConsole, xterm, sslNonRaw,
  };
  if (ubdSync) config.ubdSync = true;
  if (vec.length) config.vec = vec.sort((a, b) => a.unit - b.unit);
  if (eth.length) config.eth = eth.sort((a, b) => a.unit - b.unit);
  if (initrd !== undefined) config.initrd = initrd;
  if (kernelImage !== undefined) config.kernel = kernelImage;
  if (root !== undefined) config.root = root;
  if (init !== undefined) config.init = init;
  if (umid !== undefined) config.umid = umid;
  if (mconsoleNotify !== undefined) config.mconsoleNotify = mconsoleNotify;
  if (hostfs) config.hostfs = hostfs;
  if (exec) config.exec = exec;
  return { kind: 'run', config };
}

/**
 * The guest command as one kernel parameter: the arguments shell-quoted, so the
 * guest's `sh -c` sees exactly these words, then base64 (no spaces, no quotes).
 */
export function encodeExec(argv: readonly string[]): string {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const bytes = new TextEncoder().encode(quoted);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

const FD0 = { type: 'fd', fd: 0 } as const;
const FD1 = { type: 'fd', fd: 1 } as const;
const NULL = { type: 'null' } as const;
const XTERM = { type: 'xterm' } as const;
const PTY = { type: 'pty' } as const;

/**
 * UML's console names in the guest's terms: UML's ttyN (conN) is the guest's
 * hvcN, the virtio console's port N (the guest also has /dev/ttyN → hvcN).
 */
function guestConsoleName(arg: string): string {
  const m = /^console=tty(\d*)(,.*)?$/.exec(arg);
  if (!m) return arg;
  return `console=hvc${m[1] || '0'}${m[2] ?? ''}`;
}

/** The last value of a `key=` argument, if any. */
function lastValue(args: readonly string[], key: string): string | undefined {
  let v: string | undefined;
  for (const a of args) if (a.startsWith(key)) v = a.slice(key.length);
  return v;
}

/**
 * UML switches tuml does not implement (yet): each gets a line saying so instead of being
 * passed to the guest kernel, where it would vanish into "Unknown kernel command line parameters".
 */
function notImplemented(arg: string): string | undefined {
  if (arg.startsWith('time-travel')) return 'time-travel is not implemented';
  if (arg.startsWith('dtb=')) return 'tuml builds the device tree itself; dtb= is not supported';
  if (arg.startsWith('iomem=')) return 'iomem regions are not implemented';
  if (arg.startsWith('stderr=')) return 'the early stderr console is not implemented (earlycon=sbi shows early messages)';
  if (arg.startsWith('dsp=') || arg.startsWith('mixer=')) return 'host audio is not implemented';
  if (arg.startsWith('virtio_uml.')) return 'vhost-user devices are not implemented';
  return undefined;
}

/** The program's own switches (UML's um_arch and friends). */
const CORE_SWITCHES: Switch[] = [
  // tuml's own switch (UML is its own kernel and has none): which guest kernel to boot.
  prefixSwitch('--kernel=', (arg, d) => {
    d.kernelImage = arg.slice(9);
    if (!d.kernelImage) return `${arg}: missing file name`;
  }),
  prefixSwitch('mem=', (arg, d) => {
    const v = parseSize(arg.slice(4));
    if (v === undefined) return `${arg}: invalid size`;
    if (v > MAX_MEM) return `${arg}: too large (at most ${formatSize(MAX_MEM)})`;
    d.memBytes = Math.ceil(v / 4096) * 4096;
  }),
  prefixSwitch('initrd=', (arg, d) => {
    if (arg.length === 7) return `${arg}: missing file name`;
    d.initrd = arg.slice(7);
  }),
  { claims: (arg) => arg === 'noreboot', take: (_arg, d) => void (d.noreboot = true) },
  { claims: (arg) => notImplemented(arg) !== undefined, take: (arg, d) => void d.warnings.push(`${arg}: ${notImplemented(arg)}; ignored`) },
  { claims: (arg) => arg === 'nosysemu', take: () => {} }, // a host ptrace optimisation of UML's: nothing to do here
  // UML's obsolete switch: its message, and the argument still reaches the kernel.
  prefixSwitch('debug', (arg, d) => {
    d.warnings.push("'debug' is not necessary to gdb UML in skas mode - run 'gdb linux'");
    d.kernel.push(arg);
  }),
];

/** Every driver's switches, in the order they are offered an argument. */
const SWITCHES: Switch[] = [...CORE_SWITCHES, ...MCONSOLE_SWITCHES, ...UBD_SWITCHES, ...LINE_SWITCHES, ...HOSTFS_SWITCHES, ...VEC_SWITCHES, ...ETH_SWITCHES];
