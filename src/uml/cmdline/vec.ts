// UML's vector network devices: `vec<N>:transport=<t>,<key>=<value>,...`
// (network-transports.md §3.1-3.3, §5), with UML's messages. Parsing only:
// the host side is opened by src/host/net.

import { parseCInteger } from './size.js';
import { type Switch, prefixSwitch } from './switch.js';
import type { VecConfig, VecTransport } from '../../host/net/spec.js';

export type { VecConfig, VecTransport } from '../../host/net/spec.js';

/** Matched by prefix, in UML's order (so `tapfoo` is `tap`). */
const TRANSPORTS: readonly VecTransport[] = ['raw', 'hybrid', 'tap', 'gre', 'l2tpv3', 'bess', 'fd'];


export type VecParse = { config: VecConfig; warnings: string[] } | { error: string };

const DEFAULT_DEPTH = 64;
const DEFAULT_MTU = 1500;
/** UML's code default (its HowTo says 32). */
const DEFAULT_HEADROOM = 2;

/** `arg` is the whole switch, starting with `vec`. */
export function parseVec(arg: string, configured: ReadonlySet<number> = new Set()): VecParse {
  const rest = arg.slice(3);
  const colon = rest.indexOf(':');
  const fail = (reason: string) => ({ error: `vector_setup - Couldn't parse '${rest}' : ${reason}` });
  if (colon < 0) return fail("Expected ':' after device number");
  const unit = parseCInteger(rest.slice(0, colon));
  if (unit === undefined) return fail('Bad device number');
  if (configured.has(unit)) return fail('Device already configured');
  const text = rest.slice(colon + 1);
  const options = new Map<string, string>();
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue; // UML skips items without a value
    if (item.indexOf('=', eq + 1) >= 0) return { error: `vector_setup - Couldn't parse '${item}'` };
    const key = item.slice(0, eq);
    if (!options.has(key)) options.set(key, item.slice(eq + 1));
  }
  const t = options.get('transport');
  if (t === undefined) return { error: `missing transport for unit ${unit}` };
  const transport = TRANSPORTS.find((name) => t.startsWith(name));
  if (!transport) return { error: `vec${unit}: unknown transport '${t}' (raw, hybrid, tap, gre, l2tpv3, bess, fd)` };

  const warnings: string[] = [];
  const num = (key: string, dflt: number): number => {
    const v = options.get(key);
    if (v === undefined) return dflt;
    // UML's kstrtoul: an unparsable number leaves the default.
    return /^\d+$/.test(v) && Number(v) <= 0xffffffff ? Number(v) : dflt;
  };
  let depth = num('depth', DEFAULT_DEPTH);
  if (depth < 1) depth = DEFAULT_DEPTH;
  let mtu = num('mtu', DEFAULT_MTU);
  if (mtu < 576 || mtu >= 65535) mtu = DEFAULT_MTU;
  const config: VecConfig = {
    unit,
    transport,
    options,
    text,
    depth: Math.min(depth, 1024),
    gro: num('gro', 0) > 0,
    mtu,
    headroom: Math.min(num('headroom', DEFAULT_HEADROOM), 256),
    multi: num('vec', 1) !== 0,
  };
  const macText = options.get('mac');
  if (macText !== undefined) {
    const r = parseMac(macText);
    if ('mac' in r) config.mac = r.mac;
    warnings.push(...r.warnings);
  }
  return { config, warnings };
}

/**
 * UML's setup_etheraddr: the address, or the messages that make the device choose a
 * random one. A globally administered address is accepted with UML's three warnings.
 */
export function parseMac(text: string): { mac: Uint8Array; warnings: string[] } | { warnings: string[] } {
  const parts = text.split(':');
  const mac = new Uint8Array(6);
  const ok = parts.length === 6 && parts.every((p, i) => /^[0-9a-fA-F]{1,2}$/.test(p) && ((mac[i] = parseInt(p, 16)), true));
  if (!ok) return { warnings: [`setup_etheraddr: failed to parse '${text}' as an ethernet address`] };
  if (mac[0] & 1) return { warnings: ['Attempt to assign a multicast ethernet address to a device disallowed'] };
  if (mac.every((b) => b === 0)) return { warnings: ['Attempt to assign an invalid ethernet address to a device disallowed'] };
  if (!(mac[0] & 2)) {
    const hex = [mac[0] | 2, ...mac.subarray(1)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    return {
      mac,
      warnings: [
        'Warning: Assigning a globally valid ethernet address to a device',
        "You should set the 2nd rightmost bit in the first byte of the MAC,",
        `i.e. ${hex}`,
      ],
    };
  }
  return { mac, warnings: [] };
}

/** A random unicast, locally administered address (UML's default). */
export function randomMac(random: (buf: Uint8Array) => void): Uint8Array {
  const mac = new Uint8Array(6);
  random(mac);
  mac[0] = (mac[0] & 0xfe) | 0x02;
  return mac;
}

export function formatMac(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The vec driver's switch: everything starting with `vec` is a vector device, as in UML. */
export const VEC_SWITCHES: Switch[] = [
  prefixSwitch('vec', (arg, d) => {
    const r = parseVec(arg, new Set(d.vec.map((v) => v.unit)));
    if ('error' in r) return r.error;
    d.vec.push(r.config);
    d.warnings.push(...r.warnings);
  }),
];
