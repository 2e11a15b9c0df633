// Integration: con0 on a real terminal (a tmux pane): raw mode while the guest
// runs, the window size and its changes (SIGWINCH) reach the guest, and the
// terminal's settings come back after a normal exit and after SIGTERM.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const tuml = join(root, 'dist', 'tools', 'tuml.js');

function tmux(sock: string, ...args: string[]): string {
  return spawnSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' }).stdout ?? '';
}

async function until<T>(f: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const ending of ['poweroff', 'SIGTERM'] as const) {
  test(`con0 on a terminal: raw mode, window size and SIGWINCH, settings restored after ${ending}`, { timeout: 120_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tuml-term-'));
    const sock = join(dir, 'tmux.sock');
    t.after(() => void spawnSync('tmux', ['-S', sock, 'kill-server']));
    const script = `stty -g > ${dir}/before; echo $$ > ${dir}/sh.pid; ${process.execPath} ${tuml} mem=48M; stty -g > ${dir}/after; sleep 60`;
    tmux(sock, 'new-session', '-d', '-x', '100', '-y', '30', 'sh', '-c', script);
    const pane = () => tmux(sock, 'capture-pane', '-p');
    await until(() => (/tuml:\/# *$/m.test(pane()) ? true : undefined), 'the shell prompt');
    // While tuml runs the pane's tty is raw: no echo, no canonical mode, no signals.
    const tty = tmux(sock, 'display', '-p', '#{pane_tty}').trim();
    const mode = spawnSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' }).stdout;
    assert.match(mode, /-icanon/);
    assert.match(mode, /-echo\b/);
    assert.match(mode, /-isig/);
    tmux(sock, 'send-keys', 'echo size=$(stty size)', 'Enter');
    await until(() => (/^size=30 100/m.test(pane()) ? true : undefined), 'size 30 100 in the guest');
    tmux(sock, 'resize-window', '-x', '120', '-y', '40');
    tmux(sock, 'send-keys', 'echo size=$(stty size)', 'Enter');
    await until(() => (/^size=40 120/m.test(pane()) ? true : undefined), 'size 40 120 after SIGWINCH');
    if (ending === 'poweroff') tmux(sock, 'send-keys', 'poweroff', 'Enter');
    else {
      const pid = spawnSync('pgrep', ['-P', readFileSync(join(dir, 'sh.pid'), 'utf8').trim()], { encoding: 'utf8' }).stdout.trim();
      process.kill(Number(pid), 'SIGTERM');
    }
    await until(() => (existsSync(join(dir, 'after')) && readFileSync(join(dir, 'after'), 'utf8') ? true : undefined), 'tuml to exit');
    assert.equal(readFileSync(join(dir, 'after'), 'utf8'), readFileSync(join(dir, 'before'), 'utf8'), 'terminal settings restored');
  });
}
