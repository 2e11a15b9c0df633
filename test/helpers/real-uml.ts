// Debian's real UML kernel for interop tests: where it is, what a test needs to run it, and
// the x86-64 root tree its guest boots (real UML runs host binaries, so the host's static
// busybox). On CPUs whose XSAVE area is larger than UML 6.1 expects, the real-uml wrapper
// of a sibling checkout (tools/real-uml/real-uml) is used when present.

import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const wrapper = join(root, '..', 'shared', 'tools', 'real-uml', 'real-uml');

/** The command that runs real UML. */
export const umlBin = existsSync(wrapper) ? wrapper : '/usr/bin/linux';

/** An ELF executable without a program interpreter runs in any root. */
function isStatic(file: string): boolean {
  if (!existsSync(file)) return false;
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false;
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  return true;
}

const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(isStatic);

/** Why a test against real UML and the uml-utilities program `tool` cannot run, or false. */
export function realUmlMissing(tool: string): string | false {
  if (!existsSync('/usr/bin/linux')) return 'user-mode-linux is not installed';
  if (!existsSync(tool)) return 'uml-utilities is not installed';
  if (!busybox) return 'no static busybox (busybox-static) for the real UML guest';
  return false;
}

/** A root tree for real UML's guest in `dir`: these directories, /bin/busybox, /bin/sh and /init. */
export function stageUmlRoot(dir: string, dirs: readonly string[], init: string): void {
  for (const d of ['bin', ...dirs]) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'bin', 'busybox'), readFileSync(busybox!));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  symlinkSync('busybox', join(dir, 'bin', 'sh'));
  writeFileSync(join(dir, 'init'), init);
  chmodSync(join(dir, 'init'), 0o755);
}
