// A command-line switch of one UML driver (UML's `__setup`): which arguments it claims and
// what it makes of them. parseCommandLine() offers each argument to the switches in order;
// the first that claims it consumes it (and may pass it on to the guest kernel itself), and
// what nobody claims joins the guest kernel command line.

import type { LineConfig } from '../../host/chan/spec.js';
import type { HostfsConfig } from './hostfs.js';
import type { UbdConfig } from './ubd.js';
import type { EthConfig, VecConfig } from '../../host/net/spec.js';
import type { XtermOption } from './xterm.js';

/** What the switches build up while the arguments are read. */
export interface Draft {
  memBytes: number;
  initrd?: string;
  kernelImage?: string;
  umid?: string;
  umlDir: string;
  mconsoleNotify?: string;
  noreboot: boolean;
  lineDefault: { con?: LineConfig; ssl?: LineConfig };
  lineSet: { con: Map<number, LineConfig>; ssl: Map<number, LineConfig> };
  xterm: XtermOption;
  sslNonRaw: boolean;
  ubd: Map<number, UbdConfig>;
  ubdSeen: Set<number>;
  ubdSync: boolean;
  hostfs?: HostfsConfig;
  vec: VecConfig[];
  eth: EthConfig[];
  /** The guest kernel's arguments so far. */
  kernel: string[];
  /** Non-fatal remarks, one line each. */
  warnings: string[];
}

export interface Switch {
  /** Whether the argument is this switch's (UML matches by prefix). */
  claims(arg: string): boolean;
  /** Takes the argument; a returned text is a fatal error about it. */
  take(arg: string, d: Draft): string | void;
}

/** A switch claiming arguments that start with `prefix` (and are not excluded). */
export function prefixSwitch(prefix: string, take: Switch['take'], except?: (arg: string) => boolean): Switch {
  return { claims: (arg) => arg.startsWith(prefix) && !except?.(arg), take };
}
