#!/usr/bin/env node
// tuml: the command-line entry. A thin dispatcher: each subcommand lives in its own module
// and exports `summary`, `main(args): Promise<number>`; this file only picks one.
//
//   tuml [UML arguments...]   boot Linux (tools/boot.ts)
//   tuml elf <file.elf> ...    run a bare-metal program

import { packageVersion } from '../src/host/wasm.js';

interface Command {
  summary: string;
  main(args: string[]): Promise<number>;
}

/** Subcommands by name, loaded on demand. Add new ones here (boot, mkcow, moo, mconsole, ...). */
const commands: Record<string, () => Promise<Command>> = {
  elf: () => import('../src/baremetal/cli.js'),
  mkcow: () => import('../src/uml/tools/mkcow.js'),
  moo: () => import('../src/uml/tools/moo.js'),
  mconsole: () => import('../src/mconsole/cli.js'),
  switch: () => import('../src/uml/tools/switch.js'),
};

async function help(): Promise<string> {
  const lines = [
    'usage: tuml [UML arguments...]        boot Linux (mem=, ubd0=, con=, eth0=, ...)',
    '       tuml <command> [arguments...]',
    '',
    'commands:',
  ];
  for (const [name, load] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', 'options:', '  --help     show this help', '  --version  show the version', '', "Run 'tuml <command> --help' for a command's options.");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write((await help()) + '\n');
    return 0;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`tuml ${packageVersion()}\n`);
    return 0;
  }
  const load = first !== undefined ? commands[first] : undefined;
  if (load) return (await load()).main(rest);
  // Anything else is a UML command line (mem=64M ubd0=... single), for the boot command.
  return (await import('./boot.js')).boot(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tuml: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
