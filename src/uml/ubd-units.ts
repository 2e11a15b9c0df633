// The ubd units of a running machine, for management (mconsole's `config` / `remove`):
// query a unit's configuration, add a unit from a UML spec string, remove one, with UML's
// replies. virtio-mmio has no hot-plug, so units are added into empty disk slots reserved at
// boot (capacity 0 until a disk is put in; the guest gets a configuration-change interrupt
// and sees the capacity change). A slot is not reused after its disk was removed: the
// guest may still cache the old disk's blocks.

import type { VirtioBlk } from '../virtio/blk.js';
import { CowBackend } from '../host/block/cow/backend.js';
import type { HostFileOps } from '../host/block/hostops.js';
import { type UbdDisk, UbdOpenError, openUbd } from '../host/block/ubd.js';
import { UBD_UNITS, type UbdConfig, parseUbd, parseUbdUnit, ubdName } from './cmdline/ubd.js';

/** mconsole's reply shape: err 0 = OK, otherwise UML's error code. */
export interface UbdReply {
  err: number;
  text: string;
}

const EBUSY = -16;
const ENODEV = -19;
const OK = (text = ''): UbdReply => ({ err: 0, text });
const ERR = (text: string, err = 1): UbdReply => ({ err, text });

/** An empty disk slot and the guest-physical address of its virtio-mmio window. */
export interface UbdSlot {
  dev: VirtioBlk;
  mmioBase: number;
}

/**
 * What changed, for whoever makes the guest's /dev/ubdX node (the guest finds the disk under
 * /sys/devices/platform/soc/<mmioBase in hex>.virtio_mmio/).
 */
export interface UbdChange {
  unit: number;
  /** ubda … ubdp */
  name: string;
  mmioBase: number;
  present: boolean;
}

interface Unit {
  config: UbdConfig;
  disk?: UbdDisk;
  /** The reserved slot it was added into; undefined for disks configured at boot. */
  slot?: UbdSlot;
  /** A `remove` is waiting for the guest's answer. */
  releasing?: boolean;
}

/**
 * Asks the guest whether it still uses the disk `name` at `mmioBase`: undefined when it
 * has let go, `busy` with what holds it, `unknown` with why the guest could not tell.
 */
export type DiskRelease = (name: string, mmioBase: number) => Promise<undefined | { busy: string } | { unknown: string }>;

export class UbdUnits {
  private readonly units = new Map<number, Unit>();
  private readonly free: UbdSlot[];
  /** Called after a unit was added into a slot or removed from one. */
  onChange: ((c: UbdChange) => void) | undefined;

  constructor(
    boot: ReadonlyArray<{ config: UbdConfig; disk?: UbdDisk }>,
    /** Empty disk slots the machine was built with. */
    spares: readonly UbdSlot[],
    private readonly opts: { ops?: HostFileOps; log: (line: string) => void; sync: boolean },
  ) {
    for (const b of boot) this.units.set(b.config.unit, { config: b.config, disk: b.disk });
    this.free = [...spares];
  }

  /** Slots still free for `config`. */
  get freeSlots(): number {
    return this.free.length;
  }

  /** `config ubdN`: the file, or `cow,backing` for a COW disk (the backing file as opened). */
  query(unit: string): UbdReply {
    const n = parseUbdUnit(unit);
    if (n < 0 || n >= UBD_UNITS) return ERR('ubd_get_config : device number out of range');
    const u = this.units.get(n);
    if (!u) return OK();
    if (u.disk instanceof CowBackend) return OK(`${u.config.file},${u.disk.backingPath}`);
    return OK(u.config.backing !== undefined ? `${u.config.file},${u.config.backing}` : u.config.file);
  }

  /** `config ubd<spec>`: `spec` is what follows `ubd` (`3=/path/img`, `1r=cow,back`). */
  config(spec: string): UbdReply {
    const r = parseUbd(`ubd${spec}`);
    if (r.kind === 'sync') return ERR('ubd=sync can only be given on the command line');
    if (r.kind === 'warning') return ERR(r.message.replace(/^Failed to initialize device with ".*" : /, ''));
    if (r.kind === 'empty') return OK();
    const d = r.disk;
    if (this.units.has(d.unit)) return ERR('Device is already configured', EBUSY);
    const slot = this.free[0];
    if (!slot) return ERR('No free disk slot (tuml reserves them when the machine starts)');
    if (this.opts.sync) d.sync = true;
    let disk: UbdDisk;
    try {
      disk = openUbd(d, { ops: this.opts.ops, log: this.opts.log });
    } catch (e) {
      if (e instanceof UbdOpenError) return ERR(e.message);
      const err = e as { code?: string; message?: string };
      return ERR(`${d.file}: ${err.code ?? err.message}`);
    }
    this.free.shift();
    slot.dev.setBackend(disk);
    this.units.set(d.unit, { config: d, disk, slot });
    this.onChange?.({ unit: d.unit, name: ubdName(d.unit), mmioBase: slot.mmioBase, present: true });
    return OK();
  }

  /**
   * `remove ubdN`: only units added at run time (or configured but never opened) can go,
   * and a hot-added one only once `release` says the guest has nothing open on it (no
   * mount, swap, holder or open file): pulling a disk in use corrupts it. Without a way
   * to ask, the disk stays.
   */
  remove(unit: string, release?: DiskRelease): UbdReply | Promise<UbdReply> {
    const n = parseUbdUnit(unit);
    if (n < 0) return ERR("Couldn't parse device number");
    if (n >= UBD_UNITS) return ERR('Invalid device number - must be between 0 and 15');
    const u = this.units.get(n);
    if (!u) return ERR("Device doesn't exist", ENODEV);
    if (u.disk && !u.slot) return ERR('Device is currently open', EBUSY);
    const slot = u.slot;
    if (!slot) {
      this.units.delete(n);
      return OK();
    }
    const name = ubdName(n);
    if (u.releasing) return ERR('Device is currently open', EBUSY);
    if (!release) return ERR(`cannot tell whether the guest has /dev/${name} open: not removed`);
    u.releasing = true;
    return release(name, slot.mmioBase).then(
      (r) => {
        u.releasing = false;
        if (this.units.get(n) !== u) return ERR("Device doesn't exist", ENODEV);
        if (r !== undefined && 'busy' in r) return ERR('Device is currently open', EBUSY);
        if (r !== undefined) return ERR(`cannot tell whether the guest has /dev/${name} open (${r.unknown}): not removed`);
        // At the guest's answer: it removed the disk's nodes before looking, so nothing
        // opened it by name since.
        slot.dev.setBackend(null);
        u.disk?.close();
        this.units.delete(n);
        this.onChange?.({ unit: n, name, mmioBase: slot.mmioBase, present: false });
        return OK();
      },
      (e: unknown) => {
        u.releasing = false;
        return ERR(`cannot tell whether the guest has /dev/${name} open (${(e as Error).message}): not removed`);
      },
    );
  }

  /** Closes the disks added at run time (the boot disks belong to the machine's owner). */
  close(): void {
    for (const u of this.units.values()) if (u.slot) u.disk?.close();
  }
}
