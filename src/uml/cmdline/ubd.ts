// `ubd<unit>[<flags>]=<file>[<sep><file2>][<sep><serial>]` and `ubd=sync`, with
// UML's parse rules and messages (spec ubd-and-cow.md §2, §2.1). A bad spec
// does not stop the boot: UML reports it and goes on without that disk.

import { parseCInteger } from './size.js';
import { type Switch, prefixSwitch } from './switch.js';

export const UBD_UNITS = 16;

export interface UbdConfig {
  unit: number;
  /** The image, or the COW file when `backing` is set. */
  file: string;
  backing?: string;
  serial?: string;
  readOnly: boolean;
  sync: boolean;
  /** `d`: never treat `file` as a COW file. */
  noCowDetect: boolean;
  /** `c`: take no host file locks. */
  shared: boolean;
  /** `t`: no TRIM/discard or write-zeroes. */
  noTrim: boolean;
}

export type UbdParse =
  | { kind: 'disk'; disk: UbdConfig }
  | { kind: 'empty'; unit: number } // `ubd3=`: accepted, configures nothing
  | { kind: 'sync' } // ubd=sync
  | { kind: 'warning'; message: string };

const MAX_FLAG_CHARS = 6;

/** Parses one argument that starts with `ubd`. */
export function parseUbd(arg: string): UbdParse {
  const rest = arg.slice(3);
  if (rest.startsWith('=')) {
    if (rest === '=sync') return { kind: 'sync' };
    return { kind: 'warning', message: 'fake major not supported any more' };
  }
  const fail = (reason: string): UbdParse => ({
    kind: 'warning',
    message: `Failed to initialize device with "${rest}" : ${reason}`,
  });

  // The unit: a single letter a-z, or a C integer literal (base 0).
  let unit: number;
  let i: number;
  const c = rest.charCodeAt(0);
  if (c >= 0x61 && c <= 0x7a) {
    unit = c - 0x61;
    i = 1;
  } else {
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(rest);
    const n = m ? parseCInteger(m[1]) : undefined;
    if (!m || n === undefined) return fail("Couldn't parse device number");
    unit = n;
    i = m[1].length;
  }
  if (unit >= UBD_UNITS) return fail('Device number out of range');

  const flags = { readOnly: false, sync: false, noCowDetect: false, shared: false, noTrim: false };
  let seen = 0;
  for (;;) {
    if (i >= rest.length) return fail("Missing '='");
    const ch = rest[i++];
    if (ch === '=') break;
    if (++seen > MAX_FLAG_CHARS) return fail('Too many flags specified');
    switch (ch) {
      case 'r': flags.readOnly = true; break;
      case 's': flags.sync = true; break;
      case 'd': flags.noCowDetect = true; break;
      case 'c': flags.shared = true; break;
      case 't': flags.noTrim = true; break;
      default: return fail("Expected '=' or flag letter (r, s, c, t or d)");
    }
  }

  const fields = rest.slice(i).split(/[,:]/);
  const file = fields[0];
  if (file === '') return { kind: 'empty', unit };
  const second = fields[1] ?? '';
  // A fourth field and beyond are ignored, as UML does.
  const serial = fields[2] ?? '';
  if (second && flags.noCowDetect) return fail("Can't specify both 'd' and a cow file");
  const disk: UbdConfig = { unit, file, ...flags };
  if (second) disk.backing = second;
  if (serial) disk.serial = serial;
  return { kind: 'disk', disk };
}

/** A whole unit name as mconsole gives it (UML's parse_unit): a letter a-z or a C integer; -1 when neither. */
export function parseUbdUnit(s: string): number {
  if (/^[a-z]$/.test(s)) return s.charCodeAt(0) - 0x61;
  return parseCInteger(s) ?? -1;
}

/** `ubda` … `ubdp`. */
export function ubdName(unit: number): string {
  return `ubd${String.fromCharCode(0x61 + unit)}`;
}

/** The ubd driver's switches: ubd<N>…=, ubd=sync, and UML's fake_ide and udb messages. */
export const UBD_SWITCHES: Switch[] = [
  prefixSwitch('ubd', (arg, d) => {
    const r = parseUbd(arg);
    if (r.kind === 'sync') d.ubdSync = true;
    else if (r.kind === 'warning') d.warnings.push(r.message);
    else {
      const unit = r.kind === 'disk' ? r.disk.unit : r.unit;
      if (d.ubdSeen.has(unit)) d.warnings.push(`Failed to initialize device with "${arg.slice(3)}" : Device is already configured`);
      else {
        d.ubdSeen.add(unit);
        if (r.kind === 'disk') d.ubd.set(unit, r.disk);
      }
    }
  }),
  { claims: (arg) => arg === 'fake_ide', take: (_arg, d) => void d.warnings.push('The fake_ide option has been removed') },
  prefixSwitch('udb', (arg, d) => void d.warnings.push(`${arg} specified on command line is almost certainly a ubd -> udb TYPO`)),
];
