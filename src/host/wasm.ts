// Node side: finds the package root and the compiled CPU core (build/cpu.wasm), and compiles
// the core once per process.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory holding tuml's package.json (works from src/ and from dist/). */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tuml') return (root = dir);
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the tuml package root (package.json)');
    dir = up;
  }
}

/** tuml's version from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Path of the compiled core. */
export function coreWasmPath(): string {
  return join(packageRoot(), 'build', 'cpu.wasm');
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled CPU core, compiled once and shared by every hart of the process. */
export function coreModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const path = coreWasmPath();
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch {
      throw new Error(`the CPU core ${path} is missing: run \`npm run build\``);
    }
    return WebAssembly.compile(bytes);
  })();
  compiled.catch(() => (compiled = undefined));
  return compiled;
}
