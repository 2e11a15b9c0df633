// `mconsole=notify:<socket>`: notifications to a Unix datagram socket some
// other process owns (the spec's mconsole.md §5), sent from our own unbound
// datagram socket. Failures are logged as UML logs them and never stop anything.

import * as native from '../host/native/index.js';
import { type NotifyType, encodeNotify } from './protocol.js';

export class Notifier {
  private fd: number;
  private warned = 0;

  constructor(
    readonly path: string,
    private readonly log: (line: string) => void,
  ) {
    this.fd = native.socket(native.AF_UNIX, native.SOCK_DGRAM);
  }

  send(type: NotifyType, payload: Uint8Array): void {
    if (this.fd < 0) return;
    const n = native.sendToUnix(this.fd, encodeNotify(type, payload), this.path);
    // A guest writing in a loop must not flood the host's log.
    if (n < 0 && this.warned++ < 10) this.log(`mconsole_notify - sendto failed, errno = ${-n}`);
  }

  close(): void {
    if (this.fd >= 0) native.close(this.fd);
    this.fd = -1;
  }
}
