// UML's legacy network devices: `eth<N>=<transport>,<field>,...` (network-transports.md
// §6.1-6.2), with UML's messages: the device number as eth_setup reads it, then each
// transport's positional fields as its *_setup reads them (split_if_spec: an empty field
// keeps the default). Parsing only; the host side is opened by src/host/net/legacy.

import { isIPv4 } from 'node:net';
import type { EthConfig, EthSettings, EthTransport, PortForward } from '../../host/net/spec.js';
import { parseMac } from './vec.js';
import { type Switch, prefixSwitch } from './switch.js';

export type { EthConfig } from '../../host/net/spec.js';

/** UML's build defaults: Debian's uml_switch control socket, slirp from $PATH. */
export const DAEMON_DEFAULT_CTL = '/var/run/uml-utilities/uml_switch.ctl';
const MCAST_GROUP = '239.192.168.1';
const UMCAST_PORT = 1102;
const SLIRP_MAX_ARGS = 100;
const VDE_DEFAULT_DESCR = 'UML vde_transport';

export type EthParse =
  | { config: EthConfig; warnings: string[] }
  /** A transport UML knows nothing of: ignored without a word at boot (UML's behaviour). */
  | { unknown: string }
  /** The transport refused its fields: UML's lines, no device. */
  | { refused: string[] }
  /** The device number part is wrong. */
  | { error: string };

/**
 * UML's split_if_spec: up to `n` comma-separated fields (empty ones stay undefined) and
 * whatever follows the n-th field's comma (undefined when nothing does).
 */
export function splitIfSpec(str: string, n: number): { fields: Array<string | undefined>; rest?: string } {
  const fields: Array<string | undefined> = [];
  let s = str;
  for (let i = 0; i < n; i++) {
    if (s === '') return { fields };
    const comma = s.indexOf(',');
    const field = comma < 0 ? s : s.slice(0, comma);
    fields[i] = field === '' ? undefined : field;
    if (comma < 0) return { fields };
    s = s.slice(comma + 1);
  }
  return { fields, rest: s };
}

/** simple_strtoul(…, 10) that must consume the whole field. */
function decimal(s: string): number | undefined {
  return /^\d+$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : undefined;
}

/** QEMU's hostfwd form: `[hostfwd=][tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`. */
export function parseForward(text: string): PortForward | string {
  const m = /^(?:hostfwd=)?(tcp|udp)?:([^:]*):(\d+)-([^:]*):(\d+)$/.exec(text);
  if (!m) return `bad port forward '${text}' (expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)`;
  const hostPort = Number(m[3]);
  const guestPort = Number(m[5]);
  if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) return `bad port in forward '${text}'`;
  const hostAddr = m[2] || '127.0.0.1';
  if (!isIPv4(hostAddr)) return `forward '${text}': host address must be an IPv4 address`;
  if (m[4] && m[4] !== PASST_GUEST) return `forward '${text}': the guest's address is ${PASST_GUEST}`;
  return { proto: (m[1] ?? 'tcp') as 'tcp' | 'udp', hostAddr, hostPort, guestPort };
}

/** The addresses the passt transport gives the guest (QEMU's user network's, so guides carry over). */
export const PASST_GUEST = '10.0.2.15';
export const PASST_GATEWAY = '10.0.2.2';
export const PASST_DNS = '10.0.2.3';

/** UML's transports in its registration order, each matched as a whole word. */
const TRANSPORTS: readonly EthTransport[] = ['tuntap', 'daemon', 'mcast', 'ucast', 'slirp', 'pcap', 'vde', 'passt'];

/** `text` is what follows `eth`: `<N>=<transport>,...`. */
export function parseEth(text: string, configured: ReadonlySet<number> = new Set()): EthParse {
  const fail = (reason: string) => ({ error: `eth_setup - Couldn't parse '${text}' : ${reason}` });
  // simple_strtoul(str, &end, 0): decimal, 0x hex or leading-0 octal, as much as parses.
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text);
  if (!m) return fail('Bad device number');
  const digits = m[1];
  const unit = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  if (text[digits.length] !== '=') return fail("Expected '=' after device number");
  if (configured.has(unit)) return fail('Device already configured');
  const spec = text.slice(digits.length + 1);
  return parseTransport(unit, spec);
}

function parseTransport(unit: number, spec: string): EthParse {
  let transport: EthTransport | undefined;
  let rest = '';
  for (const t of TRANSPORTS) {
    if (!spec.startsWith(t)) continue;
    const after = spec.slice(t.length);
    if (after !== '' && after[0] !== ',') continue;
    transport = t;
    rest = after.slice(1);
    break;
  }
  if (!transport) {
    // Gone from UML long ago: say so rather than ignore the device silently.
    const name = /^[^,]*/.exec(spec)![0];
    if (name === 'ethertap') {
      const { fields } = splitIfSpec(spec.slice(9), 3);
      if (!fields[0]) return { refused: ['ethertap_setup : Missing tap device name'] };
      return { refused: [`eth${unit}: the ethertap transport is obsolete (its host driver was removed from Linux); use eth${unit}=tuntap,<tap device> instead`] };
    }
    if (name === 'slip') {
      return { refused: [`eth${unit}: the slip transport is obsolete (it needs a host SLIP line made by uml_net); use eth${unit}=slirp or eth${unit}=tuntap instead`] };
    }
    return { unknown: name };
  }
  const r = settingsOf(transport, unit, rest);
  if ('refused' in r) return r;
  const warnings: string[] = [];
  const config: EthConfig = { unit, transport, text: spec, settings: r.settings, setupLog: r.log };
  if (r.mac !== undefined) {
    const p = parseMac(r.mac);
    if ('mac' in p) config.mac = p.mac;
    warnings.push(...p.warnings);
  }
  return { config, warnings };
}

type Settings = { settings: EthSettings; mac?: string; log: string[] } | { refused: string[] };

function settingsOf(t: EthTransport, unit: number, str: string): Settings {
  const garbage = (rest: string) => ({ refused: [`${t}_setup - Extra garbage on specification : '${rest}'`] });
  switch (t) {
    case 'tuntap': {
      const { fields, rest } = splitIfSpec(str, 3);
      if (rest !== undefined) return { refused: [`tuntap_setup - Extra garbage on specification : '${rest}'`] };
      const [dev, mac, gate] = fields;
      if (gate !== undefined && !isIPv4(gate)) return { refused: [`Invalid tap IP address - '${gate}'`] };
      return { settings: { kind: 'tuntap', dev, gate }, mac, log: [] };
    }
    case 'daemon': {
      const { fields, rest } = splitIfSpec(str, 3);
      const log = rest !== undefined ? ['daemon_setup : Ignoring data socket specification'] : [];
      return { settings: { kind: 'daemon', sockType: fields[1] ?? 'unix', ctl: fields[2] ?? DAEMON_DEFAULT_CTL }, mac: fields[0], log };
    }
    case 'mcast': {
      const { fields, rest } = splitIfSpec(str, 4);
      if (rest !== undefined) return garbage(rest);
      const [mac, addr, portText, ttlText] = fields;
      const lport = portText === undefined ? UMCAST_PORT : decimal(portText);
      if (lport === undefined) return { refused: [`mcast_setup - Bad port : '${portText}'`] };
      const ttl = ttlText === undefined ? 1 : decimal(ttlText);
      if (ttl === undefined) return { refused: [`mcast_setup - Bad ttl : '${ttlText}'`] };
      const group = addr ?? MCAST_GROUP;
      const s: EthSettings = { kind: 'mcast', addr: group, lport: lport & 0xffff, rport: lport & 0xffff, ttl: ttl & 0xff };
      return { settings: s, mac, log: [`Configured mcast device: ${group}:${lport}-${ttl}`] };
    }
    case 'ucast': {
      const { fields, rest } = splitIfSpec(str, 4);
      if (rest !== undefined) return garbage(rest);
      const [mac, addr, lText, rText] = fields;
      const lport = lText === undefined ? UMCAST_PORT : decimal(lText);
      if (lport === undefined) return { refused: [`ucast_setup - Bad listen port : '${lText}'`] };
      const rport = rText === undefined ? UMCAST_PORT : decimal(rText);
      if (rport === undefined) return { refused: [`ucast_setup - Bad port : '${rText}'`] };
      const s: EthSettings = { kind: 'ucast', addr: addr ?? '', lport: lport & 0xffff, rport: rport & 0xffff, ttl: 1 };
      return { settings: s, mac, log: [`Configured ucast device: :${lport} -> ${addr ?? ''}:${rport}`] };
    }
    case 'slirp': {
      const { fields, rest } = splitIfSpec(str, 1);
      const argv: string[] = [];
      const log: string[] = [];
      if (rest === undefined) argv.push('slirp');
      else {
        const parts = rest.split(',');
        if (parts.length > SLIRP_MAX_ARGS - 1) log.push('slirp_setup: truncating slirp arguments');
        for (const p of parts.slice(0, SLIRP_MAX_ARGS - 1)) argv.push(p.replace(/_/g, ' '));
      }
      return { settings: { kind: 'slirp', argv }, mac: fields[0], log };
    }
    case 'pcap': {
      const { fields, rest } = splitIfSpec(str, 5);
      if (rest !== undefined) return garbage(rest);
      const [hostIf, filter, o1, o2, mac] = fields;
      let promisc = true;
      let optimize = false;
      for (const o of [o1, o2]) {
        if (o === undefined) continue;
        if (o === 'promisc') promisc = true;
        else if (o === 'nopromisc') promisc = false;
        else if (o === 'optimize') optimize = true;
        else if (o === 'nooptimize') optimize = false;
        else return { refused: [`pcap_setup : bad option - '${o}'`] };
      }
      return { settings: { kind: 'pcap', hostIf: hostIf ?? 'eth0', filter, promisc, optimize }, mac, log: [] };
    }
    case 'vde': {
      const { fields, rest } = splitIfSpec(str, 6);
      if (rest !== undefined) return garbage(rest);
      const [sock, mac, portText, group, modeText, descr] = fields;
      const port = portText === undefined ? 0 : decimal(portText);
      if (port === undefined) return { refused: [`vde_setup - Bad port : '${portText}'`] };
      const mode = modeText === undefined ? 0o700 : /^[0-7]+$/.test(modeText) ? parseInt(modeText, 8) : undefined;
      if (mode === undefined) return { refused: [`vde_setup - Bad mode : '${modeText}'`] };
      const s: EthSettings = { kind: 'vde', sock, port, group, mode, descr: descr ?? VDE_DEFAULT_DESCR };
      return { settings: s, mac, log: [`Configured vde device: ${sock ?? '(default socket)'}`] };
    }
    case 'passt': {
      // tuml's own: eth<N>=passt,[<mac>],[<forward>],...
      const { fields, rest } = splitIfSpec(str, 1);
      const forwards: PortForward[] = [];
      for (const f of rest === undefined ? [] : rest.split(',')) {
        if (f === '') continue;
        const r = parseForward(f);
        if (typeof r === 'string') return { refused: [`passt_setup - ${r}`] };
        forwards.push(r);
      }
      return { settings: { kind: 'passt', forwards }, mac: fields[0], log: [] };
    }
  }
}

/** The eth driver's switch. Unlike vec's, a bad one is reported and the boot goes on (UML's eth_setup returns 1). */
export const ETH_SWITCHES: Switch[] = [
  prefixSwitch('eth', (arg, d) => {
    const r = parseEth(arg.slice(3), new Set(d.eth.map((e) => e.unit)));
    if ('error' in r) d.warnings.push(r.error);
    else if ('refused' in r) d.warnings.push(...r.refused);
    else if ('config' in r) {
      d.eth.push(r.config);
      d.warnings.push(...r.warnings);
    }
  }),
];
