// The hostfs driver: UML's `mount -t hostfs` (hostfs= on the command line, parsed in
// cmdline/hostfs.ts). The guest kernel's `hostfs` file system type (images/kernel/patches/0002)
// mounts 9P2000.L from a virtio-9p device tagged "hostfs", whose 9P server (src/9p) exports the
// host's `/` (UML's default) or the `hostfs=` directory, as the running user, through the
// confined host backend (src/host/fs).

import { resolve } from 'node:path';
import { P9Server } from '../../9p/server.js';
import { HostFsBackend } from '../../host/fs/backend.js';
import { Virtio9p } from '../../virtio/9p.js';
import { type BuildContext, DriverError, type DriverInstance } from './driver.js';

/** The mount tag the guest's hostfs type asks for. */
export const HOSTFS_TAG = 'hostfs';

/**
 * Linux's virtio-9p transport gives each mount a channel of its own (a second mount of a
 * busy tag is EBUSY): this many devices share the tag, so as many hostfs mounts can be up
 * at once.
 */
export const HOSTFS_CHANNELS = 8;

/** Opens the export root now: a root that cannot be opened stops the boot with one line naming it. */
export function buildHostfs(ctx: BuildContext): DriverInstance {
  const setting = ctx.config.hostfs;
  const root = setting?.root ? resolve(setting.root) : '/';
  let backend: HostFsBackend;
  try {
    backend = new HostFsBackend({ root, append: setting?.append });
  } catch (e) {
    throw new DriverError(`hostfs=${setting?.root}: cannot open the directory: ${(e as Error).message.split(': ').pop()}`);
  }
  const log = ctx.log;
  const devices = Array.from({ length: HOSTFS_CHANNELS }, () => new Virtio9p(HOSTFS_TAG, new P9Server({ backend, log })));
  return { virtio: { last: devices }, dispose: () => backend.close() };
}
