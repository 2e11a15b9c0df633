// The host side's one event loop abstraction: fd readiness with read and write interest (on
// libuv through the native poller, so it is Node's own loop) and timers from an injected
// scheduler. Every host backend waits here instead of retrying on timers of its own: a
// descriptor that would block says so by EAGAIN, the backend declares interest, and the
// reactor calls it back when the kernel says the descriptor is ready.
//
// Regular files (and anything else epoll refuses) are always ready: their interest is served
// on the next turn of the loop.

import * as native from '../native/index.js';
import { NodeScheduler } from '../clock.js';
import type { MachineScheduler } from '../../machine/machine.js';

/** What a watched descriptor reports: readable / writable, or an error (POLLERR/POLLHUP) as a positive errno. */
export type ReadyHandler = (readable: boolean, writable: boolean, err: number) => void;

export interface FdWatch {
  readonly fd: number;
  /**
   * The readiness wanted from now on; (false, false) stops watching without forgetting the fd.
   * Also restarts a watch the poller stopped after an error (POLLERR).
   */
  want(read: boolean, write: boolean): void;
  /** Stops and frees the watch (the descriptor itself stays open). Idempotent. */
  close(): void;
}

export class Reactor {
  private readonly pollers = new Set<() => boolean>();

  constructor(private readonly scheduler: MachineScheduler = new NodeScheduler()) {}

  /**
   * Adds a check the machine's run loop makes before the guest sleeps (busy polling, for a
   * transport with traffic flowing); it returns true when it delivered something. Returns
   * the function that removes it.
   */
  addPoller(f: () => boolean): () => void {
    this.pollers.add(f);
    return () => this.pollers.delete(f);
  }

  /** Runs every poller; true if any did something. */
  poll(): boolean {
    let any = false;
    for (const f of this.pollers) if (f()) any = true;
    return any;
  }

  /** Watches `fd`; nothing is wanted until want(). */
  watch(fd: number, handler: ReadyHandler): FdWatch {
    try {
      return new PolledWatch(fd, handler);
    } catch {
      return new AlwaysReadyWatch(fd, handler, this.scheduler);
    }
  }

  /** Calls `cb` once after `ms` (0: after pending I/O); returns a cancel function. */
  after(ms: number, cb: () => void): () => void {
    return this.scheduler.schedule(cb, ms);
  }
}

class PolledWatch implements FdWatch {
  private poller: native.Poller | undefined;

  constructor(
    readonly fd: number,
    handler: ReadyHandler,
  ) {
    this.poller = native.poller(fd, (err, readable, writable) => handler(readable, writable, err));
  }

  want(read: boolean, write: boolean): void {
    if (!this.poller) return;
    if (read || write) this.poller.start(read, write);
    else this.poller.stop();
  }

  close(): void {
    this.poller?.close();
    this.poller = undefined;
  }
}

class AlwaysReadyWatch implements FdWatch {
  private cancel: (() => void) | undefined;
  private read = false;
  private write = false;
  private closed = false;

  constructor(
    readonly fd: number,
    private readonly handler: ReadyHandler,
    private readonly scheduler: MachineScheduler,
  ) {}

  want(read: boolean, write: boolean): void {
    this.read = read;
    this.write = write;
    if ((read || write) && !this.cancel && !this.closed) {
      this.cancel = this.scheduler.schedule(() => {
        this.cancel = undefined;
        if (!this.closed && (this.read || this.write)) this.handler(this.read, this.write, 0);
      }, 0);
    }
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = undefined;
  }
}

/** The process's reactor, on Node's event loop. */
export const hostReactor = new Reactor();
