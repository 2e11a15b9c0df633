// What the transports share: the error that stops a NIC from opening, and the
// message for a missing capability (UML's HowTo: setcap on the binary, or a tap
// made beforehand for the user).

import * as native from '../native/index.js';
import type { NativeError } from '../native/index.js';

/** A transport could not be opened; the message is one line naming the device and the cause. */
export class NetOpenError extends Error {}

export type Capability = 'CAP_NET_ADMIN' | 'CAP_NET_RAW';

/** EPERM/EACCES from the host: the line says which capability and how to grant it. */
export function privilegeError(name: string, what: string, cap: Capability, tapHint?: string, code?: string): NetOpenError {
  const grant = `grant it with "setcap cap_net_admin,cap_net_raw+ep ${process.execPath}"`;
  const alt = tapHint ? ` or use a tap made beforehand ("ip tuntap add ${tapHint} mode tap user $USER")` : '';
  return new NetOpenError(`${name}: ${what}${code ? ` (${code})` : ''} needs ${cap}: run as root, ${grant}${alt}`);
}

export function isPermission(e: unknown): boolean {
  const code = (e as NativeError | NodeJS.ErrnoException | null)?.code;
  return code === 'EPERM' || code === 'EACCES';
}

export function errorCode(e: unknown): string {
  const x = e as NativeError | NodeJS.ErrnoException | null;
  return x?.code ?? (e instanceof Error ? e.message : String(e));
}

/** Socket buffer a datagram transport asks for: room for a burst of super-frames cut into frames. */
const DEEP_BUFFER = 4 << 20;

/**
 * Deepens a datagram socket's buffers. The peer's TCP sends whole windows in bursts, and
 * the guest drains them at its own pace: with the default buffer the host drops frames
 * and TCP backs off. The forced size needs CAP_NET_ADMIN; without it, the sysctl's maximum.
 */
export function deepenBuffers(fd: number): void {
  const K = native.netConstants;
  for (const [force, plain] of [[K.SO_RCVBUFFORCE, K.SO_RCVBUF], [K.SO_SNDBUFFORCE, K.SO_SNDBUF]]) {
    try {
      native.setSockOptInt(fd, K.SOL_SOCKET, force, DEEP_BUFFER);
    } catch {
      try {
        native.setSockOptInt(fd, K.SOL_SOCKET, plain, DEEP_BUFFER);
      } catch {}
    }
  }
}
