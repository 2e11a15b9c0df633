// One vector network device's settings in parsed form (UML's `vec<N>:` options, parsed in
// src/uml/cmdline/vec.ts): what the transports here are opened with.

export type VecTransport = 'raw' | 'hybrid' | 'tap' | 'gre' | 'l2tpv3' | 'bess' | 'fd';

export interface VecConfig {
  unit: number;
  transport: VecTransport;
  /** Every key=value pair, the first occurrence of a key winning. */
  options: ReadonlyMap<string, string>;
  /** The text after `vec<N>:`, as given (mconsole's query answers with it). */
  text: string;
  depth: number;
  /** Set when mac= was given and usable; otherwise the device picks a random one. */
  mac?: Uint8Array;
  gro: boolean;
  mtu: number;
  headroom: number;
  /** vec=0: one frame per system call. */
  multi: boolean;
}

/** UML's legacy network transports (`eth<N>=<transport>,...`), plus tuml's passt. */
export type EthTransport = 'tuntap' | 'daemon' | 'mcast' | 'ucast' | 'slirp' | 'pcap' | 'vde' | 'passt';

/** A `hostfwd`-style port forward: the host's address:port to the guest's port. */
export interface PortForward {
  proto: 'tcp' | 'udp';
  /** The host address to listen on (127.0.0.1 unless one is named). */
  hostAddr: string;
  hostPort: number;
  guestPort: number;
}

export type EthSettings =
  | { kind: 'tuntap'; dev?: string; gate?: string }
  | { kind: 'daemon'; sockType: string; ctl: string }
  | { kind: 'mcast' | 'ucast'; addr: string; lport: number; rport: number; ttl: number }
  | { kind: 'slirp'; argv: string[] }
  | { kind: 'pcap'; hostIf: string; filter?: string; promisc: boolean; optimize: boolean }
  | { kind: 'vde'; sock?: string; port: number; group?: string; mode: number; descr: string }
  | { kind: 'passt'; forwards: PortForward[] };

/** One legacy network device's settings in parsed form (parsed in src/uml/cmdline/eth.ts). */
export interface EthConfig {
  unit: number;
  transport: EthTransport;
  /** The text after `eth<N>=`, as given (mconsole's query answers with it). */
  text: string;
  /** Set when a usable MAC was given; otherwise the device picks a random one. */
  mac?: Uint8Array;
  settings: EthSettings;
  /** The transport's setup lines (UML prints them while the device is configured). */
  setupLog: string[];
}
