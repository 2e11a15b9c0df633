// UML's mconsole wire format (the spec's mconsole.md §3, §5): requests, replies
// cut into 511-byte pieces, protocol errors, the notify packet and the command
// table. Pure data, no I/O. Integers are little-endian (UML sends its structs raw
// and every supported host is little-endian).

export const MCONSOLE_MAGIC = 0xcafebabe;
export const MCONSOLE_VERSION = 2;
/** Request data bytes; `len` must be below this. */
export const MCONSOLE_MAX_DATA = 512;
export const REQUEST_SIZE = 12 + MCONSOLE_MAX_DATA;
/** Text bytes per reply packet (each packet adds its own NUL). */
export const REPLY_PIECE = MCONSOLE_MAX_DATA - 1;

export const enum NotifyType {
  Socket = 0,
  Panic = 1,
  Hang = 2,
  UserNotify = 3,
}

/** The commands in UML's table order; the first whose name prefixes the request wins. */
export const COMMANDS = [
  'version', 'halt', 'reboot', 'config', 'remove', 'sysrq', 'help', 'cad', 'stop', 'go', 'log', 'proc', 'stack',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** UML's in-kernel help text, byte for byte (trailing spaces and the TAB included). */
export const HELP_TEXT =
  'Commands: \n' +
  '    version - Get kernel version \n' +
  '    help - Print this message \n' +
  '    halt - Halt UML \n' +
  '    reboot - Reboot UML \n' +
  '    config <dev>=<config> - Add a new device to UML;  \n' +
  '\tsame syntax as command line \n' +
  '    config <dev> - Query the configuration of a device \n' +
  '    remove <dev> - Remove a device from UML \n' +
  '    sysrq <letter> - Performs the SysRq action controlled by the letter \n' +
  '    cad - invoke the Ctrl-Alt-Del handler \n' +
  "    stop - pause the UML; it will do nothing until it receives a 'go' \n" +
  "    go - continue the UML after a 'stop' \n" +
  '    log <string> - make UML enter <string> into the kernel log\n' +
  "    proc <file> - returns the contents of the UML's /proc/<file>\n" +
  '    stack <pid> - returns the stack of the specified pid\n';

export const VERSION0_TEXT = 'ERR Version 0 mconsole clients are not supported by this driver';

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** A request as the instance sees it after UML's checks (mconsole_get_request). */
export type ParsedRequest =
  | { kind: 'version0' } // no magic: answered with a bare text datagram
  | { kind: 'short' } // too short to hold a header: UML's recvfrom check drops it
  | { kind: 'too-large' }
  | { kind: 'command'; text: string; badVersion: boolean };

/**
 * Decodes one datagram (at most REQUEST_SIZE bytes are looked at, as UML reads
 * at most that much). The text ends at `len` or at the datagram's end,
 * whichever comes first, and at the first NUL (UML's handlers see a C string).
 */
export function parseRequest(d: Uint8Array): ParsedRequest {
  if (d.length < 4) return { kind: 'short' };
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (dv.getUint32(0, true) !== MCONSOLE_MAGIC) return { kind: 'version0' };
  if (d.length < 12) return { kind: 'short' };
  const version = dv.getUint32(4, true);
  const len = dv.getUint32(8, true);
  if (len >= MCONSOLE_MAX_DATA) return { kind: 'too-large' };
  let data = d.subarray(12, Math.min(d.length, 12 + len, REQUEST_SIZE));
  const nul = data.indexOf(0);
  if (nul >= 0) data = data.subarray(0, nul);
  return { kind: 'command', text: latin1(data), badVersion: version !== MCONSOLE_VERSION };
}

/** The request packet uml_mconsole sends: always the full 524 bytes. */
export function encodeRequest(text: string): Uint8Array {
  const data = Buffer.from(text, 'latin1');
  if (data.length >= MCONSOLE_MAX_DATA) throw new RangeError(`command too long (${data.length} bytes, at most ${MCONSOLE_MAX_DATA - 1})`);
  const p = new Uint8Array(REQUEST_SIZE);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, MCONSOLE_MAGIC, true);
  dv.setUint32(4, MCONSOLE_VERSION, true);
  dv.setUint32(8, data.length, true);
  p.set(data, 12);
  return p;
}

/** One reply packet: err, more, len (text + NUL), text, NUL — exactly 12 + len bytes. */
export function encodeReplyPacket(err: number, more: boolean, text: Uint8Array): Uint8Array {
  if (text.length > REPLY_PIECE) throw new RangeError('reply piece too long');
  const p = new Uint8Array(12 + text.length + 1);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, err >>> 0, true);
  dv.setUint32(4, more ? 1 : 0, true);
  dv.setUint32(8, text.length + 1, true);
  p.set(text, 12);
  return p;
}

/**
 * A reply text as UML's mconsole_reply_len cuts it: pieces of at most 511
 * bytes, all but the last with more=1, `err` on the first piece only, the
 * last piece with the handler's `more`. An empty text is one empty packet.
 */
export function encodeReply(text: string | Uint8Array, err: number, more = false): Uint8Array[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const out: Uint8Array[] = [];
  let off = 0;
  let first = true;
  do {
    const piece = bytes.subarray(off, off + REPLY_PIECE);
    off += piece.length;
    const last = off >= bytes.length;
    out.push(encodeReplyPacket(first ? err : 0, last ? more : true, piece));
    first = false;
  } while (off < bytes.length);
  return out;
}

export interface ReplyPacket {
  err: number; // as the signed 32-bit value (-22, 1, …)
  more: boolean;
  text: string;
}

/** Decodes a reply packet; the text stops at its NUL or at `len`. Throws on a packet too short for its header. */
export function decodeReplyPacket(d: Uint8Array): ReplyPacket {
  if (d.length < 12) throw new RangeError(`short reply (${d.length} bytes)`);
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const len = Math.min(dv.getUint32(8, true), d.length - 12);
  let data = d.subarray(12, 12 + len);
  const nul = data.indexOf(0);
  if (nul >= 0) data = data.subarray(0, nul);
  return { err: dv.getInt32(0, true), more: dv.getUint32(4, true) !== 0, text: latin1(data) };
}

/** A notification: magic, version, type, len, then the payload (≤ 512 bytes). */
export function encodeNotify(type: NotifyType, payload: Uint8Array): Uint8Array {
  const data = payload.subarray(0, MCONSOLE_MAX_DATA);
  const p = new Uint8Array(16 + data.length);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, MCONSOLE_MAGIC, true);
  dv.setUint32(4, MCONSOLE_VERSION, true);
  dv.setUint32(8, type, true);
  dv.setUint32(12, data.length, true);
  p.set(data, 16);
  return p;
}

export function decodeNotify(d: Uint8Array): { type: number; data: Uint8Array } | undefined {
  if (d.length < 16) return undefined;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (dv.getUint32(0, true) !== MCONSOLE_MAGIC) return undefined;
  const len = Math.min(dv.getUint32(12, true), d.length - 16);
  return { type: dv.getUint32(8, true), data: d.subarray(16, 16 + len) };
}

/** UML's lookup: the first command (table order) the text starts with; the rest is its argument. */
export function matchCommand(text: string): { name: CommandName; rest: string } | undefined {
  for (const name of COMMANDS) if (text.startsWith(name)) return { name, rest: text.slice(name.length) };
  return undefined;
}
