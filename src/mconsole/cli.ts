// `tuml mconsole <umid|socket> [command ...]`: uml_mconsole's behaviour and
// output — one-shot with the reply's err as exit status (8 bits), or
// interactive with the `(<name>) ` prompt; the local commands quit, help,
// switch, log (chunked, log -f), mconsole-version and int; relative ubd paths
// made absolute for `config ubd…=`.

import { openSync, readSync, closeSync, realpathSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { McClient, type Target, errnoText, resolveTarget } from './client.js';
import { MCONSOLE_MAX_DATA } from './protocol.js';

export const summary = "talk to a running instance's management console (like uml_mconsole)";

const LOCAL_HELP =
  'Additional local mconsole commands:\n' +
  '    quit - Quit mconsole\n' +
  '    switch <socket-name> - Switch control to the given machine\n' +
  '    log -f <filename> - use contents of <filename> as UML log messages\n' +
  '    mconsole-version - version of this mconsole program\n' +
  '    int  - Interrupt UML session\n';

/** The longest text one `log` request carries (uml_mconsole's limit). */
const LOG_CHUNK = MCONSOLE_MAX_DATA - 'log '.length - 2;

class Quit {}

class Session {
  target: Target | undefined;
  readonly client = new McClient();
  private readonly out: (s: string) => void;
  private readonly err: (s: string) => void;

  constructor(name: string, io: { out(s: string): void; err(s: string): void }) {
    this.out = io.out;
    this.err = io.err;
    this.target = resolveTarget(name, (l) => this.err(l + '\n'));
  }

  get promptName(): string {
    return this.target?.name ?? '[None]';
  }

  /** One command line; returns uml_mconsole's status for it. */
  async issue(line: string): Promise<number> {
    const command = line.replace(/\s+$/, '');
    if (command.startsWith('quit')) throw new Quit();
    if (command.startsWith('help')) {
      await this.send(command);
      this.out(LOCAL_HELP);
      return 0;
    }
    if (command.startsWith('switch')) {
      const name = command.slice(6).replace(/^\s+/, '');
      const t = resolveTarget(name, (l) => this.err(l + '\n'));
      if (!t) return 1;
      this.target = t;
      this.out(`Switched to '${name}'\n`);
      return 0;
    }
    if (command.startsWith('log')) return this.log(command.slice(3).replace(/^\s+/, ''));
    if (command.startsWith('mconsole-version')) {
      this.out('uml_mconsole client version 2\n');
      return 0;
    }
    if (command.startsWith('int')) {
      const pid = this.target?.pid;
      if (pid === undefined || pid <= 0) {
        this.out('Cannot determine the PID of your UML session, not sending signal.\n');
        return 0;
      }
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // as uml_mconsole: the result of kill() is not reported
      }
      return 0;
    }
    return this.send(command);
  }

  /** Sends a command to the instance and prints `OK <text>` / `ERR <text>`. */
  private async send(command: string): Promise<number> {
    const text = absolutizeUbd(command, (l) => this.err(l + '\n'));
    const socket = this.target?.socket ?? '';
    let r;
    try {
      r = await this.client.request(socket, Buffer.from(text, 'latin1').subarray(0, MCONSOLE_MAX_DATA - 1).toString('latin1'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // An empty path is what uml_mconsole sends to when no candidate resolved.
      this.err(`Sending command to '${socket}' : ${errnoText(socket === '' ? 'EINVAL' : code)}\n`);
      return 1;
    }
    this.out(`${r.err ? 'ERR' : 'OK'} ${r.text}\n`);
    return r.err;
  }

  private async log(arg: string): Promise<number> {
    let newline = false;
    if (arg.startsWith('-f')) {
      const file = arg.slice(2).replace(/^\s+/, '');
      let fd: number;
      try {
        fd = openSync(file, 'r');
      } catch (e) {
        this.err(`opening file: ${errnoText((e as NodeJS.ErrnoException).code)}\n`);
        throw new ExitError(1);
      }
      const buf = Buffer.alloc(LOG_CHUNK);
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, LOG_CHUNK, null);
          if (n <= 0) break;
          await this.send(`log ${buf.subarray(0, n).toString('latin1')}`);
          newline = buf[n - 1] === 10;
        }
      } finally {
        closeSync(fd);
      }
    } else {
      for (let off = 0; off < arg.length; off += LOG_CHUNK) {
        const chunk = arg.slice(off, off + LOG_CHUNK);
        await this.send(`log ${chunk}`);
        newline = chunk.endsWith('\n');
      }
    }
    if (!newline) await this.send('log \n');
    return 0;
  }
}

class ExitError {
  constructor(readonly code: number) {}
}

/**
 * uml_mconsole's fix_filenames: in `config ubd…=<cow>,<backing>` (or `=<file>`)
 * relative paths become absolute. A path whose directory cannot be entered is
 * left as it is, with uml_mconsole's message.
 */
export function absolutizeUbd(command: string, warn: (line: string) => void, cwd = process.cwd()): string {
  if (!command.startsWith('config')) return command;
  const rest = command.slice(6);
  const lead = rest.length - rest.replace(/^\s+/, '').length;
  if (!rest.slice(lead).startsWith('ubd')) return command;
  const eq = command.indexOf('=');
  if (eq < 0) return command;
  const value = command.slice(eq + 1);
  const comma = value.indexOf(',');
  const abs = (from: string): string => {
    const slash = from.lastIndexOf('/');
    if (slash < 0) return `${cwd}/${from}`;
    const dir = from.slice(0, slash);
    try {
      if (dir === '') throw Object.assign(new Error(), { code: 'ENOENT' });
      return realpathSync(dir.startsWith('/') ? dir : `${cwd}/${dir}`) + from.slice(slash);
    } catch (e) {
      warn(`absolutize : Can't cd to '${dir}', ${errnoText((e as NodeJS.ErrnoException).code)}`);
      return from;
    }
  };
  if (comma < 0) return `${command.slice(0, eq)}=${abs(value)}`;
  return `${command.slice(0, eq)}=${abs(value.slice(0, comma))},${abs(value.slice(comma + 1))}`;
}

export async function main(args: string[]): Promise<number> {
  if (args.length < 1 || args[0] === '--help') {
    process.stderr.write('Usage : tuml mconsole socket-name [command]\n');
    return 1;
  }
  const io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };
  const session = new Session(args[0], io);
  try {
    if (args.length > 1) {
      try {
        return (await session.issue(args.slice(1).join(' '))) & 0xff;
      } catch (e) {
        if (e instanceof Quit) return 0;
        if (e instanceof ExitError) return e.code;
        throw e;
      }
    }
    return await interactive(session, io);
  } finally {
    session.client.close();
  }
}

async function interactive(session: Session, io: { out(s: string): void }): Promise<number> {
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: tty ? process.stdout : undefined, terminal: tty, historySize: 500 });
  const prompt = () => `(${session.promptName}) `;
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (tty) {
        rl.setPrompt(prompt());
        rl.prompt();
      }
      const next = await lines.next();
      if (next.done) break;
      // Without a terminal, readline shows the prompt and echoes the line, as uml_mconsole's does.
      if (!tty) io.out(`${prompt()}${next.value}\n`);
      try {
        await session.issue(next.value);
      } catch (e) {
        if (e instanceof Quit) return 0;
        if (e instanceof ExitError) return e.code;
        throw e;
      }
    }
    if (!tty) io.out(prompt());
    io.out('\n');
    return 0;
  } finally {
    rl.close();
  }
}
