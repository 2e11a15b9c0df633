// The vector transports by name: each opens the host side of one vec<N> (src/uml/drivers/net.ts
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

import type { EthConfig } from './spec.js';
import { openTuntap } from './tuntap.js';
import { openSwitchPort, controlRequest } from './daemon.js';
import { openUmcast } from './umcast.js';
import { openSlirp } from './slirp.js';
import { openPasst } from './passt.js';
import { openVde } from './vde.js';
import { openPcap } from './pcap.js';

export type { EthConfig } from './spec.js';

/** Opens the transport of one eth<N>; throws NetOpenError with a one-line message. */
export function openEthTransport(name: string, c: EthConfig, mac: Uint8Array, log: (line: string) => void): NetBackend & { close(): void } {
  const s = c.settings;
  switch (s.kind) {
    case 'tuntap':
      return openTuntap(name, s, log);
    case 'daemon':
      log(`daemon backend (uml_switch version 3) - ${s.sockType}:${s.ctl}`);
      if (s.sockType !== 'unix') throw new NetOpenError(`${name}: daemon: socket type '${s.sockType}' is not supported (only unix)`);
      return openSwitchPort(name, s.ctl, 'daemon_open', controlRequest, log);
    case 'mcast':
    case 'ucast':
      return openUmcast(name, s, mac, log);
    case 'slirp':
      return openSlirp(name, s, mac, log);
    case 'passt':
      return openPasst(name, s, log);
    case 'vde':
      return openVde(name, s, log);
    case 'pcap':
      return openPcap(name, s, log);
    default:
      throw new NetOpenError(`${name}: transport ${c.transport} is not implemented yet`);
  }
}
