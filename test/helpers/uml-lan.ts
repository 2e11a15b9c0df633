// A LAN of tuml and Debian's real UML (x86-64) in a namespace the test makes: real UML's
// guest configures its interface from the command line (UADDR, UIF, UPEER reach its init
// as environment variables), waits for one TCP stream, reports it and acknowledges it; tuml's
// guest pings real UML and sends the stream. Used by the legacy transport tests.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Netns, assertTransfer, runTuml, senderLines } from './netns.js';
import { stageUmlRoot, umlBin } from './real-uml.js';

const INIT = `#!/bin/sh
B=/bin/busybox
$B mount -t proc proc /proc
$B ip link set $UIF up
$B ip addr add $UADDR/24 dev $UIF
$B mkfifo /tmp/hold
$B nc -l -p 6000 < /tmp/hold > /tmp/in &
exec 3> /tmp/hold
wait $!
echo "received $($B wc -c < /tmp/in) $($B sha256sum < /tmp/in)"
for i in $($B seq 50); do echo ack | $B nc $UPEER 6001 && break; $B sleep 0.2; done
$B poweroff -f
`;

const images = new Map<string, string>();

/** real UML's root image (ext4) in `dir`, made once per directory. */
export function umlImage(dir: string): string {
  const have = images.get(dir);
  if (have) return have;
  const root = join(dir, 'root');
  stageUmlRoot(root, ['proc', 'sys', 'dev', 'tmp'], INIT);
  const image = join(dir, 'root.ext4');
  const mk = spawnSync('mkfs.ext4', ['-q', '-d', root, image, '16M'], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  images.set(dir, image);
  return image;
}

/** Starts real UML in `ns` with `net` (e.g. `eth0=daemon,...`); resolves with its output when it ends. */
export function startRealUml(ns: Netns, dir: string, net: string, opts: { addr: string; peer: string; iface: string; tag?: string }): { done: Promise<string>; kill(): void } {
  const tag = opts.tag ?? ns.name;
  const cow = join(dir, `${tag}.cow`);
  const out = join(dir, `${tag}.out`);
  const cmd = `exec ip netns exec ${ns.name} ${umlBin} ubd0=${cow},${umlImage(dir)} root=/dev/ubda rw init=/init mem=64M con=null con0=fd:0,fd:1 umid=${tag} uml_dir=${dir}/ '${net}' UADDR=${opts.addr} UPEER=${opts.peer} UIF=${opts.iface} < /dev/null > ${out} 2>&1`;
  const uml = spawn('sh', ['-c', cmd], { stdio: 'ignore', detached: true });
  const kill = () => {
    try {
      process.kill(-uml.pid!, 'SIGKILL');
    } catch {}
  };
  const killer = setTimeout(kill, 150_000);
  const done = new Promise<string>((r) =>
    uml.on('exit', () => {
      clearTimeout(killer);
      r(readFileSync(out, 'latin1'));
    }),
  );
  return { done, kill };
}

const BYTES = 1 << 20;

/** tuml's half: ping real UML at `peer`, send it 1 MiB, wait for its ack; asserts both sides. */
export async function tumlTalksToRealUml(ns: Netns, tumlArgs: string[], addr: string, peer: string, uml: { done: Promise<string>; kill(): void }): Promise<void> {
  try {
    const c = await runTuml(ns, tumlArgs, [
      `ip link set eth0 up && ip addr add ${addr}/24 dev eth0`,
      `ping -c 1 -w 60 ${peer} >/dev/null && echo ping-ok`,
      ...senderLines(peer, BYTES),
    ].join('\n'));
    const out = await uml.done;
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /ping-ok/, `tuml:\n${c.out}\n${c.err}\nreal UML:\n${out.slice(-1500)}`);
    assert.match(c.out, /^ack$/m);
    assertTransfer(c.out, out, BYTES, `tuml:\n${c.out}\nreal UML:\n${out.slice(-1500)}`);
  } finally {
    uml.kill();
  }
}
