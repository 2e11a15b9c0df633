// Builds the native addon (native/tuml_host.cc) with node-gyp when it is missing or older
// than its sources. npm puts its bundled node-gyp on PATH for scripts; Node's headers come
// from the installed Node (npm's nodedir), since the build must not need the network.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(fileURLToPath(import.meta.url), '..', '..', 'native');
const out = join(dir, 'build', 'Release', 'tuml_host.node');
const sources = ['tuml_host.cc', 'net.cc', 'binding.gyp'].map((f) => join(dir, f));
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
if (existsSync(out) && statSync(out).mtimeMs >= newest && !process.argv.includes('--force')) process.exit(0);

const args = ['rebuild'];
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync('node-gyp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
if (r.error) {
  console.error(`build-native: cannot run node-gyp (${r.error.message}); run this through npm (npm run build:native)`);
  process.exit(1);
}
process.exit(r.status ?? 1);
