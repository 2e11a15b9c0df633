// transport=hybrid: frames go out through a tap (as transport=tap) and come in through
// an AF_PACKET socket bound to the same interface, which has batched receive; both
// carry the virtio-net header. The default filter (or bpffile=) keeps our own
// transmitted frames from coming back.

import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode } from './common.js';
import { DatagramPump } from './pump.js';
import { attachFilterOption, defaultFilter, interfaceIndex, packetSocket } from './raw.js';
import { openTapFd } from './tap.js';

export function openHybrid(name: string, c: VecConfig, mac: Uint8Array, log: (line: string) => void): DatagramPump {
  const ifname = c.options.get('ifname');
  if (!ifname) throw new NetOpenError(`${name}: ifname= is required for this transport`);
  const tap = openTapFd(name, ifname);
  let rx = -1;
  try {
    const { index } = interfaceIndex(name, tap.ifname);
    const K = native.netConstants;
    rx = packetSocket(name, tap.ifname, index, K.ETH_P_ALL);
    try {
      native.setSockOptInt(rx, K.SOL_PACKET, K.PACKET_VNET_HDR, 1);
    } catch (e) {
      // The tap side always has the header: a receiver without it cannot be paired with it.
      throw new NetOpenError(`${name}: hybrid: no virtio-net header support on raw sockets (${errorCode(e)})`);
    }
    attachFilterOption(name, rx, c, defaultFilter(mac));
    const rxFd = rx;
    return new DatagramPump({
      name, rxFd, txFd: tap.fd, io: 'socket', txIo: 'file', vnetHeader: true,
      depth: c.multi ? c.depth : 1, gro: c.gro, mtu: c.mtu, log,
      close: () => {
        native.close(rxFd);
        native.close(tap.fd);
      },
    });
  } catch (e) {
    if (rx >= 0) native.close(rx);
    native.close(tap.fd);
    throw e;
  }
}
