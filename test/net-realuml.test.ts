// tuml ↔ Debian's real UML over the tunnel transports, in a namespace the test makes:
// real UML (x86-64, its vec0 driver) and tuml (virtio-net) exchange a ping and a TCP
// transfer, which only works if both speak the same wire format.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Netns, assertTransfer, available, runTuml, senderLines } from './helpers/netns.js';
import { realUmlMissing, stageUmlRoot, umlBin } from './helpers/real-uml.js';

const missing = !available ? 'needs root to create network namespaces' : realUmlMissing('/usr/bin/uml_mconsole') || (!existsSync('/usr/sbin/mkfs.ext4') && 'needs mkfs.ext4');
const dir = mkdtempSync(join(tmpdir(), 'tuml-net-uml-'));
const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
  rmSync(dir, { recursive: true, force: true });
});

const BYTES = 1 << 20;

// Real UML's guest: configure vec0, receive one TCP stream, report it, acknowledge, power off.
const INIT = `#!/bin/sh
B=/bin/busybox
$B mount -t proc proc /proc
$B ip link set vec0 up
$B ip addr add 10.0.0.1/24 dev vec0
$B mkfifo /tmp/hold
$B nc -l -p 6000 < /tmp/hold > /tmp/in &
exec 3> /tmp/hold
wait $!
echo "received $($B wc -c < /tmp/in) $($B sha256sum < /tmp/in)"
for i in $($B seq 50); do echo ack | $B nc 10.0.0.2 6001 && break; $B sleep 0.2; done
$B poweroff -f
`;

let image: string | undefined;
function umlImage(): string {
  if (image) return image;
  const root = join(dir, 'root');
  stageUmlRoot(root, ['proc', 'sys', 'dev', 'tmp'], INIT);
  image = join(dir, 'root.ext4');
  const mk = spawnSync('mkfs.ext4', ['-q', '-d', root, image, '16M'], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  return image;
}

const variants = [
  {
    name: 'gre with keys and sequence numbers',
    uml: 'vec0:transport=gre,src=127.0.0.1,dst=127.0.0.2,rx_key=0x77,tx_key=0x88,sequence=1',
    tuml: 'vec0:transport=gre,src=127.0.0.2,dst=127.0.0.1,rx_key=0x88,tx_key=0x77,sequence=1',
  },
  {
    name: 'l2tpv3 over UDP with cookies and a counter',
    // Real UML reads sessions as signed 32-bit (0xffffffff would not parse): -1 is the same session.
    uml: 'vec0:transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1706,dstport=1707,rx_session=-1,tx_session=0xffff,rx_cookie=0x1234,tx_cookie=0x5678,counter=1',
    tuml: 'vec0:transport=l2tpv3,udp=1,src=127.0.0.1,dst=127.0.0.1,srcport=1707,dstport=1706,rx_session=0xffff,tx_session=0xffffffff,rx_cookie=0x5678,tx_cookie=0x1234,counter=1',
  },
  {
    name: 'l2tpv3 over IP with 64-bit cookies',
    uml: 'vec0:transport=l2tpv3,src=127.0.0.1,dst=127.0.0.2,rx_session=3,tx_session=4,rx_cookie=0x1122334455667788,tx_cookie=0x99aabbccddeeff00,cookie64=1',
    tuml: 'vec0:transport=l2tpv3,src=127.0.0.2,dst=127.0.0.1,rx_session=4,tx_session=3,rx_cookie=0x99aabbccddeeff00,tx_cookie=0x1122334455667788,cookie64=1',
  },
];

for (const v of variants) {
  test(`tuml ↔ real UML over ${v.name}: ping and TCP`, { skip: missing, timeout: 180_000 }, async () => {
    const ns = new Netns();
    made.push(ns);
    const cow = join(dir, `${ns.name}.cow`);
    const umlOut = join(dir, `${ns.name}.out`);
    const uml = spawn('sh', ['-c', `exec ip netns exec ${ns.name} ${umlBin} ubd0=${cow},${umlImage()} root=/dev/ubda rw init=/init mem=64M con=null con0=fd:0,fd:1 umid=${ns.name} uml_dir=${dir}/ '${v.uml}' < /dev/null > ${umlOut} 2>&1`], { stdio: 'ignore', detached: true });
    const umlExit = new Promise<void>((r) => uml.on('exit', () => r()));
    const killer = setTimeout(() => {
      try {
        process.kill(-uml.pid!, 'SIGKILL');
      } catch {}
    }, 150_000);
    try {
      const c = await runTuml(ns, [v.tuml], [
        'ip link set eth0 up && ip addr add 10.0.0.2/24 dev eth0',
        'ping -c 1 -w 60 10.0.0.1 >/dev/null && echo ping-ok',
        ...senderLines('10.0.0.1', BYTES),
      ].join('\n'));
      await umlExit;
      const out = readFileSync(umlOut, 'latin1');
      assert.equal(c.code, 0, c.err);
      assert.match(c.out, /ping-ok/);
      assert.match(c.out, /^ack$/m);
      assertTransfer(c.out, out, BYTES, `tuml:\n${c.out}\nreal UML:\n${out.slice(-1500)}`);
    } finally {
      clearTimeout(killer);
      try {
        process.kill(-uml.pid!, 'SIGKILL');
      } catch {}
    }
  });
}
