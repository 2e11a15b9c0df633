// The server side of telnet (RFC 854/857/858/1073), enough for UML's port
// channel without in.telnetd: the server offers ECHO and SUPPRESS-GO-AHEAD
// (clients switch to character mode and stop echoing locally) and asks for
// NAWS (window size); every other option is refused. Input is stripped of
// commands (IAC IAC is a data 0xff, CR NUL and CR LF are one CR); output
// doubles 0xff. The guest's tty does the echoing and line editing.

export const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;
export const OPT_ECHO = 1;
export const OPT_SGA = 3;
export const OPT_NAWS = 31;

/** What the server sends first. */
export const TELNET_GREETING = Uint8Array.of(IAC, WILL, OPT_ECHO, IAC, WILL, OPT_SGA, IAC, DO, OPT_NAWS);

const enum S {
  Data,
  Iac,
  Opt,
  Sb,
  SbIac,
  Cr,
}

/** Longest subnegotiation kept (NAWS needs 5 bytes; anything longer is dropped). */
const SB_MAX = 64;

export class TelnetParser {
  private state = S.Data;
  private verb = 0;
  private sb: number[] = [];
  /** Options we do (WILL) and the client does (its WILL after our DO). */
  private readonly ours = new Set([OPT_ECHO, OPT_SGA]);
  private readonly theirs = new Set<number>();

  constructor(
    /** Replies to send to the client. */
    private readonly reply: (bytes: Uint8Array) => void,
    private readonly onResize: (rows: number, cols: number) => void,
  ) {}

  /** Returns the data bytes in `input` (commands removed). */
  feed(input: Uint8Array): Uint8Array {
    const out = new Uint8Array(input.length);
    let n = 0;
    for (const b of input) {
      switch (this.state) {
        case S.Cr:
        case S.Data:
          if (this.state === S.Cr) {
            this.state = S.Data;
            if (b === 0 || b === 10) break; // CR NUL / CR LF: the CR was enough
          }
          if (b === IAC) this.state = S.Iac;
          else {
            out[n++] = b;
            if (b === 13) this.state = S.Cr;
          }
          break;
        case S.Iac:
          if (b === IAC) {
            out[n++] = IAC;
            this.state = S.Data;
          } else if (b === WILL || b === WONT || b === DO || b === DONT) {
            this.verb = b;
            this.state = S.Opt;
          } else if (b === SB) {
            this.sb = [];
            this.state = S.Sb;
          } else this.state = S.Data; // NOP, GA, AYT, …: ignored
          break;
        case S.Opt:
          this.option(this.verb, b);
          this.state = S.Data;
          break;
        case S.Sb:
          if (b === IAC) this.state = S.SbIac;
          else if (this.sb.length < SB_MAX) this.sb.push(b);
          break;
        case S.SbIac:
          if (b === SE) {
            this.subnegotiation();
            this.state = S.Data;
          } else {
            if (this.sb.length < SB_MAX) this.sb.push(b); // IAC IAC inside SB
            this.state = S.Sb;
          }
          break;
      }
    }
    return out.subarray(0, n);
  }

  private option(verb: number, opt: number): void {
    switch (verb) {
      case DO:
        if (!this.ours.has(opt)) this.reply(Uint8Array.of(IAC, WONT, opt));
        break;
      case DONT:
        if (this.ours.delete(opt)) this.reply(Uint8Array.of(IAC, WONT, opt));
        break;
      case WILL:
        if (opt === OPT_NAWS) this.theirs.add(opt);
        else this.reply(Uint8Array.of(IAC, DONT, opt));
        break;
      case WONT:
        this.theirs.delete(opt);
        break;
    }
  }

  private subnegotiation(): void {
    const s = this.sb;
    if (s[0] === OPT_NAWS && s.length >= 5) {
      const cols = (s[1] << 8) | s[2];
      const rows = (s[3] << 8) | s[4];
      if (rows > 0 && cols > 0) this.onResize(rows, cols);
    }
  }
}

/** Output for the client: 0xff doubled. */
export function telnetEscape(data: Uint8Array): Uint8Array {
  let k = 0;
  for (const b of data) if (b === IAC) k++;
  if (k === 0) return data;
  const out = new Uint8Array(data.length + k);
  let j = 0;
  for (const b of data) {
    out[j++] = b;
    if (b === IAC) out[j++] = IAC;
  }
  return out;
}
