// `pts` (and `pty`): a new Unix98 pty pair; the guest line is on the master and
// the user attaches to the slave (`screen /dev/pts/N`, minicom, cu). UML's `pty`
// wants BSD ptys (/dev/ptyp0), which modern hosts no longer have; tuml gives
// `pty` a Unix98 pair as well and, unlike UML (which names the unusable master),
// announces the slave.
//
// tuml keeps the slave open itself: without a reader the master then neither
// reads EIO nor signals hang-up, and guest output waits in the pty (and the
// channel's queue) until a client attaches and reads it.

import * as native from '../native/index.js';
import { FdBackedChannel, FdChannel } from './fd.js';
import { ChannelError, type ChannelEvents, type LineIdentity } from './types.js';

export class PtsChannel extends FdBackedChannel {
  path: string | undefined;

  constructor(
    private readonly type: 'pts' | 'pty',
    private readonly who: LineIdentity,
    private readonly raw = true,
  ) {
    super();
  }

  describe(): string {
    return this.path ? `${this.type}:${this.path}` : this.type;
  }

  open(events: ChannelEvents, log: (line: string) => void): void {
    let p;
    try {
      p = native.openpty();
    } catch (e) {
      throw new ChannelError(`get_pty : Couldn't open /dev/ptmx: ${(e as Error).message}`);
    }
    this.slave = p.slave;
    this.path = p.path;
    this.inner = new FdChannel(p.master, { input: true, output: true, owned: true, name: `${this.type}:${p.path}`, raw: this.raw, pollWinsize: true });
    this.inner.open(events);
    log(`${this.who.kind === 'con' ? 'Virtual console' : 'Serial line'} ${this.who.index} assigned device '${p.path}'`);
  }
}
