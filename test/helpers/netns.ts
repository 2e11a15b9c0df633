// Network namespaces for the network tests: each test makes its own, with the
// interfaces it needs, and deletes it afterwards (also on failure). Traffic stays
// inside them. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN); `available` says if we have it.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const tuml = join(root, 'dist', 'tools', 'tuml.js');

export function sh(cmd: string): string {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
}

/** Whether this process can make namespaces (root on a kernel with netns). */
export const available = (() => {
  if (process.getuid?.() !== 0) return false;
  const name = `tnchk${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', name]);
  if (r.status !== 0) return false;
  spawnSync('ip', ['netns', 'del', name]);
  return true;
})();

let counter = 0;

export class Netns {
  readonly name = `tn${process.pid}x${counter++}`;
  constructor() {
    sh(`ip netns add ${this.name} && ip -n ${this.name} link set lo up`);
  }
  ip(args: string): string {
    return sh(`ip -n ${this.name} ${args}`);
  }
  /** Spawns a command inside the namespace. */
  spawn(argv: string[], opts: { uid?: number; dropCaps?: string } = {}): ChildProcess {
    const pre = ['netns', 'exec', this.name];
    if (opts.dropCaps) pre.push('setpriv', `--bounding-set=${opts.dropCaps}`);
    if (opts.uid !== undefined) pre.push('setpriv', `--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all');
    return spawn('ip', [...pre, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
  }
  delete(): void {
    spawnSync('ip', ['netns', 'del', this.name]);
  }
}

export interface Run {
  out: string;
  err: string;
  code: number | null;
}

/** Runs tuml inside `ns` with the guest command `script`; resolves when it ends. */
export function runTuml(ns: Netns, args: string[], script: string, opts: { uid?: number; dropCaps?: string; timeoutMs?: number; onErr?: (s: string) => void } = {}): Promise<Run> & { child: ChildProcess } {
  const env = opts.uid !== undefined ? ['env', 'HOME=/tmp'] : [];
  const child = ns.spawn([...env, process.execPath, tuml, 'mem=64M', ...args, '--', 'sh', '-c', script], opts);
  const p = new Promise<Run>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; stdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`));
    }, opts.timeoutMs ?? 120_000);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString('latin1');
      opts.onErr?.(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, err, code });
    });
    child.stdin!.end();
  });
  return Object.assign(p, { child });
}

/** A host peer inside the namespace: a Node script given as source; resolves with its stdout. */
export function hostPeer(ns: Netns, source: string): Promise<string> & { child: ChildProcess } {
  const child = ns.spawn([process.execPath, '-e', source]);
  const p = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`host peer failed (${code}): ${err}`))));
  });
  return Object.assign(p, { child });
}

/** Host side of a TCP transfer both ways: receives on `port`, then sends `bytes` to the guest's `guestPort`. */
export function tcpPeerSource(listenAddr: string, port: number, guestAddr: string, guestPort: number, bytes: number): string {
  return `
const net = require('net'), crypto = require('crypto');
const srv = net.createServer((c) => {
  const h = crypto.createHash('sha256'); let n = 0;
  c.on('data', (d) => { n += d.length; h.update(d); });
  c.on('end', () => { console.log('received ' + n + ' ' + h.digest('hex')); c.end(); srv.close(); });
});
srv.listen(${port}, '${listenAddr}');
const data = crypto.randomBytes(${bytes});
console.log('sending ' + data.length + ' ' + crypto.createHash('sha256').update(data).digest('hex'));
let tries = 0;
(function go() {
  const c = net.connect(${guestPort}, '${guestAddr}');
  c.on('error', () => { if (++tries < 300) setTimeout(go, 200); else process.exit(3); });
  c.on('connect', () => c.end(data));
})();
setTimeout(() => process.exit(4), 100000).unref();
`;
}

/** The guest half: configures eth0, pings the host, sends `bytes` to it, receives on `guestPort`. */
export function guestScript(addr: string, host: string, hostPort: number, guestPort: number, bytes: number): string {
  return [
    `ip link set eth0 up && ip addr add ${addr}/24 dev eth0`,
    `ping -c 2 -w 20 ${host} >/dev/null && echo ping-ok`,
    `nc -l -p ${guestPort} > /tmp/in &`,
    `head -c ${bytes} /dev/urandom > /tmp/out`,
    `echo "guest-sent $(sha256sum < /tmp/out)"`,
    // Retry until the host's listener is up.
    `for i in $(seq 50); do nc ${host} ${hostPort} < /tmp/out && break; sleep 0.2; done`,
    'wait',
    `echo "guest-received $(wc -c < /tmp/in) $(sha256sum < /tmp/in)"`,
  ].join('\n');
}

/**
 * The receiving guest's half of a one-way TCP transfer on port 6000: prints
 * `received <bytes> <sha256>`, then acks to `peer`:6001 so the sender may power off (its
 * last bytes may still be in flight otherwise).
 */
export function receiverLines(peer: string): string[] {
  return [
    // nc half-closes when its stdin ends, and the sender's nc stops at that: keep stdin open.
    'mkfifo /tmp/hold; nc -l -p 6000 < /tmp/hold > /tmp/in & exec 3> /tmp/hold; wait $!; exec 3>&-',
    'echo "received $(wc -c < /tmp/in) $(sha256sum < /tmp/in)"',
    `for i in $(seq 50); do echo ack | nc ${peer} 6001 && break; sleep 0.2; done`,
  ];
}

/** The sending guest's half: `bytes` random bytes to `peer`:6000 (`sent <sha256>`), then waits for the ack. */
export function senderLines(peer: string, bytes: number): string[] {
  return [
    'nc -l -p 6001 > /tmp/ack &',
    `head -c ${bytes} /dev/urandom > /tmp/out`,
    'echo "sent $(sha256sum < /tmp/out)"',
    `for i in $(seq 100); do nc ${peer} 6000 < /tmp/out && break; sleep 0.3; done`,
    'wait; cat /tmp/ack',
  ];
}

/** The receiver got exactly the `bytes` the sender says it sent. */
export function assertTransfer(senderOut: string, receiverOut: string, bytes: number, context = `sender:\n${senderOut}\nreceiver:\n${receiverOut}`): void {
  const sent = /sent ([0-9a-f]{64})/.exec(senderOut);
  const got = /received (\d+) ([0-9a-f]{64})/.exec(receiverOut);
  assert.ok(sent && got, context);
  assert.equal(got[1], String(bytes));
  assert.equal(got[2], sent[1]);
}
