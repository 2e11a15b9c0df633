// eth<N>=vde: a port on a VDE switch (Debian vde2's vde_switch), spoken directly rather than
// through libvdeplug: its control protocol is uml_switch's (a stream to `<dir>/ctl`, one
// request naming our datagram socket, the switch's data address back) with the port number
// in the request type's upper bits and a description after the address; then one Ethernet
// frame per datagram. A group and mode apply to file data sockets; ours is abstract.

import { statSync } from 'node:fs';
import type { EthSettings } from './spec.js';
import * as native from '../native/index.js';
import { NetOpenError } from './common.js';
import { REQ_NEW_CONTROL, SWITCH_MAGIC, SWITCH_VERSION, type SwitchPort, openSwitchPort } from './daemon.js';

/** libvdeplug's defaults: the system switch, else the user's. */
const DEFAULT_SOCKS = ['/var/run/vde.ctl', '/tmp/vde.ctl'];
const MAX_DESCR = 128;

/** struct request_v3: magic, version, type | port << 8, sockaddr_un, description. */
export function vdeRequest(dataPath: Uint8Array, port: number, descr: string): Uint8Array {
  const d = Buffer.from(descr).subarray(0, MAX_DESCR - 1);
  const req = new Uint8Array(122 + d.length + 1);
  const v = new DataView(req.buffer);
  v.setUint32(0, SWITCH_MAGIC, true);
  v.setUint32(4, SWITCH_VERSION, true);
  v.setUint32(8, (REQ_NEW_CONTROL | (port << 8)) >>> 0, true);
  v.setUint16(12, native.AF_UNIX, true);
  req.set(dataPath.subarray(0, 108), 14);
  req.set(d, 122);
  return req;
}

/** A switch directory holds its control socket as `ctl`; an old-style switch is the socket itself. */
function controlPath(sock: string): string {
  try {
    return statSync(sock).isDirectory() ? `${sock}/ctl` : sock;
  } catch {
    return sock;
  }
}

export function openVde(name: string, s: Extract<EthSettings, { kind: 'vde' }>, log: (line: string) => void): SwitchPort {
  const candidates = s.sock ? [s.sock] : DEFAULT_SOCKS;
  let last: unknown;
  for (const sock of candidates) {
    try {
      const port = openSwitchPort(name, controlPath(sock), 'vde_open_real', (data) => vdeRequest(data, s.port, s.descr), log, 'vde switch');
      log('vde backend - connection opened');
      return port;
    } catch (e) {
      last = e;
    }
  }
  if (last instanceof NetOpenError) throw new NetOpenError(`${(last.message)}; vde backend - cannot connect to the switch`);
  throw last;
}
