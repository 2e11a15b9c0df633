// `xterm`: a terminal emulator window on a new pty. UML runs the emulator with
// its port-helper, which passes the window's tty back over a Unix socket;
// tuml instead gives xterm the pty slave directly with `-S` (xterm's mode for
// serving an existing program), so no helper is needed. The window title is
// UML's: "Virtual Console #N (umid)" / "Serial Line #N (umid)". The emulator
// (default xterm) can be changed with UML's `xterm=` option as long as it
// understands -S; closing the line kills it.

import { type ChildProcess, spawn } from 'node:child_process';
import * as native from '../native/index.js';
import { FdChannel } from './fd.js';
import { ChannelError, type ChannelEvents, type HostChannel, type LineIdentity } from './types.js';

export interface XtermSettings {
  emulator: string;
  titleSwitch: string;
}

export const DEFAULT_XTERM: XtermSettings = { emulator: 'xterm', titleSwitch: '-T' };

export class XtermChannel implements HostChannel {
  private inner: FdChannel | undefined;
  private child: ChildProcess | undefined;
  private slave = -1;
  /** xterm -S writes its window id as the first line: not guest input. */
  private skippingId = true;

  constructor(
    private readonly who: LineIdentity,
    private readonly settings: XtermSettings = DEFAULT_XTERM,
  ) {}

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
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
