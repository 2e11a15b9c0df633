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
