// `xterm`: a terminal emulator window on a new pty. UML runs the emulator with
// its port-helper, which passes the window's tty back over a Unix socket;
// tuml instead gives xterm the pty slave directly with `-S` (xterm's mode for
// serving an existing program), so no helper is needed. The window title is
// UML's: "Virtual Console #N (umid)" / "Serial Line #N (umid)". The emulator
// (default xterm) can be changed with UML's `xterm=` option as long as it
// understands -S; closing the line kills it.

import { type ChildProcess, spawn } from 'node:child_process';
import * as native from '../native/index.js';
import { FdBackedChannel, FdChannel } from './fd.js';
import { ChannelError, type ChannelEvents, type LineIdentity } from './types.js';

export interface XtermSettings {
  emulator: string;
  titleSwitch: string;
}

export const DEFAULT_XTERM: XtermSettings = { emulator: 'xterm', titleSwitch: '-T' };

export class XtermChannel extends FdBackedChannel {
  private child: ChildProcess | undefined;
  /** xterm -S writes its window id as the first line: not guest input. */
  private skippingId = true;

  constructor(
    private readonly who: LineIdentity,
    private readonly settings: XtermSettings = DEFAULT_XTERM,
  ) {
    super();
  }

  describe(): string {
    return 'xterm';
  }

  title(): string {
    const base = this.who.kind === 'con' ? `Virtual Console #${this.who.index}` : `Serial Line #${this.who.index}`;
    return this.who.umid ? `${base} (${this.who.umid})` : base;
  }

  open(events: ChannelEvents, log: (line: string) => void): void {
    if (!process.env.DISPLAY) throw new ChannelError('xterm_open: $DISPLAY not set.');
    const p = native.openpty();
    this.slave = p.slave;
    const suffix = p.path.replace(/^\/dev\/pts\//, '');
    try {
      this.child = spawn(this.settings.emulator, [this.settings.titleSwitch, this.title(), `-S${suffix}/3`], {
        stdio: ['ignore', 'ignore', 'ignore', p.slave],
        detached: false,
      });
    } catch (e) {
      native.close(p.master);
      throw new ChannelError(`xterm_open: cannot run ${this.settings.emulator}: ${(e as Error).message}`);
    }
    this.child.on('error', (e) => log(`xterm_open: cannot run ${this.settings.emulator}: ${e.message}`));
    this.child.on('exit', () => {
      this.child = undefined;
    });
    this.inner = new FdChannel(p.master, { input: true, output: true, owned: true, name: 'xterm', pollWinsize: true });
    this.inner.open({
      ...events,
      data: (d) => {
        if (this.skippingId) {
          const nl = d.indexOf(10);
          if (nl < 0) return;
          this.skippingId = false;
          d = d.subarray(nl + 1);
          if (!d.length) return;
        }
        events.data(d);
      },
    });
  }

  override close(): void {
    super.close();
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
