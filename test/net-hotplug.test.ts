// Network devices added and removed while the guest runs, through Debian's uml_mconsole:
// `config eth0=ucast,...` puts a transport behind a spare NIC (no carrier until then), the
// guest uses it to talk to real UML, `remove eth0` takes it away (carrier down) once the
// guest has the interface down (while it is up: UML's "Device is currently open"); `config
// vecN:` likewise; UML's replies for queries, unknown transports and bad numbers.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Netns, available, tuml } from './helpers/netns.js';
import { exec, until } from './helpers/mconsole-guest.js';
import { realUmlMissing } from './helpers/real-uml.js';
import { startRealUml } from './helpers/uml-lan.js';

const missing = !available ? 'needs root to create network namespaces' : realUmlMissing('/usr/bin/uml_mconsole') || (!existsSync('/usr/sbin/mkfs.ext4') && 'needs mkfs.ext4');
const dir = mkdtempSync(join(tmpdir(), 'tuml-net-hot-'));
const made: Netns[] = [];
after(() => {
  for (const ns of made) ns.delete();
  rmSync(dir, { recursive: true, force: true });
});

test('mconsole config eth0=ucast into a spare NIC talks to real UML; remove eth0 only while down, then no carrier; UML replies', { skip: missing, timeout: 180_000 }, async () => {
  const ns = new Netns();
  made.push(ns);
  const umid = `hot${process.pid}`;
  const child = ns.spawn([process.execPath, tuml, 'mem=64M', `umid=${umid}`, `uml_dir=${dir}/`, 'con=null', 'con0=fd:0,fd:1']);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const ended = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const sock = join(dir, umid, 'mconsole');
  // In the namespace: the client's reply address is abstract, and those are per namespace.
  const mc = (...args: string[]) => exec(dir, 'ip', ['netns', 'exec', ns.name, 'uml_mconsole', sock, ...args]);
  const sh = (line: string) => child.stdin!.write(`${line}\n`);
  try {
    await until(async () => existsSync(sock) && /mconsole \(version 2\) initialized/.test(err));
    await until(async () => {
      sh('echo READY-$((6*7))');
      await new Promise((r) => setTimeout(r, 1500));
      return out.includes('READY-42');
    });
    // Two spare NICs, no carrier.
    sh('echo "links $(ls /sys/class/net | grep -c ^eth) carrier $(cat /sys/class/net/eth0/carrier 2>&1)"');
    await until(async () => /links 2 carrier/.test(out));

    const q = await mc('config', 'eth0');
    assert.match(q.out, /ERR No get_config routine defined/, JSON.stringify(q));
    assert.match((await mc('config', 'eth7=nosuch')).out, /^ERR\s*$/m);
    assert.match((await mc('config', 'ethx=mcast')).out, /ERR Bad device number/);
    assert.match((await mc('remove', 'eth3')).out, /ERR Device doesn't exist/);

    const uml = startRealUml(ns, dir, 'eth0=ucast,,127.0.0.1,5600,5601', { addr: '10.5.0.1', peer: '10.5.0.2', iface: 'eth0', tag: `${umid}u` });
    const add = await mc('config', 'eth0=ucast,,127.0.0.1,5601,5600');
    assert.match(add.out, /^OK/, add.out + add.err);
    assert.match((await mc('config', 'eth0=ucast,,127.0.0.1,5601,5600')).out, /ERR Device already configured/);
    sh('ip link set eth0 up && ip addr add 10.5.0.2/24 dev eth0; sleep 1; echo "carrier $(cat /sys/class/net/eth0/carrier)"');
    sh('ping -c 1 -w 60 10.5.0.1 >/dev/null && echo ping-ok');
    sh('nc -l -p 6001 > /tmp/ack & head -c 100000 /dev/urandom > /tmp/out; for i in $(seq 100); do nc 10.5.0.1 6000 < /tmp/out && break; sleep 0.3; done; wait; echo "ack: $(cat /tmp/ack)"');
    await until(async () => /ack: ack/.test(out), 120_000);
    assert.match(out, /carrier 1/);
    assert.match(out, /ping-ok/);
    const umlOut = await uml.done;
    assert.match(umlOut, /received 100000 /);

    // Up in the guest: UML's vector_remove/net_remove answer -EBUSY.
    const busy = await mc('remove', 'eth0');
    assert.match(busy.out, /^ERR Device is currently open/, busy.out + busy.err);
    sh('echo "still $(cat /sys/class/net/eth0/carrier)"');
    await until(async () => /still 1/.test(out));
    sh('ip link set eth0 down && echo eth0-down');
    await until(async () => /eth0-down/.test(out));
    assert.match((await mc('remove', 'eth0')).out, /^OK/);
    // (A down interface has no carrier to read: up again, it shows none.)
    sh('ip link set eth0 up; sleep 0.5; echo "after-remove $(cat /sys/class/net/eth0/carrier)"');
    await until(async () => /after-remove 0/.test(out));

    // vec hot-add into the freed slot, then away again, under the same rule.
    assert.match((await mc('config', 'vec2:transport=bess')).out, /ERR vec2: bess: dst= \(the switch's socket\) is required/);
    assert.match((await mc('config', 'vec2')).out, /ERR No get_config routine defined/);
    assert.match((await mc('remove', 'vec2')).out, /ERR Device doesn't exist/);
    ns.ip('tuntap add hot0 mode tap');
    assert.match((await mc('config', `vec2:transport=tap,ifname=hot0`)).out, /^OK/);
    sh('ip link set eth0 up && echo vec-up');
    await until(async () => /vec-up/.test(out));
    assert.match((await mc('remove', 'vec2')).out, /^ERR Device is currently open/);
    sh('ip link set eth0 down && echo vec-down');
    await until(async () => /vec-down/.test(out));
    assert.match((await mc('remove', 'vec2')).out, /^OK/);
    assert.match((await mc('remove', 'vec2')).out, /ERR Device doesn't exist/);
    sh('poweroff -f');
    await ended;
    assert.match(err, /Netdevice 0 \([0-9a-f:]{17}\) : /);
    assert.match(err, /ucast backend address: 127\.0\.0\.1:5600 listen port: 5601/);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nstdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`);
  } finally {
    child.kill('SIGKILL');
  }
});
