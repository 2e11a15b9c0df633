// The network driver: UML's legacy devices (`eth<N>=<transport>,...`, parsed in
// cmdline/eth.ts) and vector devices (`vec<N>:transport=T,...`, cmdline/vec.ts), one
// virtio-net each after every other virtio device: eth units first, then vec units, each
// in unit order, so the guest names them eth0, eth1, … in that order. Spare NICs without
// carrier follow for mconsole's `config ethN=` / `config vecN:` (virtio-mmio has no
// hot-plug); `remove` takes the transport away again and the slot can be reused.
//
// A vec transport that cannot open is one line and its NIC stays without carrier (UML
// shows the error when the interface comes up); an eth device whose transport fails is
// not created, as in UML.

import { randomFill } from '../../host/env.js';
import { PcapDump } from '../../host/net/dump.js';
import { NetOpenError, openEthTransport, openTransport } from '../../host/net/index.js';
import type { EthConfig, VecConfig } from '../../host/net/spec.js';
import { type NetBackend, VirtioNet } from '../../virtio/net.js';
import { parseEth } from '../cmdline/eth.js';
import { formatMac, parseVec, randomMac } from '../cmdline/vec.js';
import { parseCInteger } from '../cmdline/size.js';
import type { GuestLinkCheck, GuestRelease } from '../../mconsole/instance.js';
import type { McReply } from '../../mconsole/server.js';
import { type BuildContext, DriverError, type DriverInstance, type Placed } from './driver.js';

type Backend = NetBackend & { close(): void };

interface Nic {
  dev: VirtioNet;
  /** `eth3`, `vec0`; undefined for a spare slot nobody has configured. */
  name?: string;
  backend: Backend | null;
  /** Its virtio-mmio slot, once the machine is laid out. */
  mmioBase?: number;
  /** A `remove` is asking the guest about it. */
  checking?: boolean;
}

const EBUSY = -16;
const ENODEV = -19;
const OK = (text = ''): McReply => ({ err: 0, text });
const ERR = (text: string, err = 1): McReply => ({ err, text });

export function buildNet(ctx: BuildContext): DriverInstance {
  const nics: Nic[] = [];
  const close = () => {
    for (const n of nics) n.backend?.close();
  };
  try {
    for (const c of ctx.config.eth ?? []) {
      const mac = pickMac(ctx, `eth${c.unit}`, c.mac);
      const backend = openEth(ctx.log, c, mac);
      if (backend) nics.push({ dev: new VirtioNet(backend, { mac, mtu: 1500 }), name: `eth${c.unit}`, backend });
    }
    for (const c of ctx.config.vec ?? []) {
      const name = `vec${c.unit}`;
      const mac = pickMac(ctx, name, c.mac);
      const backend = openVec(ctx.log, c, mac);
      nics.push({ dev: new VirtioNet(backend, { mac, mtu: c.mtu, gro: c.gro, depth: c.multi ? c.depth : 1 }), name, backend });
    }
  } catch (e) {
    close();
    throw e;
  }
  for (let i = 0; i < (ctx.netHotplugSlots ?? 0); i++) nics.push({ dev: new VirtioNet(null, { mac: randomMac(randomFill) }), backend: null });

  const find = (name: string) => nics.find((n) => n.name === name);
  const units = (prefix: string) => new Set(nics.filter((n) => n.name?.startsWith(prefix)).map((n) => Number(n.name!.slice(prefix.length))));
  const spare = () => nics.find((n) => n.name === undefined);

  const unplug = (nic: Nic, name: string): McReply => {
    nic.backend?.close();
    nic.backend = null;
    nic.name = undefined;
    nic.dev.setBackend(null);
    ctx.log(`${name}: removed (its guest interface stays, without carrier, for the next config)`);
    return OK();
  };
  // UML refuses while the interface is up (its transport is open then): -EBUSY. The guest is
  // asked through its agent; no answer means no removal.
  const remove = (prefix: string) => (unit: string, _release?: GuestRelease, linkUp?: GuestLinkCheck): McReply | Promise<McReply> => {
    const n = parseCInteger(unit);
    if (n === undefined) return ERR("Couldn't parse device number");
    const name = `${prefix}${n}`;
    const nic = find(name);
    if (!nic) return ERR("Device doesn't exist", ENODEV);
    if (nic.checking) return ERR('Device is currently open', EBUSY);
    // No driver on the NIC (not probed yet, or reset): no interface can be up.
    if (!nic.dev.active) return unplug(nic, name);
    const why = (r: string) => ERR(`cannot tell whether the guest has ${name} up (${r}): not removed`);
    if (!linkUp || nic.mmioBase === undefined) return why('no guest agent');
    nic.checking = true;
    const done = (r: Awaited<ReturnType<GuestLinkCheck>>): McReply => {
      nic.checking = false;
      if (nic.name !== name) return ERR("Device doesn't exist", ENODEV);
      if (r !== undefined && 'busy' in r) return ERR('Device is currently open', EBUSY);
      if (r !== undefined) return why(r.unknown);
      // (The guest may bring the interface up right after answering; it then has no carrier.)
      return unplug(nic, name);
    };
    return linkUp(nic.mmioBase).then(done, (e: unknown) => done({ unknown: (e as Error).message }));
  };
  const plug = (nic: Nic, name: string, backend: Backend | null): McReply => {
    nic.name = name;
    nic.backend = backend;
    nic.dev.setBackend(backend);
    return OK();
  };

  // The guest names the NICs eth0, eth1, … in slot order; passt's get DHCP from the image's init.
  const dhcp = nics.flatMap((n, i) => (n.backend && ctx.config.eth?.some((c) => `eth${c.unit}` === n.name && c.transport === 'passt') ? [`eth${i}`] : []));
  return {
    virtio: { last: nics.map((n) => n.dev) },
    attach(_machine, placed: readonly Placed[]) {
      for (const nic of nics) nic.mmioBase = placed.find((p) => p.dev === nic.dev)?.mmioBase;
    },
    cmdline: (args) => (dhcp.length ? [...args, `tuml.dhcp=${dhcp.join(',')}`] : args),
    mconsole: () => [
      {
        name: 'eth',
        query: () => ERR('No get_config routine defined'),
        config(spec: string): McReply {
          const r = parseEth(spec, units('eth'));
          if ('error' in r) return ERR(r.error.replace(/^eth_setup - Couldn't parse '.*' : /, ''));
          if ('unknown' in r) return ERR('');
          if ('refused' in r) return ERR(r.refused.join('\n'));
          const nic = spare();
          if (!nic) return ERR('No free network slot (tuml reserves them when the machine starts)');
          const lines: string[] = [];
          for (const w of r.warnings) ctx.log(w);
          const backend = openEth((l) => (ctx.log(l), lines.push(l)), r.config, nic.dev.mac, true);
          if (!backend) return ERR(lines[lines.length - 1] ?? 'transport failed');
          return plug(nic, `eth${r.config.unit}`, backend);
        },
        remove: remove('eth'),
      },
      {
        name: 'vec',
        query: () => ERR('No get_config routine defined'),
        config(spec: string): McReply {
          const r = parseVec(`vec${spec}`, units('vec'));
          if ('error' in r) return ERR(r.error.replace(/^vector_setup - Couldn't parse '.*' : /, ''));
          const nic = spare();
          if (!nic) return ERR('No free network slot (tuml reserves them when the machine starts)');
          for (const w of r.warnings) ctx.log(w);
          const name = `vec${r.config.unit}`;
          let backend: Backend;
          try {
            backend = openTransport(name, r.config, nic.dev.mac, ctx.log);
          } catch (e) {
            if (!(e instanceof NetOpenError)) throw e;
            return ERR(e.message);
          }
          return plug(nic, name, backend);
        },
        remove: remove('vec'),
      },
    ],
    dispose: close,
  };
}

function pickMac(ctx: BuildContext, name: string, given: Uint8Array | undefined): Uint8Array {
  if (given) return given;
  ctx.log(`Choosing a random ethernet address for device ${name}`);
  return randomMac(randomFill);
}

/** UML's eth_configure: the transport's setup lines, `Netdevice N (mac) : `, then its own lines; null if it failed. */
function openEth(log: (line: string) => void, c: EthConfig, mac: Uint8Array, hot = false): Backend | null {
  const name = `eth${c.unit}`;
  for (const l of c.setupLog) log(l);
  log(`Netdevice ${c.unit} (${formatMac(mac)}) : `);
  if (hot) log(`${name}: hot-added; the guest keeps the MAC it read at boot`);
  try {
    return openEthTransport(name, c, mac, log);
  } catch (e) {
    if (!(e instanceof NetOpenError)) throw e;
    log(e.message);
    return null;
  }
}

/** A vec transport, with tuml's pcap= capture; null (no carrier) when it cannot open. */
function openVec(log: (line: string) => void, c: VecConfig, mac: Uint8Array): Backend | null {
  const name = `vec${c.unit}`;
  let backend: Backend;
  try {
    backend = openTransport(name, c, mac, log);
  } catch (e) {
    if (!(e instanceof NetOpenError)) throw e;
    log(e.message);
    return null;
  }
  // tuml's own option: capture the NIC's frames to a pcap file.
  const pcap = c.options.get('pcap');
  if (!pcap) return backend;
  try {
    return new PcapDump(backend, pcap);
  } catch (e) {
    backend.close();
    throw new DriverError(`${name}: pcap=${pcap}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
