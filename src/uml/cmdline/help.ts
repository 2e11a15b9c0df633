// `--help` text, in the layout of UML's (arch/um/kernel/um_arch.c): a title
// line, then each switch with its explanation indented by four spaces.

const SWITCHES: Array<[string, string[]]> = [
  ['--version', ['Prints the version number of the kernel.']],
  ['--help', ['Prints this message.']],
  ['--showconfig', ["Prints the configuration of the default image's kernel."]],
  ['mem=<Amount of desired ram>', [
    'This controls how much "physical" memory the guest kernel gets.',
    "The size is a number followed by one of 'K', 'M', 'G' (any case),",
    'which have the obvious meanings. The default is 64M.',
    '    Example: mem=256M',
  ]],
  ['initrd=<initrd image>', [
    'This is used to boot UML from an initrd image. The argument is the',
    'name of the file containing the image. Without it, tuml boots the',
    "default image's initramfs.",
  ]],
  ['root=<device>', ['The root device, passed to the guest kernel.']],
  ['init=<program>', ['The first program the guest kernel runs, passed to the guest kernel.']],
  ['umid=<name>', [
    'This is used to assign a unique identity to this UML machine and',
    'is used for naming the pid file and management console socket.',
  ]],
  ['noreboot', ['Exit instead of rebooting when the guest asks for a reboot.']],
  ['ubd<n><flags>=<filename>[(:|,)<filename2>][(:|,)<serial>]', [
    'Attach a disk as ubd<n> (n = 0-15 or a-p); the guest sees /dev/ubda...',
    '(virtio disks) and root=/dev/ubdX works. With <filename2>, <filename>',
    'is a COW file over the read-only backing file <filename2> (created when',
    'missing; later <filename> alone finds its backing file). Flags: r',
    '(read-only), s (synchronous), d (no COW detection), c (no host file',
    'locks), t (no TRIM). ubd=sync makes every disk synchronous. Without',
    'ubd0, a file named root_fs in the current directory is unit 0.',
    '    Example: ubd0=root.cow,root_fs',
  ]],
  ['vec[0-9]+:transport=<transport>,<key>=<value>,...', [
    'Configure a vector network device (the guest\'s eth<n>, a virtio NIC). Transports:',
    'tap, hybrid, raw, gre, l2tpv3, bess, fd. Common keys: depth, mac, gro, mtu, vec=0;',
    'tuml adds pcap=<file> to record the device\'s frames.',
    '    Example: vec0:transport=tap,ifname=tap0,depth=128,gro=1',
  ]],
  ['hostfs=<root dir>,<flags>,...', [
    'This is used to set hostfs parameters. The root directory argument',
    'is used to confine all hostfs mounts to within the specified directory',
    'tree on the host. The only flag is append (O_APPEND writes, no unlink,',
    'no truncation). The guest mounts with mount -t hostfs none <dir> [-o <path>].',
    '    Example: hostfs=/tmp/up_here/',
  ]],
  ['--kernel=<file>', [
    "Boot this kernel Image instead of the default image's (tuml only).",
  ]],
  ['-- <command> [<args>...]', [
    'Boot, run the command in the guest with this process\'s stdin and stdout,',
    'power off, and exit with the command\'s exit status (tuml only).',
  ]],
  ['con[0-15]=<channels>, ssl[0-15]=<channels>', [
    'Attach a console (guest tty<n>) or serial line (ttyS<n>) to host',
    'channels; con= and ssl= set every line without its own. <channels> is',
    'one channel or <input>,<output>: fd:<n>, null, port:<n> (telnet on',
    '127.0.0.1; port:<addr>:<n> listens elsewhere), pty, pts, tty:<device>,',
    'xterm, or none. Defaults: con0=fd:0,fd:1, con<n>=xterm, ssl<n>=pty.',
  ]],
  ['xterm=<terminal emulator>,<title switch>,<exec switch>', [
    'The emulator xterm channels run (default xterm,-T,-e).',
  ]],
];

export function helpText(version: string): string {
  const lines = [`User Mode Linux v${version}`, '\ttuml: a riscv64 Linux guest in an emulated machine', ''];
  for (const [name, text] of SWITCHES) {
    lines.push(name, ...text.map((t) => `    ${t}`), '');
  }
  lines.push('Every other argument is passed to the guest kernel command line.', '');
  return lines.join('\n');
}
