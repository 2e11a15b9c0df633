// The vec driver: UML's vector network devices (`vec<N>:transport=T,...`, parsed in
// cmdline/vec.ts), one virtio-net per vecN after every other virtio device, so the guest
// names them eth0, eth1, … in unit order. The transport (src/host/net) opens at start; one
// that cannot is reported in one line and leaves its NIC without carrier (in UML the error
// shows when the interface comes up), and the boot goes on.

import { randomFill } from '../../host/env.js';
import { PcapDump } from '../../host/net/dump.js';
import { NetOpenError, openTransport } from '../../host/net/index.js';
import { type NetBackend, VirtioNet } from '../../virtio/net.js';
import { randomMac } from '../cmdline/vec.js';
import { type BuildContext, DriverError, type DriverInstance } from './driver.js';

export function buildVec(ctx: BuildContext): DriverInstance {
  const backends: Array<NetBackend & { close(): void }> = [];
  const devices = (ctx.config.vec ?? []).map((c) => {
    const name = `vec${c.unit}`;
    let mac = c.mac;
    if (!mac) {
      mac = randomMac(randomFill);
      ctx.log(`Choosing a random ethernet address for device ${name}`);
    }
    let backend: (NetBackend & { close(): void }) | null = null;
    try {
      backend = openTransport(name, c, mac, ctx.log);
      // tuml's own option: capture the NIC's frames to a pcap file.
      const pcap = c.options.get('pcap');
      if (pcap) {
        try {
          backend = new PcapDump(backend, pcap);
        } catch (e) {
          backend.close();
          throw new DriverError(`${name}: pcap=${pcap}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      backends.push(backend);
    } catch (e) {
      if (!(e instanceof NetOpenError) || e instanceof DriverError) {
        for (const b of backends) b.close();
        throw e;
      }
      ctx.log(e.message);
    }
    return new VirtioNet(backend, { mac, mtu: c.mtu, gro: c.gro, depth: c.multi ? c.depth : 1 });
  });
  return {
    virtio: { last: devices },
    dispose() {
      for (const b of backends) b.close();
    },
  };
}
