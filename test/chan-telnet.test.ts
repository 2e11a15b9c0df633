// The telnet server side of port channels: option negotiation, command
// stripping, NAWS window sizes, CR handling, 0xff escaping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IAC, OPT_ECHO, OPT_NAWS, TELNET_GREETING, TelnetParser, telnetEscape } from '../src/host/chan/telnet.js';

const DO = 253, DONT = 254, WILL = 251, WONT = 252, SB = 250, SE = 240;

function parser() {
  const replies: number[][] = [];
  const sizes: [number, number][] = [];
  const p = new TelnetParser((r) => replies.push([...r]), (rows, cols) => sizes.push([rows, cols]));
  return { p, replies, sizes };
}

test('the greeting offers ECHO and SGA and asks for NAWS', () => {
  assert.deepEqual([...TELNET_GREETING], [IAC, WILL, 1, IAC, WILL, 3, IAC, DO, 31]);
});

test('commands are stripped from the data; unknown options are refused once', () => {
  const { p, replies } = parser();
  const out = p.feed(Uint8Array.of(0x61, IAC, DO, OPT_ECHO, 0x62, IAC, DO, 24, IAC, WILL, 24, IAC, 241, 0x63));
  assert.deepEqual([...out], [0x61, 0x62, 0x63]);
  assert.deepEqual(replies, [[IAC, WONT, 24], [IAC, DONT, 24]], 'DO ECHO is what we offered: no answer');
  p.feed(Uint8Array.of(IAC, DONT, OPT_ECHO, IAC, DONT, OPT_ECHO));
  assert.deepEqual(replies.slice(2), [[IAC, WONT, OPT_ECHO]], 'a state change is answered, a repeat is not');
});

test('NAWS gives the window size, also split across reads and with an escaped 255', () => {
  const { p, sizes } = parser();
  p.feed(Uint8Array.of(IAC, WILL, OPT_NAWS, IAC, SB, OPT_NAWS, 0, 132));
  p.feed(Uint8Array.of(0, 43, IAC, SE));
  p.feed(Uint8Array.of(IAC, SB, OPT_NAWS, 0, IAC, IAC, 0, 50, IAC, SE));
  assert.deepEqual(sizes, [[43, 132], [50, 255]]);
});

test('CR NUL and CR LF are one CR; IAC IAC is a data byte 0xff', () => {
  const { p } = parser();
  assert.deepEqual([...p.feed(Uint8Array.of(0x6c, 13, 0, 0x73, 13, 10, 13))], [0x6c, 13, 0x73, 13, 13]);
  assert.deepEqual([...p.feed(Uint8Array.of(10, IAC, IAC))], [255], 'the LF after a CR split across reads goes too');
});

test('output doubles 0xff and leaves other bytes alone', () => {
  assert.deepEqual([...telnetEscape(Uint8Array.of(1, 255, 2))], [1, 255, 255, 2]);
  const plain = Uint8Array.of(1, 2, 3);
  assert.equal(telnetEscape(plain), plain);
});

test('an endless subnegotiation is bounded', () => {
  const { p, sizes } = parser();
  p.feed(Uint8Array.of(IAC, SB, OPT_NAWS, ...new Array(100000).fill(7)));
  p.feed(Uint8Array.of(IAC, SE, 0x41));
  assert.deepEqual(sizes, [[0x707, 0x707]]);
});
