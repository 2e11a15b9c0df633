// UML channel strings (consoles-and-channels.md §2): `<chan>` or
// `<in>,<out>` split at the first comma, or `none`. Channel types are matched
// by prefix in UML's order: fd, null, port, pty, pts, tty, xterm; for null,
// pty, pts and xterm trailing text is ignored (`nullx` = `null`), as in UML.
//
// One extension: `port:` takes an optional listening address, `port:ADDR:N`
// (`port:0.0.0.0:9000`, `port:[::]:9000`). Without one tuml binds 127.0.0.1,
// where UML binds every interface: a console is a root login.

import { parseCInteger } from './size.js';

export type Channel =
  | { type: 'null' }
  | { type: 'fd'; fd: number }
  | { type: 'port'; port: number; host: string }
  | { type: 'pty' }
  | { type: 'pts' }
  | { type: 'tty'; device: string }
  | { type: 'xterm' };

/** A line's configuration: input and output channels, or not configured. */
export type LineConfig = { input: Channel; output: Channel } | 'none';

/** Where `port:N` listens unless the string names an address. */
export const DEFAULT_PORT_HOST = '127.0.0.1';

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

export function formatChannel(ch: Channel): string {
  switch (ch.type) {
    case 'fd':
      return `fd:${ch.fd}`;
    case 'port':
      return ch.host === DEFAULT_PORT_HOST ? `port:${ch.port}` : `port:${ch.host.includes(':') ? `[${ch.host}]` : ch.host}:${ch.port}`;
    case 'tty':
      return `tty:${ch.device}`;
    default:
      return ch.type;
  }
}

/** The configuration string, as `config conN` shows it. */
export function formatLineConfig(c: LineConfig): string {
  if (c === 'none') return 'none';
  const i = formatChannel(c.input);
  const o = formatChannel(c.output);
  return c.input === c.output || i === o ? i : `${i},${o}`;
}

/** Whether two channel halves are the same object (UML opens `<chan>` once for both directions). */
export function isShared(c: Exclude<LineConfig, 'none'>): boolean {
  return c.input === c.output;
}
