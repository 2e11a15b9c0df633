// Sizes and numbers as UML reads them: a C integer literal (decimal, 0x hex,
// leading-0 octal) with an optional binary suffix K, M, G, T, P or E.
// Unlike UML's memparse, trailing junk is an error rather than ignored.

const SUFFIX: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/** A C integer literal (strtoul with base 0), or undefined. */
export function parseCInteger(text: string): number | undefined {
  let m: RegExpMatchArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]+)$/.exec(text))) return parseInt(m[1], 16);
  if ((m = /^0([0-7]*)$/.exec(text))) return m[1] ? parseInt(m[1], 8) : 0;
  if (/^[1-9][0-9]*$/.test(text)) return parseInt(text, 10);
  return undefined;
}

/** `<number>[KMGTPE]` in bytes, or undefined when malformed or not exactly representable. */
export function parseSize(text: string): number | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtTpPeE]?)$/.exec(text);
  if (!m) return undefined;
  const n = parseCInteger(m[1]);
  if (n === undefined) return undefined;
  const v = n * 1024 ** (m[2] ? SUFFIX[m[2].toLowerCase()] : 0);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** Human form of a byte count, e.g. 64M. */
export function formatSize(bytes: number): string {
  for (const [s, p] of [['G', 3], ['M', 2], ['K', 1]] as const) {
    if (bytes % 1024 ** p === 0) return `${bytes / 1024 ** p}${s}`;
  }
  return String(bytes);
}
