// UML channel strings (consoles-and-channels.md §2): `<chan>` or
// `<in>,<out>` split at the first comma, or `none`. Channel types are matched
// by prefix in UML's order: fd, null, port, pty, pts, tty, xterm; for null,
// pty, pts and xterm trailing text is ignored (`nullx` = `null`), as in UML.
//
// One extension: `port:` takes an optional listening address, `port:ADDR:N`
// (`port:0.0.0.0:9000`, `port:[::]:9000`). Without one tuml binds 127.0.0.1,
// where UML binds every interface: a console is a root login.

import { parseCInteger } from './size.js';
import { type Switch, prefixSwitch } from './switch.js';
import { DEFAULT_XTERM_SETTINGS, type XtermOption } from './xterm.js';
import { type Channel, DEFAULT_PORT_HOST, type LineConfig } from '../../host/chan/spec.js';

export { type Channel, DEFAULT_PORT_HOST, type LineConfig, formatChannel, formatLineConfig } from '../../host/chan/spec.js';


const KNOWN = ['fd', 'null', 'port', 'pty', 'pts', 'tty', 'xterm'] as const;

/** Parses one channel; returns an error text on failure. */
export function parseChannel(text: string): Channel | string {
  const type = KNOWN.find((t) => text.startsWith(t));
  if (!type) return `no such channel type "${text}" (fd:N, null, port:N, pty, pts, tty:DEV, xterm or none)`;
  const arg = text.slice(type.length);
  switch (type) {
    case 'null':
    case 'pty':
    case 'pts':
    case 'xterm':
      return { type };
    case 'fd': {
      if (!arg.startsWith(':') || arg.length === 1) return "channel type 'fd' must specify a file descriptor";
      const fd = parseCInteger(arg.slice(1));
      if (fd === undefined || fd > 0x7fffffff) return `couldn't parse file descriptor '${arg.slice(1)}'`;
      return { type: 'fd', fd };
    }
    case 'tty': {
      if (!arg.startsWith(':') || arg.length === 1) return "channel type 'tty' must specify a device";
      return { type: 'tty', device: arg.slice(1) };
    }
    case 'port': {
      if (!arg.startsWith(':') || arg.length === 1) return "channel type 'port' must specify a port number";
      const spec = arg.slice(1);
      const colon = spec.lastIndexOf(':');
      let host = DEFAULT_PORT_HOST;
      let num = spec;
      if (colon >= 0) {
        host = spec.slice(0, colon);
        num = spec.slice(colon + 1);
        if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
        if (!host || !isAddress(host)) return `port channel: "${spec.slice(0, colon)}" is not an IP address`;
      }
      const port = parseCInteger(num);
      if (port === undefined || port < 1 || port > 65535) return `port channel: bad port number '${num}'`;
      return { type: 'port', port, host };
    }
  }
}

function isAddress(h: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return h.split('.').every((p) => Number(p) <= 255);
  return /^[0-9a-fA-F:.]+$/.test(h) && h.includes(':');
}

/** Parses a line's channel string; `{ error }` says what is wrong (`unknownType`: no channel type matched). */
export function parseLineConfig(text: string): LineConfig | { error: string; unknownType: boolean } {
  if (text === 'none') return 'none';
  const comma = text.indexOf(',');
  const inText = comma < 0 ? text : text.slice(0, comma);
  const outText = comma < 0 ? text : text.slice(comma + 1);
  const bad = (t: string, error: string) => ({ error, unknownType: !KNOWN.some((k) => t.startsWith(k)) });
  const input = parseChannel(inText);
  if (typeof input === 'string') return bad(inText, input);
  const output = comma < 0 ? input : parseChannel(outText);
  if (typeof output === 'string') return bad(outText, output);
  return { input, output };
}

/** Whether two channel halves are the same object (UML opens `<chan>` once for both directions). */
export function isShared(c: Exclude<LineConfig, 'none'>): boolean {
  return c.input === c.output;
}

/** UML's consoles (con0-15 → the guest's tty0-15) and the serial lines tuml has (ssl0-15 → ttyS0-15). */
export const NR_CONSOLES = 16;
export const NR_SERIAL = 16;

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

/** The line driver's switches: con=, con<n>=, ssl=, ssl<n>=, ssl-non-raw, xterm=. */
export const LINE_SWITCHES: Switch[] = [
  { claims: (arg) => arg === 'ssl-non-raw', take: (_arg, d) => void (d.sslNonRaw = true) },
  prefixSwitch('xterm=', (arg, d) => {
    const x = parseXtermOption(arg.slice(6));
    if (typeof x === 'string') return `${arg}: ${x}`;
    d.xterm = x;
  }),
  {
    claims: (arg) => (arg.startsWith('con') && !arg.startsWith('console=')) || arg.startsWith('ssl'),
    take(arg, d) {
      const kind = arg.startsWith('con') ? 'con' : 'ssl';
      const r = parseLineSwitch(arg, kind);
      if (typeof r === 'string') return r;
      // As UML, a channel it cannot make sense of leaves the line unusable and the boot goes on.
      if ('warning' in r) d.warnings.push(r.warning);
      const config = 'warning' in r ? 'none' : r.config;
      if (r.line === 'default') d.lineDefault[kind] = config;
      else d.lineSet[kind].set(r.line, config);
    },
  },
];
