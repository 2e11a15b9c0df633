// The mconsole driver's switches (spec mconsole.md §1): umid=, uml_dir=, mconsole=notify:.

import { type Switch, prefixSwitch } from './switch.js';

/** UML's umid length limit; longer names are ignored. */
const UMID_MAX = 63;

export const MCONSOLE_SWITCHES: Switch[] = [
  prefixSwitch('umid=', (arg, d) => {
    const name = arg.slice(5);
    if (d.umid !== undefined) d.warnings.push('umid already set');
    else if (name.length > UMID_MAX || name.length === 0) d.warnings.push(`${arg}: ignored (1 to ${UMID_MAX} characters)`);
    // The umid names a directory tuml creates, takes over and deletes: never a path.
    else if (name.includes('/') || name === '.' || name === '..') return `${arg}: a umid cannot contain '/' or be '.' or '..'`;
    else d.umid = name;
  }),
  prefixSwitch('uml_dir=', (arg, d) => {
    if (arg.length === 8) return "uml_dir can't be an empty string";
    d.umlDir = arg.slice(8);
    d.kernel.push(arg); // UML passes it on
  }),
  // A driver switch: the (host-side) mconsole driver consumes it.
  prefixSwitch('mconsole=', (arg, d) => {
    const v = arg.slice(9);
    if (v.startsWith('notify:') && v.length > 7) d.mconsoleNotify = v.slice(7);
    else d.warnings.push(`mconsole_setup : Unknown option - '${v}'`);
  }),
];
