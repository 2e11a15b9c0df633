// UML's command line → MachineConfig.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MEM, type MachineConfig, helpText, parseCommandLine } from '../src/uml/cmdline/index.js';
import { parseCInteger, parseSize } from '../src/uml/cmdline/size.js';

function run(...argv: string[]): MachineConfig {
  const r = parseCommandLine(argv);
  assert.equal(r.kind, 'run', r.kind === 'error' ? r.message : undefined);
  return (r as { config: MachineConfig }).config;
}

function error(...argv: string[]): string {
  const r = parseCommandLine(argv);
  assert.equal(r.kind, 'error');
  return (r as { message: string }).message;
}

test('defaults: 64M, con0 on stdin/stdout, a console= for the guest', () => {
  const c = run();
  assert.equal(c.memBytes, DEFAULT_MEM);
  assert.equal(c.noreboot, false);
  assert.deepEqual(c.con0, { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 1 } });
  assert.equal(c.cmdline, 'console=ttyS0');
});

test('mem= with suffixes and C literals', () => {
  assert.equal(run('mem=128M').memBytes, 128 << 20);
  assert.equal(run('mem=1g').memBytes, 1 << 30);
  assert.equal(run('mem=65536k').memBytes, 64 << 20);
  assert.equal(run('mem=0x4000000').memBytes, 64 << 20);
  assert.equal(run('mem=1000000').memBytes, 1003520, 'rounded up to a page');
  assert.equal(parseSize('010K'), 8 * 1024, 'leading 0 is octal');
  assert.equal(parseCInteger('09'), undefined);
});

test('bad sizes give one clear error line', () => {
  assert.equal(error('mem=12Q'), 'tuml: mem=12Q: invalid size');
  assert.equal(error('mem='), 'tuml: mem=: invalid size');
  assert.equal(error('mem=abc'), 'tuml: mem=abc: invalid size');
  assert.equal(error('mem=-1M'), 'tuml: mem=-1M: invalid size');
  assert.match(error('mem=8G'), /^tuml: mem=8G: too large/);
});

test('host-side switches are consumed; everything else joins the kernel command line in order', () => {
  const c = run('mem=96M', 'root=/dev/vda', 'rw', 'init=/bin/sh', 'initrd=/tmp/rd.gz', 'umid=box', 'noreboot',
    'con0=fd:0,fd:1', 'quiet', 'console=hvc0', 'ubd0=disk.img', '--weird');
  assert.equal(c.memBytes, 96 << 20);
  assert.equal(c.initrd, '/tmp/rd.gz');
  assert.equal(c.root, '/dev/vda');
  assert.equal(c.init, '/bin/sh');
  assert.equal(c.umid, 'box');
  assert.equal(c.noreboot, true);
  assert.equal(c.cmdline, 'root=/dev/vda rw init=/bin/sh quiet console=hvc0 --weird');
  assert.deepEqual(c.ubd.map((d) => [d.unit, d.file]), [[0, 'disk.img']]);
});

test("ubd: UML's unit, flag and field syntax, and its parse-time messages", () => {
  const c = run('ubd0=a.img', 'ubdc=c.img', 'ubd1rs=b.img', 'ubd0x5=x.img', 'ubd2=cow,back', 'ubd3=', 'ubd4=f,,SER',
    'ubd=sync', 'root=/dev/ubdc');
  assert.deepEqual(c.ubd.map((d) => d.unit), [0, 1, 2, 4, 5]); // ubd2=cow,back loses to ubdc (unit 2 already configured)
  const b = c.ubd.find((d) => d.unit === 1)!;
  assert.equal(b.readOnly, true);
  assert.equal(b.sync, true);
  assert.ok(c.ubd.every((d) => d.sync)); // ubd=sync
  // root= keeps UML's name here; the host translates it once it knows which disks opened.
  assert.ok(c.cmdline.includes('root=/dev/ubdc'), c.cmdline);
  assert.deepEqual(c.warnings, ['Failed to initialize device with "2=cow,back" : Device is already configured']);
  const w = (arg: string) => run(arg).warnings[0];
  assert.equal(w('ubd16=x'), 'Failed to initialize device with "16=x" : Device number out of range');
  assert.equal(w('ubdq=x'), 'Failed to initialize device with "q=x" : Device number out of range');
  assert.equal(w('ubd!=x'), 'Failed to initialize device with "!=x" : Couldn\'t parse device number');
  assert.equal(w('ubd0z=x'), 'Failed to initialize device with "0z=x" : Expected \'=\' or flag letter (r, s, c, t or d)');
  assert.equal(w('ubd6rrrrrrr=x'), 'Failed to initialize device with "6rrrrrrr=x" : Too many flags specified');
  assert.equal(w('ubd0r'), 'Failed to initialize device with "0r" : Missing \'=\'');
  assert.equal(w('ubd0d=a,b'), 'Failed to initialize device with "0d=a,b" : Can\'t specify both \'d\' and a cow file');
  assert.equal(w('ubd=12'), 'fake major not supported any more');
  assert.equal(w('udb0=x'), 'udb0=x specified on command line is almost certainly a ubd -> udb TYPO');
  assert.equal(w('fake_ide'), 'The fake_ide option has been removed');
  const four = run('ubd0=x:y:z:w').ubd[0];
  assert.deepEqual([four.file, four.backing, four.serial], ['x', 'y', 'z']);
  const s = run('ubd4=f,,SER').ubd[0];
  assert.equal(s.serial, 'SER');
  assert.equal(s.backing, undefined);
  const cow = run('ubd1=cow:back').ubd[0];
  assert.deepEqual([cow.file, cow.backing], ['cow', 'back']);
});

test("UML's console=tty0 means con0, which is the guest's ttyS0 here", () => {
  assert.equal(run('console=tty0').cmdline, 'console=ttyS0');
});

test('arguments starting with a space are skipped, as UML does', () => {
  assert.equal(run(' ignored', 'a').cmdline, 'a console=ttyS0');
});

test('--help and --version anywhere', () => {
  assert.equal(parseCommandLine(['mem=64M', '--help']).kind, 'help');
  assert.equal(parseCommandLine(['--version']).kind, 'version');
  const h = helpText('1.2.3');
  assert.match(h, /^User Mode Linux v1\.2\.3\n/);
  assert.match(h, /\nmem=<Amount of desired ram>\n {4}/);
});

test('umid: length limit, repeated, slash', () => {
  const long = run(`umid=${'x'.repeat(64)}`);
  assert.equal(long.umid, undefined);
  assert.equal(long.warnings.length, 1);
  const twice = run('umid=a', 'umid=b');
  assert.equal(twice.umid, 'a');
  assert.deepEqual(twice.warnings, ['umid already set']);
  assert.match(error('umid=a/b'), /cannot contain/);
});

test('con= and con0= channels', () => {
  assert.deepEqual(run('con=null').con0, { input: { type: 'null' }, output: { type: 'null' } });
  assert.deepEqual(run('con=null', 'con0=fd:0,fd:2').con0, { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 2 } });
  assert.deepEqual(run('con0=fd:0,fd:1', 'con=null').con0.valueOf(), { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 1 } },
    'conN= beats con=, whatever the order');
  assert.equal(run('con0=none').con0, 'none');
  assert.equal(run('con1=fd:0,fd:1').warnings.length, 1);
  assert.match(error('con0=pty'), /^tuml: con0=pty: channel type "pty" is not supported yet$/);
  assert.match(error('con0=fd:7'), /only fd:0, fd:1 and fd:2/);
  assert.match(error('con0=bogus'), /no such channel type/);
  assert.match(error('con16=null'), /Device number out of range/);
  assert.match(error('conx=null'), /Couldn't parse device number/);
  assert.equal(run('console=ttyS0').cmdline, 'console=ttyS0', 'console= is not a con switch');
});

test('the riscv kernel command line limit is enforced', () => {
  assert.match(error('x'.repeat(1100)), /^tuml: kernel command line too long/);
});

test('-- COMMAND: the rest is the guest command, shell-quoted and base64-encoded', () => {
  const c = run('mem=32M', 'quiet', '--', 'sh', '-c', "echo 'it''s' $1", 'x y', '--help');
  assert.deepEqual(c.exec, ['sh', '-c', "echo 'it''s' $1", 'x y', '--help']);
  assert.equal(c.memBytes, 32 * 1024 * 1024);
  const param = c.cmdline.split(' ').find((a) => a.startsWith('tuml.exec='));
  assert.ok(param, c.cmdline);
  const decoded = Buffer.from(param.slice('tuml.exec='.length), 'base64').toString();
  assert.equal(decoded, `'sh' '-c' 'echo '\\''it'\\'''\\''s'\\'' $1' 'x y' '--help'`);
  // Kernel messages go to hvc0 unless the user chose a console.
  assert.ok(c.cmdline.includes('console=hvc0'));
  assert.ok(!run('console=ttyS0', '--', 'true').cmdline.includes('console=hvc0'));
  assert.equal(run('quiet').exec, undefined);
});

test('-- without a command is an error', () => {
  assert.match(error('mem=32M', '--'), /^tuml: --: missing command$/);
});
