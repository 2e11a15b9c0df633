// transport=fd: a descriptor inherited from the parent process, one frame per message,
// no header. Batched I/O needs a datagram or seqpacket socket; vec=0 takes any
// descriptor with one frame per read()/write().

import { fstatSync } from 'node:fs';
import type { VecConfig } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError } from './common.js';
import { DatagramPump } from './pump.js';

export function openFd(name: string, c: VecConfig, log: (line: string) => void): DatagramPump {
  const text = c.options.get('fd');
  const fd = text !== undefined && /^\d+$/.test(text) ? Number(text) : -1;
  // 0-2 are the instance's own stdio; anything else must be open.
  let ok = fd > 2 && fd < 0x7fffffff;
  if (ok) {
    try {
      const st = fstatSync(fd);
      if (c.multi && !st.isSocket()) {
        throw new NetOpenError(`${name}: fd open: descriptor ${fd} is not a socket (use vec=0 for other descriptors)`);
      }
    } catch (e) {
      if (e instanceof NetOpenError) throw e;
      ok = false;
    }
  }
  if (!ok) throw new NetOpenError(`${name}: fd open: bad or missing fd argument`);
  native.setNonBlocking(fd, true);
  return new DatagramPump({
    name, rxFd: fd, txFd: fd, io: c.multi ? 'socket' : 'file', vnetHeader: false,
    depth: c.multi ? c.depth : 1, gro: false, mtu: c.mtu, log,
    close: () => native.close(fd),
  });
}
