// `tuml -- COMMAND`: the guest's init runs the command (tuml.exec=, base64 of the shell-quoted
// words) and powers off with its status. When stdin is not a terminal, the command's stdin,
// stdout and stderr are three named virtio-console ports, which init hands to the command: no
// tty line discipline is on the way, so every byte is data (0x03 and 0x04 included), host end
// of file is the command's end of file, and stdout and stderr stay apart. On a terminal the
// command gets a real tty instead, ttyS0, for job control and ^C (the line driver sets it up).

import { FdChannel } from '../../host/chan/fd.js';
import { stdinIsTerminal } from '../../host/env.js';
import type { ConsoleBackend, ConsolePort } from '../../virtio/console.js';
import type { MachineConfig } from '../cmdline/index.js';
import type { BuildContext, DriverInstance } from './driver.js';

export const EXEC_PORTS = { stdin: 'org.tuml.stdin', stdout: 'org.tuml.stdout', stderr: 'org.tuml.stderr' } as const;

/** How the command talks to the host: a tty (ttyS0), data ports (io), or there is no command. */
export function execMode(config: MachineConfig): 'tty' | 'io' | undefined {
  if (config.exec === undefined) return undefined;
  return stdinIsTerminal() ? 'tty' : 'io';
}

export function buildExec(ctx: BuildContext): DriverInstance {
  const mode = execMode(ctx.config);
  const stdio = mode === 'io' ? new ExecStdio((name, backend) => ctx.addPort(name, backend)) : undefined;
  return {
    cmdline: (args) => (mode ? [...args, mode === 'tty' ? 'tuml.exectty=1' : 'tuml.execio=1'] : args),
    dispose: () => stdio?.close(),
  };
}

type AddPort = (name: string, backend: ConsoleBackend) => ConsolePort;

class ExecStdio {
  private readonly input = new FdChannel(0, { input: true, output: false, owned: false, raw: false, name: 'fd:0' });
  private readonly outputs: FdChannel[] = [];
  private pending: Uint8Array | undefined;

  constructor(addPort: AddPort) {
    const stdin = addPort(EXEC_PORTS.stdin, { write: () => {} });
    stdin.setHostConnected(true);
    for (const [fd, name] of [[1, EXEC_PORTS.stdout], [2, EXEC_PORTS.stderr]] as const) {
      const ch = new FdChannel(fd, { input: false, output: true, owned: false, raw: false, name: `fd:${fd}` });
      // A congested descriptor holds the guest's writer (the port stops taking its buffers).
      const port = addPort(name, { write: (d) => ch.write(d) });
      port.setHostConnected(true);
      ch.open({ data: () => {}, end: () => {}, drain: () => port.resumeOutput() });
      this.outputs.push(ch);
    }
    const offer = () => {
      while (this.pending) {
        const n = stdin.send(this.pending);
        if (n < this.pending.length) {
          this.pending = this.pending.subarray(n);
          this.input.pauseInput();
          return;
        }
        this.pending = undefined;
      }
      this.input.resumeInput();
    };
    stdin.onSpace = offer;
    this.input.open({
      data: (d) => {
        this.pending = d.slice();
        offer();
      },
      end: () => stdin.endInput(),
      drain: () => {},
    });
  }

  /** Waits until the command's output has reached stdout and stderr, then lets go of the descriptors. */
  async close(): Promise<void> {
    this.input.close();
    await Promise.all(this.outputs.map((c) => c.whenFlushed()));
    for (const c of this.outputs) c.close();
  }
}
