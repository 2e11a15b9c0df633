// tuml's gre and l2tpv3 transports against Linux's own ends of those tunnels: a gretap
// interface and `ip l2tp` sessions made with iproute2. The Linux peer is the guest kernel
// of a second instance (Linux 6.1's ip_gre and l2tp_eth, iproute2 6.15 from Debian trixie:
// images/net-guest.sh), reached over a tap in a namespace the test makes:
//
//   tuml A (vec0 gre/l2tpv3, host end 10.5.0.1) ──tap0── guest B eth0 10.5.0.2 ── gretap/l2tpeth
//
// A's guest and B's tunnel interface share 10.6.0.0/24: ping and a 1 MiB TCP transfer
// prove that frames pass both ways, keys, sessions and cookies included.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Netns, assertTransfer, available, receiverLines, root, runTuml, senderLines } from './helpers/netns.js';

const script = join(root, 'images', 'net-guest.sh');
const initrd = join(root, 'images', 'work', 'net-guest', 'initramfs.cpio.gz');
// iproute2's ip, as a shell variable the Linux side sets: the script travels on the kernel
// command line (at most 1023 bytes, base64).
const IP = '$I';
const BYTES = 1 << 20;

let skip: string | false = available ? false : 'needs root to create network namespaces';
const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
});

before(() => {
  if (skip) return;
  const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : 0);
  if (mtime(initrd) < Math.max(mtime(script), mtime(join(root, 'images', 'default', 'initramfs.cpio.gz')))) {
    const r = spawnSync('bash', [script], { encoding: 'utf8' });
    assert.equal(r.status, 0, `images/net-guest.sh failed:\n${r.stderr.slice(-3000)}`);
  }
});

interface Variant {
  name: string;
  /** tuml A's transport; its host end is 10.5.0.1, the peer 10.5.0.2. */
  vec: string;
  /** iproute2 commands in guest B making `dev` (its address and link state are set after). */
  linux: string[];
  dev: string;
}

const variants: Variant[] = [
  {
    name: 'gretap with keys',
    vec: 'vec0:transport=gre,src=10.5.0.1,dst=10.5.0.2,rx_key=9,tx_key=7',
    linux: [`${IP} link add gt0 type gretap local 10.5.0.2 remote 10.5.0.1 ikey 7 okey 9`],
    dev: 'gt0',
  },
  {
    name: 'ip l2tp over UDP with 64-bit cookies',
    vec: 'vec0:transport=l2tpv3,udp=1,src=10.5.0.1,dst=10.5.0.2,srcport=1702,dstport=1701,rx_session=20,tx_session=10,rx_cookie=0x0102030405060708,tx_cookie=0x1112131415161718,cookie64=1',
    linux: [
      `${IP} l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 encap udp local 10.5.0.2 remote 10.5.0.1 udp_sport 1701 udp_dport 1702`,
      `${IP} l2tp add session name l2e0 tunnel_id 1 session_id 10 peer_session_id 20 cookie 0102030405060708 peer_cookie 1112131415161718 l2spec_type none`,
    ],
    dev: 'l2e0',
  },
  {
    name: 'ip l2tp over IP with 32-bit cookies',
    vec: 'vec0:transport=l2tpv3,src=10.5.0.1,dst=10.5.0.2,rx_session=0x200,tx_session=0x100,rx_cookie=0xcafe0001,tx_cookie=0xbeef0002',
    linux: [
      `${IP} l2tp add tunnel tunnel_id 2 peer_tunnel_id 2 encap ip local 10.5.0.2 remote 10.5.0.1`,
      `${IP} l2tp add session name l2e0 tunnel_id 2 session_id 0x100 peer_session_id 0x200 cookie cafe0001 peer_cookie beef0002 l2spec_type none`,
    ],
    dev: 'l2e0',
  },
];

for (const v of variants) {
  test(`tuml ↔ Linux ${v.name}: ping and TCP`, { skip, timeout: 240_000 }, async () => {
    const ns = new Netns();
    made.push(ns);
    ns.ip('tuntap add tap0 mode tap');
    ns.ip('addr add 10.5.0.1/24 dev tap0');
    ns.ip('link set tap0 up');
    // The tunnel adds up to 50 bytes around each frame on a 1500-byte link: both ends use 1400.
    const linux = runTuml(ns, [`initrd=${initrd}`, 'mem=128M', 'vec0:transport=tap,ifname=tap0'], [
      'I=/usr/local/bin/ip',
      'ip link set eth0 up && ip addr add 10.5.0.2/24 dev eth0',
      ...v.linux,
      `${IP} link set ${v.dev} mtu 1400 up && ${IP} addr add 10.6.0.2/24 dev ${v.dev} && echo linux-tunnel-up`,
      ...receiverLines('10.6.0.1'),
    ].join('\n'), { timeoutMs: 200_000 });
    const tuml = runTuml(ns, [v.vec], [
      'echo tuml-up',
      'ip link set eth0 mtu 1400 up && ip addr add 10.6.0.1/24 dev eth0',
      // The Linux end may still be booting: busybox ping -c 1 sends one request only.
      'for i in $(seq 90); do ping -c 1 -W 1 10.6.0.2 >/dev/null && echo ping-ok && break; done',
      ...senderLines('10.6.0.2', BYTES),
      'cat /sys/class/net/eth0/statistics/rx_packets /sys/class/net/eth0/statistics/tx_packets',
    ].join('\n'), { timeoutMs: 200_000 });
    // Both sides' output in any failure: a timeout on one side says little alone.
    const settle = (p: Promise<{ out: string; err: string; code: number | null }>) => p.catch((e: Error) => ({ out: e.message, err: '', code: -1 }));
    const [l, t] = await Promise.all([settle(linux), settle(tuml)]);
    assert.match(l.out, /linux-tunnel-up/, `the Linux end did not come up:\n${l.out}\n${l.err}`);
    assert.equal(t.code, 0, `tuml:\n${t.out}\n${t.err}\nLinux:\n${l.out}`);
    assert.equal(l.code, 0, `Linux:\n${l.out}\n${l.err}\ntuml:\n${t.out}`);
    assert.match(t.out, /ping-ok/, `tuml:\n${t.out}\nLinux:\n${l.out}`);
    assertTransfer(t.out, l.out, BYTES, `tuml:\n${t.out}\nLinux:\n${l.out}`);
    assert.match(t.out, /ack/);
  });
}
