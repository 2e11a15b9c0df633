// eth<N>=tuntap,<dev>: a named TAP interface through /dev/net/tun with plain Ethernet
// frames (no packet info, no virtio-net header), as UML's tuntap transport uses it; one
// read()/write() per frame, one JS call per batch. Without a device name UML asks its
// setuid helper uml_net to make one; tuml does not, and says how to make one instead.

import type { EthSettings } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError } from './common.js';
import { DatagramPump } from './pump.js';
import { openTapFd } from './tap.js';

export function openTuntap(name: string, s: Extract<EthSettings, { kind: 'tuntap' }>, log: (line: string) => void): DatagramPump {
  log(`TUN/TAP backend - ${s.gate !== undefined ? `IP = ${s.gate}` : ''}`);
  if (!s.dev) {
    throw new NetOpenError(`${name}: tuntap without a device name needs UML's uml_net helper, which tuml does not run; make a tap for your user ("tunctl -u $USER" or "ip tuntap add tap0 mode tap user $USER") and name it: ${name}=tuntap,tap0`);
  }
  const { fd } = openTapFd(name, s.dev, false);
  return new DatagramPump({
    name, rxFd: fd, txFd: fd, io: 'file', vnetHeader: false,
    depth: 64, gro: false, mtu: 1500, log,
    close: () => native.close(fd),
  });
}
