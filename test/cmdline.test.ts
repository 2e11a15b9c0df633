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
  assert.equal(c.cmdline, 'console=hvc0 tuml.getty=0.0 earlycon=sbi');
  // UML's defaults: con1-15 xterm, every serial line a pty; none of them asked for a login.
  assert.deepEqual(c.con.slice(1).map((l) => l !== 'none' && l.input.type), new Array(15).fill('xterm'));
  assert.deepEqual(c.ssl.map((l) => l !== 'none' && l.input.type), new Array(16).fill('pty'));
  assert.deepEqual(c.kernelConsole, { kind: 'con', index: 0 });
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
  assert.equal(c.cmdline, 'root=/dev/vda rw init=/bin/sh quiet console=hvc0 --weird tuml.getty=1.0 earlycon=sbi');
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

test("UML's console=ttyN means conN, the guest's hvcN; console=ttySN is sslN", () => {
  assert.equal(run('console=tty0').cmdline, 'console=hvc0 tuml.getty=0.0 earlycon=sbi');
  assert.deepEqual(run('console=tty5').kernelConsole, { kind: 'con', index: 5 });
  assert.ok(run('console=tty5').cmdline.startsWith('console=hvc5 '));
  assert.deepEqual(run('console=ttyS3').kernelConsole, { kind: 'ssl', index: 3 });
  assert.deepEqual(run('console=tty1', 'console=ttyS0').kernelConsole, { kind: 'ssl', index: 0 }, 'the last one wins');
});

test('arguments starting with a space are skipped, as UML does', () => {
  assert.equal(run(' ignored', 'a').cmdline, 'a console=hvc0 tuml.getty=0.0 earlycon=sbi');
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

test('con=, conN=, ssl=, sslN=: precedence, split pairs, every channel type, errors', () => {
  assert.deepEqual(run('con=null').con0, { input: { type: 'null' }, output: { type: 'null' } });
  assert.deepEqual(run('con=null', 'con0=fd:0,fd:2').con0, { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 2 } });
  assert.deepEqual(run('con0=fd:0,fd:1', 'con=null').con0.valueOf(), { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 1 } },
    'conN= beats con=, whatever the order');
  assert.deepEqual(run('con3=pts', 'con3=null').con[3], { input: { type: 'null' }, output: { type: 'null' } }, 'a repeated key overrides');
  assert.equal(run('con0=none').con0, 'none');
  const c = run('con=null', 'con1=pts', 'con2=port:9000', 'ssl=null', 'ssl1=tty:/dev/tty8', 'ssl2=xterm', 'ssl3=port:0.0.0.0:23',
    'ssl4=fd:0,null', 'ssl5=nullx', 'con4=port:[::1]:9001', 'ssl015=pty');
  assert.deepEqual(c.con[1], { input: { type: 'pts' }, output: { type: 'pts' } });
  assert.deepEqual(c.con[2], { input: { type: 'port', port: 9000, host: '127.0.0.1' }, output: { type: 'port', port: 9000, host: '127.0.0.1' } });
  assert.deepEqual(c.ssl[1], { input: { type: 'tty', device: '/dev/tty8' }, output: { type: 'tty', device: '/dev/tty8' } });
  assert.equal(c.ssl[2] !== 'none' && c.ssl[2].input.type, 'xterm');
  assert.equal(c.ssl[3] !== 'none' && c.ssl[3].input.type === 'port' && c.ssl[3].input.host, '0.0.0.0');
  assert.deepEqual(c.ssl[4], { input: { type: 'fd', fd: 0 }, output: { type: 'null' } });
  assert.deepEqual(c.ssl[5], { input: { type: 'null' }, output: { type: 'null' } }, 'trailing text after null is ignored');
  assert.equal(c.con[4] !== 'none' && c.con[4].input.type === 'port' && c.con[4].input.host, '::1');
  assert.equal(c.ssl[13] !== 'none' && c.ssl[13].input.type, 'pty', 'ssl015 is octal 13');
  // Logins run on the lines the command line gave a channel other than null.
  assert.match(c.cmdline, / tuml\.getty=16\.200e earlycon=sbi$/);
  // A channel type nobody knows leaves the line unconfigured with a warning, as UML boots on.
  const bogus = run('con0=bogus', 'con1=/dev/tty8');
  assert.equal(bogus.con[0], 'none');
  assert.equal(bogus.con[1], 'none');
  assert.match(bogus.warnings[0], /^con0=bogus: no such channel type "bogus".*the line stays unconfigured$/);
  assert.match(bogus.warnings[1], /^con1=\/dev\/tty8: .*\(for a host terminal: con1=tty:\/dev\/tty8\)/);
  assert.match(error('con0=fd'), /channel type 'fd' must specify a file descriptor/);
  assert.match(error('con0=fd:x'), /couldn't parse file descriptor 'x'/);
  assert.match(error('ssl1=tty'), /channel type 'tty' must specify a device/);
  assert.match(error('con1=port:70000'), /bad port number/);
  assert.match(error('con1=port:example.com:23'), /is not an IP address/);
  assert.match(error('con16=null'), /Device number out of range/);
  assert.match(error('ssl16=null'), /Device number out of range/);
  assert.match(error('conx=null'), /Couldn't parse device number/);
  assert.equal(run('console=ttyS0').cmdline, 'console=ttyS0 tuml.getty=0.0', 'console= is not a con switch');
  assert.equal(run('ssl-non-raw').sslNonRaw, true);
  assert.deepEqual(run('xterm=gnome-terminal,-t,-x').xterm, { emulator: 'gnome-terminal', titleSwitch: '-t', execSwitch: '-x' });
  assert.deepEqual(run('xterm=,,').xterm, { emulator: 'xterm', titleSwitch: '-T', execSwitch: '-e' });
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
  // Kernel messages go to hvc0 (con0, null in exec mode) unless the user chose a console;
  // the command's line is ssl0 on stdin/stdout.
  assert.ok(c.cmdline.includes('console=hvc0'));
  assert.deepEqual(c.con0, { input: { type: 'null' }, output: { type: 'null' } });
  assert.deepEqual(c.ssl[0], { input: { type: 'fd', fd: 0 }, output: { type: 'fd', fd: 1 } });
  assert.deepEqual(run('con0=fd:2', '--', 'true').con0, { input: { type: 'fd', fd: 2 }, output: { type: 'fd', fd: 2 } });
  assert.ok(!run('console=ttyS0', '--', 'true').cmdline.includes('console=hvc0'));
  assert.equal(run('quiet').exec, undefined);
});

test('-- without a command is an error', () => {
  assert.match(error('mem=32M', '--'), /^tuml: --: missing command$/);
});
