// `tty:DEVICE`: an existing host terminal (an unused VT, a serial port, a pty
// slave), opened for the directions the line uses it for.

import { closeSync, constants, openSync } from 'node:fs';
import { FdBackedChannel, FdChannel } from './fd.js';
import { ChannelError, type ChannelEvents } from './types.js';

export class TtyChannel extends FdBackedChannel {

  constructor(
    private readonly device: string,
    private readonly dirs: { input: boolean; output: boolean },
    private readonly raw = true,
  ) {
    super();
  }

  describe(): string {
    return `tty:${this.device}`;
  }

  open(events: ChannelEvents): void {
    const mode = this.dirs.input && this.dirs.output ? constants.O_RDWR : this.dirs.input ? constants.O_RDONLY : constants.O_WRONLY;
    let fd: number;
    try {
      fd = openSync(this.device, mode | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (e) {
      throw new ChannelError(`tty_open : failed to open "${this.device}": ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    this.inner = new FdChannel(fd, { ...this.dirs, owned: true, name: `tty:${this.device}`, raw: this.raw, pollWinsize: true });
    try {
      this.inner.open(events);
    } catch (e) {
      this.inner = undefined;
      closeSync(fd);
      throw new ChannelError(`tty_open : "${this.device}": ${(e as Error).message}`);
    }
  }
}
