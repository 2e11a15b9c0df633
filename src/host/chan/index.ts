// Host channels by channel spec (spec.ts; parsed from UML's syntax in src/uml/cmdline/channel.ts).

import { fstatSync } from 'node:fs';
import type { Channel } from './spec.js';
import { FdChannel } from './fd.js';
import { NullChannel } from './null.js';
import { PortChannel } from './port.js';
import { PtsChannel } from './pts.js';
import { TtyChannel } from './tty.js';
import { ChannelError, type HostChannel, type LineIdentity } from './types.js';
import { DEFAULT_XTERM, XtermChannel, type XtermSettings } from './xterm.js';

export { ChannelError, type ChannelEvents, type HostChannel, type LineIdentity } from './types.js';
export { PortChannel } from './port.js';
export { DEFAULT_XTERM, type XtermSettings } from './xterm.js';

/** Channels opened only when the guest first writes to the line (new pty, new window). */
export function opensLazily(ch: Channel): boolean {
  return ch.type === 'pts' || ch.type === 'pty' || ch.type === 'xterm';
}

export function createChannel(
  ch: Channel,
  dirs: { input: boolean; output: boolean },
  who: LineIdentity,
  xterm: XtermSettings = DEFAULT_XTERM,
  /** Raw mode on host terminals (UML's ssl-non-raw turns it off for serial lines). */
  raw = true,
): HostChannel {
  switch (ch.type) {
    case 'null':
      return new NullChannel();
    case 'fd':
      try {
        fstatSync(ch.fd);
      } catch {
        throw new ChannelError(`fd_init : file descriptor ${ch.fd} is not open`);
      }
      return new FdChannel(ch.fd, { ...dirs, owned: false, name: `fd:${ch.fd}`, watchWinch: true, raw });
    case 'port':
      return new PortChannel(ch.host, ch.port);
    case 'pty':
    case 'pts':
      return new PtsChannel(ch.type, who, raw);
    case 'tty':
      return new TtyChannel(ch.device, dirs, raw);
    case 'xterm':
      return new XtermChannel(who, xterm);
  }
}
