// transport=tap: a TAP interface through /dev/net/tun with no packet-info header and
// with the 10-byte virtio-net header, so checksum and segmentation offloads pass
// between the guest and the host stack. An existing tap is attached by name; a
// missing one is created (CAP_NET_ADMIN), as UML does. A tap has no batch call:
// one read()/write() per frame, one JS call per batch.

import { constants as fsc, openSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode, isPermission, privilegeError } from './common.js';
import { DatagramPump } from './pump.js';

const TUN = '/dev/net/tun';

/**
 * Opens the tap named by ifname= (or a new `tapXXXXXX`); returns the fd and the name.
 * The legacy tuntap transport passes `vnet` false: plain Ethernet frames, as UML's.
 */
export function openTapFd(name: string, ifname: string | undefined, vnet = true): { fd: number; ifname: string } {
  let fd: number;
  try {
    fd = openSync(TUN, fsc.O_RDWR | fsc.O_NONBLOCK);
  } catch (e) {
    if (isPermission(e)) throw privilegeError(name, `opening ${TUN}`, 'CAP_NET_ADMIN', ifname ?? 'tap0', errorCode(e));
    throw new NetOpenError(`${name}: uml_tap: failed to open tun device (${errorCode(e)})`);
  }
  const flags = native.IFF_TAP | native.IFF_NO_PI | (vnet ? native.IFF_VNET_HDR : 0);
  for (let attempt = 0; ; attempt++) {
    const want = ifname ?? `tap${randomName()}`;
    try {
      const got = native.tunSetIff(fd, want, flags);
      if (vnet) native.tunSetVnetHdrSz(fd, 10);
      return { fd, ifname: got };
    } catch (e) {
      // A random name already taken: try another, as UML does.
      if (!ifname && errorCode(e) === 'EBUSY' && attempt < 16) continue;
      native.close(fd);
      if (isPermission(e)) throw privilegeError(name, `creating or attaching tap ${want}`, 'CAP_NET_ADMIN', want);
      if (errorCode(e) === 'EBUSY') throw new NetOpenError(`${name}: tap ${want} is in use by another process`);
      if (errorCode(e) === 'EINVAL') throw new NetOpenError(`${name}: ${want} is not a tap interface (or is multi-queue)`);
      throw new NetOpenError(`${name}: uml_tap: failed to select tap interface ${want} (${errorCode(e)})`);
    }
  }
}

function randomName(): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  for (let i = 0; i < 6; i++) s += chars[randomInt(chars.length)];
  return s;
}

export function openTap(name: string, c: VecConfig, log: (line: string) => void): DatagramPump {
  const { fd, ifname } = openTapFd(name, c.options.get('ifname'));
  log(`${name}: tap ${ifname}: using vnet headers for tso and tx/rx checksum`);
  const K = native.netConstants;
  return new DatagramPump({
    name, rxFd: fd, txFd: fd, io: 'file', vnetHeader: true,
    depth: c.multi ? c.depth : 1, gro: c.gro, mtu: c.mtu, log,
    // The tap may hand over only what the guest accepted.
    setOffloads: (csum, tso4, tso6) => {
      const flags = csum ? K.TUN_F_CSUM | (tso4 ? K.TUN_F_TSO4 : 0) | (tso6 ? K.TUN_F_TSO6 : 0) : 0;
      try {
        native.tunSetOffload(fd, flags);
      } catch (e) {
        log(`${name}: TUNSETOFFLOAD: ${errorCode(e)}`);
      }
    },
    close: () => native.close(fd),
  });
}
