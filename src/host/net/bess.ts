// transport=bess: one Ethernet frame per message on a Unix sequential-packet socket,
// optionally bound to src=, connected to dst= (a BESS switch port). No header, no
// privileges; batched with recvmmsg/sendmmsg like the other sockets.

import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError, errorCode } from './common.js';
import { DatagramPump } from './pump.js';

/** sun_path holds 108 bytes with its NUL. */
const MAX_PATH = 107;

export function openBess(name: string, c: VecConfig, log: (line: string) => void): DatagramPump {
  const src = c.options.get('src');
  const dst = c.options.get('dst');
  if (!dst) throw new NetOpenError(`${name}: bess: dst= (the switch's socket) is required`);
  for (const p of [src, dst]) {
    if (p !== undefined && Buffer.byteLength(p) > MAX_PATH) throw new NetOpenError(`${name}: bess: socket path longer than ${MAX_PATH} bytes: ${p}`);
  }
  const fd = native.socket(native.AF_UNIX, native.SOCK_SEQPACKET, 0);
  try {
    if (src !== undefined) {
      try {
        native.bindUnix(fd, src);
      } catch (e) {
        throw new NetOpenError(`${name}: unix_open : could not bind socket ${src}: ${errorCode(e)}`);
      }
    }
    try {
      native.connectUnix(fd, dst);
    } catch (e) {
      throw new NetOpenError(`${name}: bess open:cannot connect to ${dst} ${errorCode(e)}`);
    }
  } catch (e) {
    native.close(fd);
    throw e;
  }
  return new DatagramPump({
    name, rxFd: fd, txFd: fd, io: 'socket', vnetHeader: false,
    depth: c.multi ? c.depth : 1, gro: false, mtu: c.mtu, log,
    close: () => native.close(fd),
  });
}
