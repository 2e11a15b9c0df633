// The ubd driver: UML's disks (`ubd<N>[flags]=FILE[,BACKING]`, parsed in cmdline/ubd.ts) as
// virtio disks. Boot disks take the first virtio slots in unit order (the guest names them
// vda, vdb, … in that order); empty disk slots for `config ubdN=` come after the console.
// The guest's init learns which unit is in which slot from `tuml.ubd=` and makes /dev/ubdX.

import { type HostFileOps, hostFileOps } from '../../host/block/hostops.js';
import { type UbdDisk, UbdMissingError, UbdOpenError, openUbd } from '../../host/block/ubd.js';
import { fileExists } from '../../host/env.js';
import { VIRT_VIRTIO } from '../../machine/virt.js';
import { VirtioBlk } from '../../virtio/blk.js';
import { UBD_UNITS, type UbdConfig, ubdName } from '../cmdline/ubd.js';
import { UbdUnits } from '../ubd-units.js';
import { type BuildContext, DriverError, type DriverInstance, type Placed } from './driver.js';

export interface UbdDriver extends DriverInstance {
  /** The units, for whoever makes the guest's /dev/ubdX of hot-added disks. */
  readonly units: UbdUnits;
  /**
   * Adds the empty disk slots for `config ubdN=` (after the console, with the other drivers'
   * late devices): as many as asked for, as units are free, and as the board has slots left.
   */
  reserveSpares(slotsLeft: number): void;
}

interface OpenedDisk {
  unit: number;
  backend: UbdDisk;
  dev: VirtioBlk;
}

/** Opens the disks; anything that makes one unsafe to use stops the boot here, before any file is written. */
export function buildUbd(ctx: BuildContext): UbdDriver {
  const { config } = ctx;
  const configs = withDefaultUnit0(config.ubd, !!config.ubdSync);
  const disks = openDisks(configs, hostFileOps, ctx.log).map((d) => ({ ...d, dev: new VirtioBlk(d.backend) }));
  // One virtio-mmio slot per disk, one for the console.
  if (disks.length > VIRT_VIRTIO.count - 1) {
    for (const d of disks) d.backend.close();
    throw new DriverError(`ubd: at most ${VIRT_VIRTIO.count - 1} disks can be open at once (${disks.length} configured)`);
  }
  const spares: VirtioBlk[] = [];
  let units: UbdUnits | undefined;
  const boot = configs.map((c) => ({ config: c, disk: disks.find((d) => d.unit === c.unit)?.backend }));
  const opts = { ops: hostFileOps, log: ctx.log, sync: !!config.ubdSync };

  return {
    virtio: { first: disks.map((d) => d.dev), last: spares },
    reserveSpares(slotsLeft: number) {
      const n = Math.max(0, Math.min(ctx.ubdHotplugSlots, UBD_UNITS - disks.length, slotsLeft));
      for (let i = 0; i < n; i++) spares.push(new VirtioBlk(null));
    },
    get units(): UbdUnits {
      if (!units) throw new Error('ubd: the units exist once the machine is laid out');
      return units;
    },
    cmdline: (args) => guestArgs(args, disks),
    attach(_machine, placed: readonly Placed[]) {
      const slots = spares.map((dev) => {
        const p = placed.find((x) => x.dev === dev);
        if (!p) throw new Error('ubd: a spare disk slot was not placed');
        return { dev, mmioBase: p.mmioBase };
      });
      units = new UbdUnits(boot, slots, opts);
    },
    mconsole() {
      const u = this.units;
      return [{ name: 'ubd', query: (unit) => u.query(unit), config: (spec) => u.config(spec), remove: (unit, release) => u.remove(unit, release) }];
    },
    dispose() {
      for (const d of disks) d.backend.close();
      units?.close();
    },
  };
}

/** UML's unit 0 when the command line configures none: `root_fs` in the current directory, if there is one. */
function withDefaultUnit0(ubd: readonly UbdConfig[], sync: boolean): readonly UbdConfig[] {
  if (ubd.some((d) => d.unit === 0) || !fileExists('root_fs')) return ubd;
  const unit0: UbdConfig = { unit: 0, file: 'root_fs', readOnly: false, sync, noCowDetect: false, shared: false, noTrim: false };
  return [unit0, ...ubd];
}

/**
 * Opens the ubd units, in unit order. As UML, a plain image that does not exist is reported
 * and the boot goes on without it. Anything that makes a disk unsafe to use (a damaged COW
 * header or bitmap, a missing or changed backing file, a lock held by another instance) stops
 * the boot with one line, before any file is written.
 */
function openDisks(ubd: readonly UbdConfig[], ops: HostFileOps | undefined, log: (line: string) => void): Array<{ unit: number; backend: UbdDisk }> {
  const out: Array<{ unit: number; backend: UbdDisk }> = [];
  for (const d of ubd) {
    try {
      out.push({ unit: d.unit, backend: openUbd(d, { ops, log }) });
    } catch (e) {
      if (e instanceof UbdMissingError) {
        for (const line of e.lines) log(line);
        continue;
      }
      for (const o of out) o.backend.close();
      if (e instanceof UbdOpenError) throw new DriverError(`${ubdName(d.unit)}: ${e.message}`);
      const err = e as NodeJS.ErrnoException;
      throw new DriverError(`${ubdName(d.unit)}: ${d.file}: ${err.code ?? err.message}`);
    }
  }
  return out;
}

/**
 * UML's disk names in the guest's terms: the disks are virtio disks in unit order (vda, vdb,
 * …), so `root=/dev/ubdc` names the second one when ubda and ubdc are open; `/dev/ubd0` (the
 * old numeric name, still in the HowTo's fstab and help) is unit 0. `tuml.ubd=` tells the
 * guest's init which unit sits in each virtio-mmio slot (one letter per slot, disks first).
 */
function guestArgs(args: string[], disks: readonly OpenedDisk[]): string[] {
  const out = args.map((a) => {
    const m = /^(root=\/dev\/)ubd(?:([a-p])(\d*)|(\d+))$/.exec(a);
    if (!m) return a;
    const unit = m[4] !== undefined ? Number(m[4]) : m[2].charCodeAt(0) - 0x61;
    const idx = disks.findIndex((d) => d.unit === unit);
    return idx < 0 ? a : `${m[1]}vd${String.fromCharCode(0x61 + idx)}${m[3] ?? ''}`;
  });
  if (disks.length) out.push(`tuml.ubd=${disks.map((d) => ubdName(d.unit).slice(3)).join('')}`);
  return out;
}
