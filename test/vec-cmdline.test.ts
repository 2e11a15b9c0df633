// The vec<N>: option parser: UML's syntax, defaults, limits and messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../src/uml/cmdline/index.js';
import { parseMac, parseVec, randomMac } from '../src/uml/cmdline/vec.js';

function ok(arg: string) {
  const r = parseVec(arg);
  if ('error' in r) throw new Error(r.error);
  return r;
}

test('the HowTo line parses with its values; defaults are UML\'s', () => {
  const { config } = ok('vec0:transport=tap,ifname=tap0,depth=128,gro=1');
  assert.equal(config.unit, 0);
  assert.equal(config.transport, 'tap');
  assert.equal(config.options.get('ifname'), 'tap0');
  assert.equal(config.depth, 128);
  assert.equal(config.gro, true);
  const d = ok('vec3:transport=raw').config;
  assert.deepEqual([d.unit, d.depth, d.gro, d.mtu, d.headroom, d.multi, d.mac], [3, 64, false, 1500, 2, true, undefined]);
});

test('transport by prefix in UML\'s order; first key wins; items without = are skipped', () => {
  assert.equal(ok('vec0:transport=tapfoo').config.transport, 'tap');
  assert.equal(ok('vec0:transport=l2tpv3').config.transport, 'l2tpv3');
  const c = ok('vec0:transport=gre,dst=1.2.3.4,dst=5.6.7.8,junk,src=::1').config;
  assert.equal(c.options.get('dst'), '1.2.3.4');
  assert.equal(c.options.get('src'), '::1');
  assert.equal(c.options.has('junk'), false);
  assert.equal(ok('vec0x10:transport=fd').config.unit, 16);
});

test('mtu outside 576..65534 is silently 1500; vec=0 turns batching off', () => {
  assert.equal(ok('vec0:transport=tap,mtu=9000').config.mtu, 9000);
  assert.equal(ok('vec0:transport=tap,mtu=100').config.mtu, 1500);
  assert.equal(ok('vec0:transport=tap,mtu=65535').config.mtu, 1500);
  assert.equal(ok('vec0:transport=tap,vec=0').config.multi, false);
});

test('UML\'s parse errors', () => {
  assert.deepEqual(parseVec('vec0'), { error: "vector_setup - Couldn't parse '0' : Expected ':' after device number" });
  assert.deepEqual(parseVec('vec-1:transport=tap'), { error: "vector_setup - Couldn't parse '-1:transport=tap' : Bad device number" });
  assert.deepEqual(parseVec('vec2:transport=tap', new Set([2])), { error: "vector_setup - Couldn't parse '2:transport=tap' : Device already configured" });
  assert.deepEqual(parseVec('vec0:transport=tap,mac=a=b'), { error: "vector_setup - Couldn't parse 'mac=a=b'" });
  assert.deepEqual(parseVec('vec4:ifname=x'), { error: 'missing transport for unit 4' });
});

test('MAC addresses: UML\'s messages for bad ones, warnings for a globally administered one', () => {
  assert.deepEqual(parseMac('02:00:00:00:00:01'), { mac: Uint8Array.of(2, 0, 0, 0, 0, 1), warnings: [] });
  assert.deepEqual(parseMac('zz:00:00:00:00:01'), { warnings: ["setup_etheraddr: failed to parse 'zz:00:00:00:00:01' as an ethernet address"] });
  assert.deepEqual(parseMac('02:00:00:00:01'), { warnings: ["setup_etheraddr: failed to parse '02:00:00:00:01' as an ethernet address"] });
  assert.deepEqual(parseMac('01:00:5e:00:00:01'), { warnings: ['Attempt to assign a multicast ethernet address to a device disallowed'] });
  assert.deepEqual(parseMac('00:00:00:00:00:00'), { warnings: ['Attempt to assign an invalid ethernet address to a device disallowed'] });
  const g = parseMac('00:16:3e:01:02:03');
  assert.ok('mac' in g);
  assert.deepEqual(g.warnings, [
    'Warning: Assigning a globally valid ethernet address to a device',
    'You should set the 2nd rightmost bit in the first byte of the MAC,',
    'i.e. 02:16:3e:01:02:03',
  ]);
  for (let i = 0; i < 50; i++) {
    const m = randomMac((b) => b.set(Uint8Array.from({ length: 6 }, () => Math.floor(Math.random() * 256))));
    assert.equal(m[0] & 3, 2, 'unicast, locally administered');
  }
});

test('the command line collects vec devices in unit order and reports MAC warnings; nothing reaches the guest', () => {
  const r = parseCommandLine(['vec1:transport=raw,ifname=v1', 'vec0:transport=tap,mac=zz', 'quiet']);
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') return;
  assert.deepEqual(r.config.vec?.map((v) => v.unit), [0, 1]);
  assert.ok(r.config.warnings.some((w) => w.includes("failed to parse 'zz'")));
  assert.ok(!r.config.cmdline.includes('vec'));
  const e = parseCommandLine(['vec0:transport=tap,ifname=a=b']);
  assert.deepEqual(e, { kind: 'error', message: "tuml: vector_setup - Couldn't parse 'ifname=a=b'" });
});
