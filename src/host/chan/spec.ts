// A line's channels in parsed form, as the command line (src/uml/cmdline/channel.ts) and
// mconsole's `config` produce them, and their description in UML's syntax (`config conN`).

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

