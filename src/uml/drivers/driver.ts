// A UML driver, as the wiring sees it: UML is built of drivers that each own a command-line
// switch (`__setup`), the host resources behind it, the guest device it becomes and its
// mconsole device class (`mc_device`: config / remove / query). tuml keeps that shape: one
// module per driver under src/uml/drivers/, its switch parser under src/uml/cmdline/, and
// wire.ts only runs them in order and puts the machine together from what they give.

import type { Machine, MachineExit } from '../../machine/machine.js';
import type { UartBackend } from '../../machine/uart16550.js';
import type { McDeviceClass } from '../../mconsole/instance.js';
import type { ConsoleBackend, ConsolePort } from '../../virtio/console.js';
import type { VirtioDevice } from '../../virtio/device.js';
import type { MachineConfig } from '../cmdline/index.js';

/** What the wiring offers a driver while the machine is being put together. */
export interface BuildContext {
  readonly config: MachineConfig;
  /** Host-side messages, one line each (UML's printk of its host drivers). */
  log(line: string): void;
  /** Empty disk slots to reserve for disks added while running. */
  readonly ubdHotplugSlots: number;
  /** Spare network slots (no carrier) to reserve for NICs added while running. */
  readonly netHotplugSlots?: number;
  /** A named virtio-console port (the line driver provides them; available to drivers built after it). */
  addPort(name: string, backend: ConsoleBackend): ConsolePort;
}

/** Where a virtio device sits on the board, once laid out. */
export interface Placed {
  dev: VirtioDevice;
  slot: number;
  mmioBase: number;
}

/** One driver of a running machine. */
export interface DriverInstance {
  /** Its virtio devices: `first` ones come before every driver's `last` ones, each in driver order. */
  virtio?: { first?: VirtioDevice[]; last?: VirtioDevice[] };
  /** UARTs by index (serial lines). */
  uarts?: (UartBackend | undefined)[];
  /** Its words on the guest kernel command line (rewrites and additions). */
  cmdline?(args: string[]): string[];
  /** The machine exists and its devices are placed. */
  attach?(machine: Machine, placed: readonly Placed[]): void;
  /** mconsole's device classes (config / remove / query). */
  mconsole?(): McDeviceClass[];
  /** Before the first instruction; an exit here ends the run before it starts. */
  beforeRun?(machine: Machine): Promise<MachineExit | undefined>;
  /** Releases the host side. */
  dispose(): void | Promise<void>;
}

/** A driver that stops the boot says why in one line. */
export class DriverError extends Error {}
