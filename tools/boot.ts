// `tuml [UML arguments...]`: boots the default guest image (images/default/Image
// and its initramfs) with a UML command line. Exit status: the guest's poweroff
// status (0 normally), 0 after a reboot with `noreboot`, 1 after SIGINT/SIGTERM
// or a fatal error, 1 for a bad command line, 134 after a guest kernel panic.
//
// Debugging aid: `kill -USR2 <pid>` prints the hart's registers to stderr.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreModule, packageRoot, packageVersion } from '../src/host/wasm.js';
import { BootError, type MachineExit } from '../src/machine/machine.js';
import { helpText, parseCommandLine } from '../src/uml/cmdline/index.js';
import { WireError, wireMachine } from '../src/uml/wire.js';

export const summary = 'boot Linux with a UML command line (the default when no command is given)';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function boot(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(helpText(packageVersion()));
      return 0;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case 'showconfig':
      // UML prints the configuration its kernel was built with: here, the default image's kernel.
      process.stdout.write(readFileSync(join(packageRoot(), 'images', 'kernel', 'config-6.1-tuml'), 'latin1'));
      return 0;
    case 'error':
      log(parsed.message);
      return 1;
  }
  const config = parsed.config;
  for (const w of config.warnings) log(`tuml: ${w}`);

  const root = packageRoot();
  const image = join(root, 'images', 'default');
  let wired;
  try {
    wired = await wireMachine(config, {
      core: await coreModule(),
      // The default image's initramfs goes with the default kernel, and only when no root=
      // names a disk to boot from (as UML, which has no initramfs unless initrd= says so).
      kernel: config.kernel ?? join(image, 'Image'),
      defaultInitrd: config.kernel === undefined && config.root === undefined ? join(image, 'initramfs.cpio.gz') : undefined,
      log: (line) => log(`tuml: ${line}`),
      // Empty disk slots for mconsole's `config ubdN=` (a `-- COMMAND` run has no use for them).
      ubdHotplugSlots: config.exec ? 0 : 16,
      // Spare network slots (no carrier) for `config ethN=` / `config vecN:`.
      netHotplugSlots: config.exec ? 0 : 2,
    });
  } catch (e) {
    if (e instanceof WireError || e instanceof BootError) {
      log(e instanceof BootError ? e.message : `tuml: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const machine = wired.machine;

  // SIGINT/SIGTERM: orderly stop, status 1 (as UML). A second signal ends at once.
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      void wired.dispose().finally(() => process.exit(1));
      return;
    }
    signalled = true;
    log(`tuml: ${sig}: stopping`);
    machine.stop();
  };
  const onDebug = () => log(machine.debugState());
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('SIGUSR2', onDebug);

  let exit: MachineExit;
  try {
    exit = await wired.run();
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off('SIGUSR2', onDebug);
    await wired.dispose();
  }

  switch (exit.kind) {
    case 'poweroff':
      return exit.code;
    case 'reboot':
      return 0;
    case 'stopped':
      return 1;
    case 'panic':
      // UML ends a panicked instance with abort(): the shell sees 134 (128 + SIGABRT).
      return 134;
    case 'fatal':
      log(`tuml: ${exit.message}`);
      log(machine.debugState());
      return 1;
  }
}

/** Entry point for the dispatcher: same as boot(). */
export function main(args: string[]): Promise<number> {
  return boot(args);
}
