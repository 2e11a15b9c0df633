// UML's `hostfs=<root dir>[,<flag>...]` (the spec's hostfs-and-other.md §1.2): every
// hostfs mount is confined under <root dir>; an empty root keeps the host's `/`. The
// only flag is `append`; others are reported as UML does and ignored.

import { type Switch, prefixSwitch } from './switch.js';

export interface HostfsConfig {
  /** The confinement root as given; absent: the host's `/`. */
  root?: string;
  append: boolean;
}

export function parseHostfs(value: string): { config: HostfsConfig; warnings: string[] } {
  const [root, ...flags] = value.split(',');
  const config: HostfsConfig = { append: false };
  const warnings: string[] = [];
  if (root) config.root = root;
  for (const f of flags) {
    if (f === 'append') config.append = true;
    else if (f !== '') warnings.push(`hostfs_args - unsupported option - ${f}`);
  }
  return { config, warnings };
}

/**
 * `rootfstype=hostfs` with no `root=`: the kernel mounts a device-less root only when
 * root= names something, so UML's documented `root=/dev/root` is added.
 */
export function hostfsRootArg(kernelArgs: readonly string[]): string | undefined {
  const hostfsRoot = kernelArgs.some((a) => a === 'rootfstype=hostfs');
  return hostfsRoot && !kernelArgs.some((a) => a.startsWith('root=')) ? 'root=/dev/root' : undefined;
}

/** The hostfs driver's switch: `hostfs=` (UML passes it on to the kernel too). */
export const HOSTFS_SWITCHES: Switch[] = [
  prefixSwitch('hostfs=', (arg, d) => {
    const h = parseHostfs(arg.slice(7));
    d.hostfs = h.config;
    d.warnings.push(...h.warnings);
    d.kernel.push(arg);
  }),
];
