// `config` / `remove` device classes for what the command line configured at
// boot: queries answer from the configuration in use. Hot-add and removal
// need the ubd and line drivers' own hot-plug entry points; until they exist
// these classes answer with UML's texts for the cases decidable here and a
// clear error for the rest.

import { type MachineConfig } from '../uml/cmdline/index.js';
import { formatLineConfig } from '../uml/cmdline/channel.js';
import type { GuestRelease, McDeviceClass } from './instance.js';
import type { McReply } from './server.js';

const OK = (text = ''): McReply => ({ err: 0, text });
const ERR = (text: string, err = 1): McReply => ({ err, text });
const EINVAL = -22;

const UBD_UNITS = 16;
const LINES = { con: 16, ssl: 64 } as const;

/** UML's parse_unit for ubd: a decimal number or a letter a–z; -1 when neither. */
function ubdUnit(s: string): number {
  if (/^\d/.test(s)) {
    const m = /^\d+/.exec(s)!;
    return m[0].length === s.length ? Number(m[0]) : -1;
  }
  if (/^[a-z]$/.test(s)) return s.charCodeAt(0) - 97;
  return -1;
}

/** A C integer literal that must be the whole string (UML's line-number parse). */
function cUnit(s: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8) || 0;
  if (/^[1-9]\d*$/.test(s)) return Number(s);
  return undefined;
}

export function bootDevices(config: MachineConfig, hotplug?: Partial<Record<'ubd' | 'con' | 'ssl', HotPlug>>): McDeviceClass[] {
  const ubd: McDeviceClass = {
    name: 'ubd',
    query(unit) {
      if (hotplug?.ubd) return hotplug.ubd.query(unit);
      const n = ubdUnit(unit);
      if (n < 0 || n >= UBD_UNITS) return ERR('ubd_get_config : device number out of range');
      const d = config.ubd.find((x) => x.unit === n);
      if (!d) return OK();
      return OK(d.backing !== undefined ? `${d.file},${d.backing}` : d.file);
    },
    config(spec) {
      if (hotplug?.ubd) return hotplug.ubd.config(spec);
      const eq = spec.indexOf('=');
      const n = ubdUnit(spec.slice(0, eq).replace(/[rsdct]+$/, ''));
      if (n < 0 || n >= UBD_UNITS) return ERR('ubd_config_string : device number out of range');
      if (config.ubd.some((x) => x.unit === n)) return ERR('Device is already configured', -16);
      if (eq === spec.length - 1) return OK(); // `ubd3=`: nothing to configure, as UML
      return ERR('ubd hot-plug is not available in this build');
    },
    remove(unit, release) {
      if (hotplug?.ubd) return hotplug.ubd.remove(unit, release);
      const n = ubdUnit(unit);
      if (n < 0) return ERR("Couldn't parse device number");
      if (n >= UBD_UNITS) return ERR('Invalid device number - must be between 0 and 15');
      if (!config.ubd.some((x) => x.unit === n)) return ERR("Device doesn't exist", -19);
      return ERR('ubd hot-unplug is not available in this build');
    },
  };
  const line = (name: 'con' | 'ssl'): McDeviceClass => ({
    name,
    query(unit) {
      if (hotplug?.[name]) return hotplug[name]!.query(unit);
      const n = cUnit(unit);
      if (n === undefined) return ERR("Couldn't parse device number");
      if (n >= LINES[name]) return ERR('device number out of range');
      // Only con0 has a channel at this stage (it carries every guest console).
      if (name === 'con' && n === 0) return OK(lineString(formatLineConfig(config.con0)));
      return OK('none');
    },
    config(spec) {
      if (hotplug?.[name]) return hotplug[name]!.config(spec);
      const eq = spec.indexOf('=');
      if (eq === 0) return ERR("Can't configure all devices from mconsole", EINVAL);
      const n = cUnit(spec.slice(0, eq));
      if (n === undefined) return ERR("Couldn't parse device number");
      if (n >= LINES[name]) return ERR('Device number out of range');
      return ERR(`${name} reconfiguration is not available in this build`);
    },
    remove(unit) {
      if (hotplug?.[name]) return hotplug[name]!.remove(unit);
      const n = cUnit(unit);
      if (n === undefined) return ERR("Couldn't parse device number");
      if (n >= LINES[name]) return ERR('Device number out of range');
      if (!(name === 'con' && n === 0 && config.con0 !== 'none')) return ERR("configured as 'none'", EINVAL);
      return ERR(`${name} removal is not available in this build`);
    },
  });
  return [ubd, line('con'), line('ssl')];
}

/** A driver's hot-plug entry points, when it has them: they take over the whole class. */
export interface HotPlug {
  query(unit: string): McReply;
  config(spec: string): McReply | Promise<McReply>;
  remove(unit: string, release?: GuestRelease): McReply | Promise<McReply>;
}

/** UML names a channel used both ways once (`null`, `pts:/dev/pts/3`), a split pair as `in,out`. */
function lineString(s: string): string {
  const [a, b] = s.split(',');
  return b !== undefined && a === b ? a : s;
}
