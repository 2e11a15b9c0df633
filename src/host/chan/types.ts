// What a guest line (virtio console port or UART) sees of its host channel.
// A line never knows which channel it has: fd, null, port, pty/pts, tty and
// xterm all look like this.

/** What a channel reports to its line. */
export interface ChannelEvents {
  /** Input from the host side; `data` is only valid during the call. */
  data(data: Uint8Array): void;
  /** The input side reached end of file (or the peer went away). */
  end(): void;
  /** Output was congested (write returned false) and can go on now. */
  drain(): void;
  /** The host terminal's window size changed. */
  resize?(rows: number, cols: number): void;
}

export interface HostChannel {
  /** UML's description for `config conN`: `fd:0`, `pts:/dev/pts/3`, `port:9000`, `null`. */
  describe(): string;
  /**
   * Starts the channel. A message (UML's "Virtual console 1 assigned device
   * '/dev/pts/3'") goes to `log`. Throws ChannelError when it cannot open.
   */
  open(events: ChannelEvents, log: (line: string) => void): void;
  /**
   * Output to the host side. false = congested: the bytes were kept, but the
   * caller should stop until events.drain().
   */
  write(data: Uint8Array): boolean;
  /** Input flow control (the guest is not taking input). */
  pauseInput(): void;
  resumeInput(): void;
  /** The host terminal's size, when the channel is a terminal. */
  winsize(): { rows: number; cols: number } | undefined;
  /** Releases the host side (terminal modes restored). Idempotent. */
  close(): void;
}

/** A channel that cannot be opened: one clear line for the user. */
export class ChannelError extends Error {}

/** Whose line a channel serves, for messages and window titles. */
export interface LineIdentity {
  /** 'con' or 'ssl'. */
  kind: 'con' | 'ssl';
  index: number;
  umid?: string;
}

/** UML's output buffer is 4095 bytes per line; above this a channel says "congested". */
export const OUTPUT_HIGH_WATER = 64 * 1024;
/**
 * What a channel keeps for a reader that does not read, for devices that cannot wait
 * (virtio consoles, see src/virtio/console.ts); beyond it output is dropped.
 */
export const OUTPUT_LIMIT = 16 * 1024 * 1024;
