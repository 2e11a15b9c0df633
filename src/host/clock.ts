// The host's clock and event loop for the machine's run loop: a monotonic
// clock (performance.now), wall time for the RTC, and scheduling on Node's
// event loop (setImmediate to yield, setTimeout to sleep).

import { performance } from 'node:perf_hooks';
import type { MachineClock, MachineScheduler } from '../machine/machine.js';

export class NodeClock implements MachineClock {
  now(): number {
    return performance.now();
  }

  wallNs(): bigint {
    const ms = performance.timeOrigin + performance.now();
    const whole = Math.floor(ms);
    return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
  }
}

export class NodeScheduler implements MachineScheduler {
  constructor(private readonly poller?: () => boolean) {}

  poll(): boolean {
    return this.poller?.() ?? false;
  }

  schedule(cb: () => void, delayMs: number): () => void {
    if (delayMs <= 0) {
      const h = setImmediate(cb);
      return () => clearImmediate(h);
    }
    const h = setTimeout(cb, delayMs);
    return () => clearTimeout(h);
  }
}
