// hostfs's device for a machine: a virtio-9p device tagged "hostfs" whose 9P server
// exports the host's `/` (UML's default) or the `hostfs=` directory, as the running user.
// The guest kernel's `hostfs` file system type (images/kernel/patches/0002) mounts it.

import { resolve } from 'node:path';
import { P9Server } from '../../9p/server.js';
import { Virtio9p } from '../../virtio/9p.js';
import { HostFsBackend } from './backend.js';

export { HostFsBackend, HOSTFS_SUPER_MAGIC } from './backend.js';

/** The mount tag the guest's hostfs type asks for. */
export const HOSTFS_TAG = 'hostfs';

export interface HostfsSetting {
  /** `hostfs=DIR`: the confinement root; absent: the host's `/`. */
  root?: string;
  /** UML's `append` flag. */
  append?: boolean;
}

/**
 * Linux's virtio-9p transport gives each mount a channel of its own (a second mount of a
 * busy tag is EBUSY): this many devices share the tag, so as many hostfs mounts can be
 * up at once.
 */
export const HOSTFS_CHANNELS = 8;

export interface HostfsDevices {
  devices: Virtio9p[];
  close(): void;
}

/** Opens the export root now: a root that cannot be opened throws one line naming it. */
export function openHostfs(setting: HostfsSetting | undefined, log: (line: string) => void): HostfsDevices {
  const root = setting?.root ? resolve(setting.root) : '/';
  let backend: HostFsBackend;
  try {
    backend = new HostFsBackend({ root, append: setting?.append });
  } catch (e) {
    throw new Error(`hostfs=${setting?.root}: cannot open the directory: ${(e as Error).message.split(": ").pop()}`);
  }
  const devices = Array.from({ length: HOSTFS_CHANNELS }, () => new Virtio9p(HOSTFS_TAG, new P9Server({ backend, log })));
  return { devices, close: () => backend.close() };
}
