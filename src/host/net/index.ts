// The vector transports by name: each opens the host side of one vec<N> (src/uml/drivers/vec.ts
// puts a virtio-net device in front of it).

import type { NetBackend } from '../../virtio/net.js';
import type { VecConfig } from './spec.js';
import { NetOpenError } from './common.js';
import { openRaw } from './raw.js';
import { openTap } from './tap.js';
import { openGre } from './gre.js';
import { openL2tpv3 } from './l2tpv3.js';
import { openBess } from './bess.js';
import { openFd } from './fd.js';
import { openHybrid } from './hybrid.js';

export { NetOpenError } from './common.js';
export type { VecConfig, VecTransport } from './spec.js';

/** Opens the transport of one vec<N>; throws NetOpenError with a one-line message. */
export function openTransport(name: string, c: VecConfig, mac: Uint8Array, log: (line: string) => void): NetBackend & { close(): void } {
  switch (c.transport) {
    case 'tap':
      return openTap(name, c, log);
    case 'raw':
      return openRaw(name, c, mac, log);
    case 'gre':
      return openGre(name, c, log);
    case 'l2tpv3':
      return openL2tpv3(name, c, log);
    case 'hybrid':
      return openHybrid(name, c, mac, log);
    case 'bess':
      return openBess(name, c, log);
    case 'fd':
      return openFd(name, c, log);
    default:
      throw new NetOpenError(`${name}: transport=${c.transport} is not implemented yet`);
  }
}
