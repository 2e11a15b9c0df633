// What the wiring asks of the host process itself: its terminal, its entropy, its files.
// (The wiring stays free of Node's globals; everything it needs of the host comes from host/.)

import { randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isatty } from 'node:tty';

/** Whether the process's standard input is a terminal. */
export function stdinIsTerminal(): boolean {
  return isatty(0);
}

/** Fills `buf` with random bytes. */
export function randomFill(buf: Uint8Array): void {
  randomFillSync(buf);
}

/** Whether a file of that name exists (following symlinks, as UML's open would). */
export function fileExists(path: string): boolean {
  return existsSync(path);
}
