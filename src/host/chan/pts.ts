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
import { FdChannel } from './fd.js';
import { ChannelError, type ChannelEvents, type HostChannel, type LineIdentity } from './types.js';

export class PtsChannel implements HostChannel {
  private inner: FdChannel | undefined;
  private slave = -1;
  path: string | undefined;

  constructor(
    private readonly type: 'pts' | 'pty',
    private readonly who: LineIdentity,
    private readonly raw = true,
  ) {}

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

  write(data: Uint8Array): boolean {
    return this.inner ? this.inner.write(data) : true;
  }
  pauseInput(): void {
    this.inner?.pauseInput();
  }
  resumeInput(): void {
    this.inner?.resumeInput();
  }
  winsize(): { rows: number; cols: number } | undefined {
    return this.inner?.winsize();
  }
  close(): void {
    this.inner?.close();
    this.inner = undefined;
    if (this.slave >= 0) {
      try {
        native.close(this.slave);
      } catch {
        // closed
      }
      this.slave = -1;
    }
  }
}
