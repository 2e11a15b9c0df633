// tuml mkcow [-f] <COW file> <backing file>: create a COW file like uml_mkcow (spec §7).
// Every check (backing path, stat) runs before the COW file is opened, so a failure creates
// nothing. With -f an existing file is truncated first, so no stale bitmap survives.

import { CowCreateError, prepareCowHeader, writeCowFile } from '../../host/block/cow/create.js';
import { CowFormatError } from '../../host/block/cow/format.js';
import { strerror } from './common.js';

export const summary = 'create a COW file for a backing file (like uml_mkcow)';

export const usage = ['tuml mkcow usage: ', '\ttuml mkcow [-f] <COW file> <backing file>', '\t-f forces overwrite of an existing COW file'].join('\n');

export async function main(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(usage + '\n');
    return 0;
  }
  let force = false;
  let rest = args;
  if (rest[0] === '-f') {
    force = true;
    rest = rest.slice(1);
  }
  if (rest.length !== 2 || rest.some((a) => a.startsWith('-') && a !== '-')) {
    process.stderr.write(usage + '\n');
    return 2;
  }
  const [cow, backing] = rest as [string, string];
  let prepared;
  try {
    prepared = prepareCowHeader(backing);
  } catch (e) {
    if (e instanceof CowCreateError || e instanceof CowFormatError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    process.stderr.write(`write_cow_header: ${strerror(e)}\n`);
    return 1;
  }
  try {
    writeCowFile(cow, prepared, force);
  } catch (e) {
    process.stderr.write(`open COW file: ${strerror(e)}\n`);
    return 1;
  }
  return 0;
}
