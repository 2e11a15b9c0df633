// The mconsole driver: UML's management console (umid=, uml_dir=, mconsole=notify: on the
// command line): the instance directory, the socket, the notify socket and the guest agent
// (src/mconsole/), given the machine and every other driver's device class.

import type { Machine } from '../../machine/machine.js';
import { type McDeviceClass, McInstance } from '../../mconsole/instance.js';
import type { MachineConfig } from '../cmdline/index.js';
import type { ConsoleBackend, ConsolePort } from '../../virtio/console.js';

export interface McDriverOptions {
  config: MachineConfig;
  machine: Machine;
  addPort(name: string, backend: ConsoleBackend): ConsolePort;
  devices: McDeviceClass[];
  kernelImage: Uint8Array;
  log(line: string): void;
  /** The guest watchdog's timeout (UML: 60 s); for tests. */
  watchdogMs?: number;
  /** Say where the socket is (UML's boot message); `--` mode keeps stderr for the command. */
  announce: boolean;
}

/** The mconsole of a machine, or undefined when it cannot be set up (reported, as UML, and the boot goes on). */
export function startMconsole(o: McDriverOptions): McInstance | undefined {
  try {
    const mc = new McInstance({
      umlDir: o.config.umlDir,
      umid: o.config.umid,
      notify: o.config.mconsoleNotify,
      machine: o.machine,
      addPort: o.addPort,
      devices: o.devices,
      kernelImage: o.kernelImage,
      log: o.log,
      // Without a notify socket, UML's uml_watchdog interrupts the instance, which ends it.
      onWatchdogExpired: () => o.machine.stop(),
      watchdogMs: o.watchdogMs,
    });
    if (o.announce) o.log(`mconsole (version 2) initialized on ${mc.socketPath}`);
    mc.booted();
    return mc;
  } catch (e) {
    o.log(`Failed to initialize management console: ${(e as Error).message}`);
    return undefined;
  }
}
