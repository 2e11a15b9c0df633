// The transports without privileges, between two tuml instances: bess (Unix seqpacket
// sockets through a small switch that forwards between its two ports) and fd (the two
// ends of a socketpair the parent made and passed down), with ping and TCP.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertTransfer, receiverLines, senderLines, tuml } from './helpers/netns.js';

const python = spawnSync('python3', ['-c', 'import socket; socket.SOCK_SEQPACKET']).status === 0 ? 'python3' : undefined;
const skip = python ? false : 'needs python3 for the switch and socketpair';
const dir = mkdtempSync(join(tmpdir(), 'tuml-net-unix-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BYTES = 1 << 20;
const SERVER = ['ip link set eth0 up && ip addr add 10.0.0.1/24 dev eth0', ...receiverLines('10.0.0.2')].join('\n');
const CLIENT = [
  'ip link set eth0 up && ip addr add 10.0.0.2/24 dev eth0',
  'ping -c 1 -w 60 10.0.0.1 >/dev/null && echo ping-ok',
  ...senderLines('10.0.0.1', BYTES),
].join('\n');

function check(server: string, client: string): void {
  assert.match(client, /ping-ok/);
  assertTransfer(client, server, BYTES);
}

/** Runs a python script that starts both instances; it prints their results as JSON. */
function orchestrate(source: string, args: string[]): Promise<{ server: string; client: string; errs: string[]; codes: number[] }> {
  return new Promise((resolve, reject) => {
    const p = spawn(python!, ['-c', source, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 150_000);
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`orchestrator failed (${code}): ${err}${out}`));
      else resolve(JSON.parse(out));
    });
  });
}

// Starts tuml with `vec` for each side, the given fds passed down; prints outputs as JSON.
const RUN_BOTH = `
import json, subprocess, sys
def run(node, tuml, vec, script, fds):
    return subprocess.Popen([node, tuml, 'mem=64M', vec, '--', 'sh', '-c', script], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=fds)
`;

test('bess: two instances through a seqpacket switch, ping and TCP', { skip, timeout: 180_000 }, async () => {
  const sock = join(dir, 'switch');
  const source = `${RUN_BOTH}
import socket, select, threading
node, tuml, path, server, client = sys.argv[1:6]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(path); s.listen(2)
def switch():
    a, _ = s.accept(); b, _ = s.accept()
    while True:
        r, _, _ = select.select([a, b], [], [], 120)
        if not r: return
        for x in r:
            try: d = x.recv(70000)
            except OSError: return
            if not d: return
            try: (b if x is a else a).send(d)
            except OSError: pass
threading.Thread(target=switch, daemon=True).start()
vec = 'vec0:transport=bess,dst=' + path
ps = run(node, tuml, vec, server, []); pc = run(node, tuml, vec, client, [])
so, se = ps.communicate(); co, ce = pc.communicate()
print(json.dumps({'server': so.decode(), 'client': co.decode(), 'errs': [se.decode(), ce.decode()], 'codes': [ps.returncode, pc.returncode]}))
`;
  const r = await orchestrate(source, [process.execPath, tuml, sock, SERVER, CLIENT]);
  assert.deepEqual(r.codes, [0, 0], r.errs.join('\n'));
  check(r.server, r.client);
});

test('fd: two instances on the ends of a socketpair, ping and TCP; a bad fd is one line', { skip, timeout: 180_000 }, async () => {
  const source = `${RUN_BOTH}
import socket
node, tuml, server, client = sys.argv[1:5]
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
ps = run(node, tuml, 'vec0:transport=fd,fd=%d' % a.fileno(), server, [a.fileno()])
pc = run(node, tuml, 'vec0:transport=fd,fd=%d' % b.fileno(), client, [b.fileno()])
a.close(); b.close()
so, se = ps.communicate(); co, ce = pc.communicate()
print(json.dumps({'server': so.decode(), 'client': co.decode(), 'errs': [se.decode(), ce.decode()], 'codes': [ps.returncode, pc.returncode]}))
`;
  const r = await orchestrate(source, [process.execPath, tuml, SERVER, CLIENT]);
  assert.deepEqual(r.codes, [0, 0], r.errs.join('\n'));
  check(r.server, r.client);

  const bad = spawnSync(process.execPath, [tuml, 'mem=64M', 'vec0:transport=fd,fd=77', '--', 'true'], { encoding: 'utf8' });
  assert.equal(bad.status, 0, bad.stderr);
  assert.match(bad.stderr, /^tuml: vec0: fd open: bad or missing fd argument$/m);
});
