// The networks that need no root: eth<N>=passt (Debian's passt: DHCP from the image's init,
// the host's loopback at 10.0.2.2, port forwards on 127.0.0.1) and eth<N>=slirp (UML's SLIP
// link to Debian's slirp program). The tests run in namespaces they make (passt wants a
// routable interface: a veth with a default route, no traffic leaves the namespace).

import assert from 'node:assert/strict';
import { test, after } from 'node:test';
import { existsSync } from 'node:fs';
import { Netns, available, hostPeer, runTuml } from './helpers/netns.js';
import { SlipDecoder, arpReply, slipEncode } from '../src/host/net/slirp.js';
import { QemuStreamCodec } from '../src/host/net/passt.js';

const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
});

function routedNetns(): Netns {
  const ns = new Netns();
  made.push(ns);
  ns.ip('link add v0 type veth peer name v1');
  ns.ip('addr add 192.0.2.1/24 dev v0');
  ns.ip('link set v0 up');
  ns.ip('link set v1 up');
  ns.ip('route add default via 192.0.2.254');
  return ns;
}

const noPasst = !available ? 'needs root to create network namespaces' : !existsSync('/usr/bin/passt') && 'needs passt (apt-get install passt)';

test('passt: DHCP at boot, the host at 10.0.2.2, a forwarded port on 127.0.0.1 reaches the guest', { skip: noPasst, timeout: 120_000 }, async () => {
  const ns = routedNetns();
  // The host's web server, on loopback only; it answers twice then ends.
  const web = hostPeer(ns, `
const http = require('http'); let n = 0;
const s = http.createServer((q, r) => { r.end('hello from the host ' + q.url + '\\n'); if (++n === 1) s.close(); });
s.listen(18123, '127.0.0.1', () => console.log('up'));
setTimeout(() => process.exit(2), 90000).unref();
`);
  // A host client for the forward: one connection once the guest listens, held open.
  const client = hostPeer(ns, `
const net = require('net');
setTimeout(() => { const c = net.connect(18080, '127.0.0.1'); c.on('error', () => {}); }, 6000);
setTimeout(() => process.exit(0), 12000);
`);
  // The host's listeners while the guest runs.
  const listening = new Promise<string>((resolve) =>
    setTimeout(() => {
      const p = ns.spawn(['ss', '-Hltn', 'sport = 18080']);
      let out = '';
      p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      p.on('exit', () => resolve(out));
    }, 7000),
  );
  const c = await runTuml(ns, ['eth0=passt,,tcp::18080-:8080'], [
    'ip -4 -o addr show dev eth0 | grep -o "inet [0-9./]*"',
    'ip route | grep default',
    'wget -q -O- http://10.0.2.2:18123/x',
    'nc -l -p 8080 </dev/null >/dev/null &',
    'sleep 9',
    'netstat -tn | grep ":8080 "',
  ].join('\n'), { timeoutMs: 60_000 });
  const ss = await listening;
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /inet 10\.0\.2\.15\/24/, c.out + c.err);
  assert.match(c.out, /default via 10\.0\.2\.2/);
  assert.match(c.out, /hello from the host \/x/);
  // The host's connection to the forward reached the guest's listener, from the gateway's address.
  assert.match(c.out, /(::ffff:)?10\.0\.2\.15:8080\s+(::ffff:)?10\.0\.2\.2:\d+\s+(SYN_RECV|ESTABLISHED)/, c.out);
  assert.match(ss, /^LISTEN.*\s127\.0\.0\.1:18080\s/m, 'the forward listens on loopback only');
  await client;
  await web;
  assert.match(c.err, /passt backend - guest 10\.0\.2\.15\/24, gateway 10\.0\.2\.2, DNS 10\.0\.2\.3, forwards tcp:127\.0\.0\.1:18080->8080/);
});

test('passt forward with an address binds that address; a bad forward is refused with one line', { skip: noPasst, timeout: 120_000 }, async () => {
  const ns = routedNetns();
  const c = await runTuml(ns, ['eth0=passt,,tcp:192.0.2.1:18081-:22', 'eth1=passt,,tcp::99999-:1'], 'ls /sys/class/net | grep -c ^eth');
  assert.equal(c.code, 0, c.err);
  assert.match(c.err, /passt_setup - bad port in forward 'tcp::99999-:1'/);
  assert.equal(c.out.trim(), '1');
});

test('passt killed under a running guest: one line, the guest runs on', { skip: noPasst, timeout: 120_000 }, async () => {
  const ns = routedNetns();
  const run = runTuml(ns, ['eth0=passt'], 'sleep 4; echo still-here', {
    onErr: (e) => {
      // passt is the instance's child; kill it once the device is up.
      if (/passt backend/.test(e) && !killed) {
        killed = true;
        setTimeout(() => ns.spawn(['pkill', '-KILL', '-P', String(run.child.pid)]), 1500);
      }
    },
  });
  let killed = false;
  const c = await run;
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /still-here/);
  assert.equal(c.err.match(/eth0: passt (exited \(SIGKILL\)|closed the connection); link down/g)?.length ?? 0, 1, c.err);
});

const noSlirp = !available ? 'needs root to create network namespaces' : !existsSync('/usr/bin/slirp') && 'needs slirp (apt-get install slirp)';

test("slirp: Debian's slirp is started as UML starts it; its exit is one line and the guest runs on", { skip: noSlirp, timeout: 60_000 }, async () => {
  // Debian 12's slirp 1.0.17 exits at once on this glibc (its select() timeout is refused with
  // EINVAL), under real UML as under tuml; the transport must say so and carry on.
  const ns = routedNetns();
  const c = await runTuml(ns, ['eth0=slirp,,slirp,mtu_1500'], 'sleep 2; echo alive');
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /alive/);
  assert.match(c.err, /SLIRP backend - command line: 'slirp' 'mtu 1500'/);
  assert.match(c.err, /eth0: (slirp exited \(status 1\)|slirp closed the connection)/);
  const missing = await runTuml(ns, ['eth0=slirp,,/nonexistent/slirp'], 'echo alive');
  assert.match(missing.out, /alive/);
  assert.match(missing.err, /eth0: cannot run \/nonexistent\/slirp \(ENOENT\); link down/);
});

test('SLIP framing: escapes, empty frames, frames split anywhere, oversized frames dropped', () => {
  const p = Uint8Array.from([0x45, 0xc0, 0xdb, 1, 0xdc, 0xdd, 0xc0]);
  const wire = slipEncode(p);
  assert.deepEqual([...wire], [0xc0, 0x45, 0xdb, 0xdc, 0xdb, 0xdd, 1, 0xdc, 0xdd, 0xdb, 0xdc, 0xc0]);
  const dec = new SlipDecoder();
  const got: number[][] = [];
  const stream = Uint8Array.from([0xc0, 0xc0, ...wire, ...new Uint8Array(3000).fill(7), 0xc0, ...wire]);
  for (let i = 0; i < stream.length; i += 5) dec.feed(stream.subarray(i, i + 5), (f) => got.push([...f]));
  assert.deepEqual(got, [[...p], [...p]]);
});

test('QEMU stream framing: length-prefixed frames across reads; an absurd length is dropped, not allocated', () => {
  const codec = new QemuStreamCodec();
  const frames = [new Uint8Array(60).fill(1), new Uint8Array(1514).fill(2)];
  const wire: number[] = [];
  for (const f of frames) codec.encode(f, (b) => wire.push(...b));
  const got: number[] = [];
  for (let i = 0; i < wire.length; i += 7) codec.decode(Uint8Array.from(wire.slice(i, i + 7)), (f) => got.push(f.length));
  assert.deepEqual(got, [60, 1514]);
  const bad: number[] = [];
  codec.decode(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]), (f) => bad.push(f.length));
  assert.deepEqual(bad, []);
});

test('slirp link ARP: any address but the asker own gets the gateway MAC', () => {
  const req = new Uint8Array(42);
  req.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 8, 6, 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 10, 0, 2, 2]);
  const gw = Uint8Array.of(0x52, 0x55, 10, 0, 2, 2);
  const r = arpReply(req, gw)!;
  assert.deepEqual([...r.subarray(0, 6)], [2, 0, 0, 0, 0, 1]);
  assert.deepEqual([...r.subarray(22, 32)], [...gw, 10, 0, 2, 2]);
  assert.deepEqual([...r.subarray(38, 42)], [10, 0, 2, 15]);
  req.set([10, 0, 2, 15], 38);
  assert.equal(arpReply(req, gw), undefined, 'gratuitous ARP is not answered');
});
