// UML's command line (the spec's command-line.md), turned into a typed
// MachineConfig. UML-level switches that only the host needs (mem=, initrd=,
// umid=, noreboot, con=) are consumed here; every other argument joins the
// guest kernel command line, in order, separated by single spaces.

import { type LineConfig, parseLineConfig } from './channel.js';
import { DEFAULT_XTERM_SETTINGS, type XtermOption } from './xterm.js';
import { formatSize, parseCInteger, parseSize } from './size.js';
import { type UbdConfig, parseUbd } from './ubd.js';
import { type VecConfig, parseVec } from './vec.js';

export { helpText } from './help.js';
export type { Channel, LineConfig } from './channel.js';
export type { XtermOption } from './xterm.js';

/** UML's consoles (con0-15 → the guest's tty0-15) and the serial lines tuml has (ssl0-15 → ttyS0-15). */
export const NR_CONSOLES = 16;
export const NR_SERIAL = 16;
export type { UbdConfig } from './ubd.js';

/** UML's default RAM size. */
export const DEFAULT_MEM = 64 * 1024 * 1024;
/** The CPU core keeps guest RAM in one wasm memory of at most 4 GiB, after 16 MiB of its own. */
export const MAX_MEM = 4096 * 1024 * 1024 - 16 * 1024 * 1024;
/** riscv COMMAND_LINE_SIZE is 1024 bytes including the terminating NUL. */
export const MAX_CMDLINE = 1023;
/** UML's umid length limit; longer names are ignored. */
const UMID_MAX = 63;

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
  /** The guest kernel command line. */
  cmdline: string;
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
  let memBytes = DEFAULT_MEM;
  let initrd: string | undefined;
  let kernelImage: string | undefined;
  let root: string | undefined;
  let init: string | undefined;
  let umid: string | undefined;
  let umlDir = '~/.uml/';
  let mconsoleNotify: string | undefined;
  let noreboot = false;
  const lineDefault: { con?: LineConfig; ssl?: LineConfig } = {};
  const lineSet = { con: new Map<number, LineConfig>(), ssl: new Map<number, LineConfig>() };
  let xterm: XtermOption = DEFAULT_XTERM_SETTINGS;
  let sslNonRaw = false;
  const kernel: string[] = [];
  const warnings: string[] = [];
  const ubd = new Map<number, UbdConfig>();
  const ubdSeen = new Set<number>();
  let ubdSync = false;
  const vec: VecConfig[] = [];

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
    // tuml's own switch (UML is its own kernel and has none): which guest kernel to boot.
    if (arg.startsWith('--kernel=')) {
      kernelImage = arg.slice(9);
      if (!kernelImage) return err(`${arg}: missing file name`);
      continue;
    }

    if (arg.startsWith('mem=')) {
      const v = parseSize(arg.slice(4));
      if (v === undefined) return err(`${arg}: invalid size`);
      if (v > MAX_MEM) return err(`${arg}: too large (at most ${formatSize(MAX_MEM)})`);
      memBytes = Math.ceil(v / 4096) * 4096;
      continue;
    }
    if (arg.startsWith('initrd=')) {
      const path = arg.slice(7);
      if (!path) return err(`${arg}: missing file name`);
      initrd = path;
      continue;
    }
    if (arg.startsWith('umid=')) {
      const name = arg.slice(5);
      if (umid !== undefined) warnings.push('umid already set');
      else if (name.length > UMID_MAX || name.length === 0) warnings.push(`${arg}: ignored (1 to ${UMID_MAX} characters)`);
      // The umid names a directory tuml creates, takes over and deletes: never a path.
      else if (name.includes('/') || name === '.' || name === '..') return err(`${arg}: a umid cannot contain '/' or be '.' or '..'`);
      else umid = name;
      continue;
    }
    if (arg.startsWith('uml_dir=')) {
      if (arg.length === 8) return err("uml_dir can't be an empty string");
      umlDir = arg.slice(8);
      kernel.push(arg); // UML passes it on
      continue;
    }
    if (arg.startsWith('mconsole=')) {
      // A driver switch: the (host-side) mconsole driver consumes it.
      const v = arg.slice(9);
      if (v.startsWith('notify:') && v.length > 7) mconsoleNotify = v.slice(7);
      else warnings.push(`mconsole_setup : Unknown option - '${v}'`);
      continue;
    }
    if (arg.startsWith('ubd')) {
      const r = parseUbd(arg);
      if (r.kind === 'sync') ubdSync = true;
      else if (r.kind === 'warning') warnings.push(r.message);
      else {
        const unit = r.kind === 'disk' ? r.disk.unit : r.unit;
        if (ubdSeen.has(unit)) warnings.push(`Failed to initialize device with "${arg.slice(3)}" : Device is already configured`);
        else {
          ubdSeen.add(unit);
          if (r.kind === 'disk') ubd.set(unit, r.disk);
        }
      }
      continue;
    }
    if (arg.startsWith('vec')) {
      // As UML, everything starting with `vec` is a vector device.
      const r = parseVec(arg, new Set(vec.map((v) => v.unit)));
      if ('error' in r) return err(r.error);
      vec.push(r.config);
      warnings.push(...r.warnings);
      continue;
    }
    if (arg === 'fake_ide') {
      warnings.push('The fake_ide option has been removed');
      continue;
    }
    if (arg.startsWith('udb')) {
      warnings.push(`${arg} specified on command line is almost certainly a ubd -> udb TYPO`);
      continue;
    }
    if (arg === 'noreboot') {
      noreboot = true;
      continue;
    }
    const missing = notImplemented(arg);
    if (missing) {
      warnings.push(`${arg}: ${missing}; ignored`);
      continue;
    }
    if (arg === 'nosysemu') continue; // a host ptrace optimisation of UML's: nothing to do here
    if (arg.startsWith('debug')) {
      // UML's obsolete switch: its message, and the argument still reaches the kernel.
      warnings.push("'debug' is not necessary to gdb UML in skas mode - run 'gdb linux'");
    }
    if ((arg.startsWith('con') && !arg.startsWith('console=')) || (arg.startsWith('ssl') && arg !== 'ssl-non-raw')) {
      const kind = arg.startsWith('con') ? 'con' : 'ssl';
      const r = parseLineSwitch(arg, kind);
      if (typeof r === 'string') return err(r);
      if ('warning' in r) {
        // As UML, a channel it cannot make sense of leaves the line unusable and the boot goes on.
        warnings.push(r.warning);
        if (r.line === 'default') lineDefault[kind] = 'none';
        else lineSet[kind].set(r.line, 'none');
        continue;
      }
      if (r.line === 'default') lineDefault[kind] = r.config;
      else lineSet[kind].set(r.line, r.config);
      continue;
    }
    if (arg === 'ssl-non-raw') {
      sslNonRaw = true;
      continue;
    }
    if (arg.startsWith('xterm=')) {
      const x = parseXtermOption(arg.slice(6));
      if (typeof x === 'string') return err(`${arg}: ${x}`);
      xterm = x;
      continue;
    }

    if (arg.startsWith('root=')) root = arg.slice(5);
    if (arg.startsWith('init=')) init = arg.slice(5);
    kernel.push(arg);
  }

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
  if (initrd !== undefined) config.initrd = initrd;
  if (kernelImage !== undefined) config.kernel = kernelImage;
  if (root !== undefined) config.root = root;
  if (init !== undefined) config.init = init;
  if (umid !== undefined) config.umid = umid;
  if (mconsoleNotify !== undefined) config.mconsoleNotify = mconsoleNotify;
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
 * UML switches tuml does not implement (yet): each gets a line saying so instead of being
 * passed to the guest kernel, where it would vanish into "Unknown kernel command line parameters".
 */
function notImplemented(arg: string): string | undefined {
  if (/^eth\d*=/.test(arg) || /^eth\d+$/.test(arg)) return 'network devices (eth) are not implemented yet';
  if (arg.startsWith('hostfs=')) return 'hostfs is not implemented yet';
  if (arg.startsWith('time-travel')) return 'time-travel is not implemented';
  if (arg.startsWith('dtb=')) return 'tuml builds the device tree itself; dtb= is not supported';
  if (arg.startsWith('iomem=')) return 'iomem regions are not implemented';
  if (arg.startsWith('stderr=')) return 'the early stderr console is not implemented (earlycon=sbi shows early messages)';
  if (arg.startsWith('dsp=') || arg.startsWith('mixer=')) return 'host audio is not implemented';
  if (arg.startsWith('virtio_uml.')) return 'vhost-user devices are not implemented';
  return undefined;
}

/** `con=…` / `con<n>=…` / `ssl=…` / `ssl<n>=…` → the line and its configuration, a warning, or an error text. */
function parseLineSwitch(
  arg: string,
  kind: 'con' | 'ssl',
): { line: number | 'default'; config: LineConfig } | { line: number | 'default'; warning: string } | string {
  const rest = arg.slice(3);
  const eq = rest.indexOf('=');
  let line: number | 'default';
  if (eq === 0) line = 'default';
  else {
    const n = eq > 0 ? parseCInteger(rest.slice(0, eq)) : undefined;
    if (n === undefined) return `${arg}: Couldn't parse device number`;
    if (n >= (kind === 'con' ? NR_CONSOLES : NR_SERIAL)) return `${arg}: Device number out of range`;
    line = n;
  }
  const spec = rest.slice(eq + 1);
  const config = parseLineConfig(spec);
  if (typeof config === 'object' && 'error' in config) {
    if (!config.unknownType) return `${arg}: ${config.error}`;
    const hint = spec.startsWith('/dev/') ? ` (for a host terminal: ${arg.slice(0, arg.length - spec.length)}tty:${spec})` : '';
    return { line, warning: `${arg}: ${config.error}${hint}; the line stays unconfigured` };
  }
  return { line, config };
}

/**
 * UML's console names in the guest's terms: UML's ttyN (conN) is the guest's
 * hvcN, the virtio console's port N (the guest also has /dev/ttyN → hvcN).
 */
function guestConsoleName(arg: string): string {
  const m = /^console=tty(\d*)(,.*)?$/.exec(arg);
  if (!m) return arg;
  return `console=hvc${m[1] || '0'}${m[2] ?? ''}`;
}

/** UML's `xterm=<emulator>,<title switch>,<exec switch>`; empty fields keep the defaults. */
function parseXtermOption(v: string): XtermOption | string {
  const [emulator, title, execSwitch, extra] = v.split(',');
  if (extra !== undefined) return 'expected <emulator>,<title switch>,<exec switch>';
  return {
    emulator: emulator || DEFAULT_XTERM_SETTINGS.emulator,
    titleSwitch: title || DEFAULT_XTERM_SETTINGS.titleSwitch,
    execSwitch: execSwitch || DEFAULT_XTERM_SETTINGS.execSwitch,
  };
}
