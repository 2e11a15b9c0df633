// The NICs of a machine: one virtio-net per vec<N>, each with the transport its
// options name. A transport that cannot open is reported in one line and leaves its
// NIC without carrier, as in UML, where the error shows when the interface comes up.

import { randomFillSync } from 'node:crypto';
import type { VecConfig } from '../../uml/cmdline/vec.js';
import { randomMac } from '../../uml/cmdline/vec.js';
import { type NetBackend, VirtioNet } from '../../virtio/net.js';
import { NetOpenError } from './common.js';
import { openRaw } from './raw.js';
import { openTap } from './tap.js';
import { openGre } from './gre.js';
import { openL2tpv3 } from './l2tpv3.js';
import { openBess } from './bess.js';
import { openFd } from './fd.js';
import { openHybrid } from './hybrid.js';

export { NetOpenError } from './common.js';

export interface Nic {
  name: string;
  config: VecConfig;
  device: VirtioNet;
  backend: (NetBackend & { close(): void }) | null;
}

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

/** One NIC per vec<N>, in unit order (the guest names them eth0, eth1, … in that order). */
export function openNics(configs: readonly VecConfig[], log: (line: string) => void): Nic[] {
  return configs.map((c) => openNic(c, log));
}

export function openNic(c: VecConfig, log: (line: string) => void): Nic {
  const name = `vec${c.unit}`;
  let mac = c.mac;
  if (!mac) {
    mac = randomMac((b) => randomFillSync(b));
    log(`Choosing a random ethernet address for device ${name}`);
  }
  let backend: (NetBackend & { close(): void }) | null = null;
  try {
    backend = openTransport(name, c, mac, log);
  } catch (e) {
    if (!(e instanceof NetOpenError)) throw e;
    log(e.message);
  }
  const device = new VirtioNet(backend, { mac, mtu: c.mtu, gro: c.gro, depth: c.multi ? c.depth : 1 });
  return { name, config: c, device, backend };
}

export function closeNics(nics: readonly Nic[]): void {
  for (const n of nics) n.backend?.close();
}

/**
 * The network driver in the wiring's driver shape: its NICs go after every other virtio
 * device (the guest names them eth0, eth1, … in unit order), and disposing closes the
 * host side.
 */
export function buildNetDriver(configs: readonly VecConfig[], log: (line: string) => void): { nics: Nic[]; virtio: { last: VirtioNet[] }; dispose(): void } {
  const nics = openNics(configs, log);
  return { nics, virtio: { last: nics.map((n) => n.device) }, dispose: () => closeNics(nics) };
}
