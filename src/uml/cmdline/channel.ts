// UML channel strings (consoles-and-channels.md §2): `<chan>` or
// `<in>,<out>` split at the first comma, or `none`. Channel types are matched
// by prefix in UML's order: fd, null, port, pty, pts, tty, xterm.
// This stage implements fd:0/1/2 and null; the other types are recognised
// and refused with a clear message.

import { parseCInteger } from './size.js';

export type Channel = { type: 'null' } | { type: 'fd'; fd: number };

/** A line's configuration: input and output channels, or not configured. */
export type LineConfig = { input: Channel; output: Channel } | 'none';

const KNOWN = ['fd', 'null', 'port', 'pty', 'pts', 'tty', 'xterm'] as const;

/** Parses one channel; returns an error text on failure. */
function parseOne(text: string): Channel | string {
  const type = KNOWN.find((t) => text.startsWith(t));
  if (!type) return `no such channel type "${text}"`;
  const arg = text.slice(type.length);
  if (type === 'null') return { type: 'null' };
  if (type === 'fd') {
    const fd = arg.startsWith(':') ? parseCInteger(arg.slice(1)) : undefined;
    if (fd === undefined) return `expected fd:<number>, not "${text}"`;
    if (fd > 2) return `${text}: only fd:0, fd:1 and fd:2 are supported yet`;
    return { type: 'fd', fd };
  }
  return `channel type "${type}" is not supported yet`;
}

/** Parses a line's channel string; `{ error }` says what is wrong. */
export function parseLineConfig(text: string): LineConfig | { error: string } {
  if (text === 'none') return 'none';
  const comma = text.indexOf(',');
  const inText = comma < 0 ? text : text.slice(0, comma);
  const outText = comma < 0 ? text : text.slice(comma + 1);
  const input = parseOne(inText);
  if (typeof input === 'string') return { error: input };
  const output = parseOne(outText);
  if (typeof output === 'string') return { error: output };
  if (input.type === 'fd' && input.fd !== 0) return { error: `${inText}: only fd:0 can be an input yet` };
  if (output.type === 'fd' && output.fd === 0) return { error: `${outText}: fd:0 cannot be an output yet` };
  return { input, output };
}

export function formatLineConfig(c: LineConfig): string {
  if (c === 'none') return 'none';
  const one = (ch: Channel) => (ch.type === 'fd' ? `fd:${ch.fd}` : 'null');
  return `${one(c.input)},${one(c.output)}`;
}
