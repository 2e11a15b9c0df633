// `null`: no input ever, output discarded.

import type { HostChannel } from './types.js';

export class NullChannel implements HostChannel {
  describe(): string {
    return 'null';
  }
  open(): void {}
  write(): boolean {
    return true;
  }
  pauseInput(): void {}
  resumeInput(): void {}
  winsize(): undefined {
    return undefined;
  }
  close(): void {}
}
