// Escaping of strings that come from other processes: comm (any process can
// set it with prctl(PR_SET_NAME) or by writing /proc/self/comm), cmdline, and
// unix socket paths. Printed raw, they can move the cursor, clear the screen or
// rewrite what an operator sees (net-tools netstat's CVE-2024-58251).
//
// escapeBytes() turns raw bytes into text that is safe on a terminal and
// unambiguous to read back:
//   - C0 controls (0x00-0x1F) and DEL (0x7F)        -> \xHH
//   - C1 controls U+0080-U+009F (valid UTF-8)        -> \u0080 ... \u009f
//   - bytes that are not valid UTF-8                 -> \xHH (the raw byte, >= 0x80)
//   - U+2028, U+2029 and the bidi controls (U+061C, U+200E, U+200F,
//     U+202A-U+202E, U+2066-U+2069), which reorder what a terminal shows -> \uHHHH
//   - a backslash                                   -> \\
// Everything else, printable UTF-8 included, passes as it is. The JSON output
// carries this same escaped text, so JSON.stringify never sees a raw control
// (it would pass DEL and C1 through unescaped).

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

function u4(cp: number): string {
  return '\\u' + ('000' + cp.toString(16)).slice(-4);
}

function isSpoofingCodePoint(cp: number): boolean {
  return cp === 0x2028 || cp === 0x2029 || cp === 0x061c || cp === 0x200e || cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/** Length of the valid UTF-8 sequence at i (2-4), or 0 when it is not one. */
function utf8SeqLen(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  let n: number, min: number;
  if (c >= 0xc2 && c <= 0xdf) { n = 2; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { n = 3; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > end) return 0;
  let cp = c & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) {
    const d = b[i + k];
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

function decodeSeq(b: Uint8Array, i: number, n: number): number {
  let cp = b[i] & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k] & 0x3f);
  return cp;
}

/** Safe, unambiguous text for raw bytes from another process. */
export function escapeBytes(b: Uint8Array, start: number = 0, end: number = b.length): string {
  // Fast path: printable ASCII without a backslash.
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c < 0x20 || c > 0x7e || c === 0x5c) { plain = false; break; }
  }
  if (plain) return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
  let s = '';
  for (let i = start; i < end; ) {
    const c = b[i];
    if (c < 0x80) {
      if (c < 0x20 || c === 0x7f) s += '\\x' + hex2(c);
      else if (c === 0x5c) s += '\\\\';
      else s += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = utf8SeqLen(b, i, end);
    if (n === 0) {
      s += '\\x' + hex2(c);
      i++;
      continue;
    }
    const cp = decodeSeq(b, i, n);
    if ((cp >= 0x80 && cp <= 0x9f) || isSpoofingCodePoint(cp)) s += u4(cp);
    else s += String.fromCodePoint(cp);
    i += n;
  }
  return s;
}

/** escapeBytes for a JS string holding one byte per char (latin1), e.g. argv text. */
export function escapeText(s: string): string {
  return escapeBytes(Buffer.from(s, 'utf8'));
}

/**
 * net-tools' rule for the PID/Program name column (its CVE-2024-58251 fix):
 * every byte outside printable ASCII becomes '.'.
 */
export function dotUnprintable(b: Uint8Array, start: number = 0, end: number = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return s;
}

const QUOTE_MAX = 200;

/**
 * A user-given string (an argument, a path) quoted for a one-line message:
 * JSON.stringify escapes C0, '"' and '\', but passes DEL, C1 and the bidi and
 * line-separator code points through raw; those become \uHHHH too. Strings
 * longer than QUOTE_MAX characters are cut, with "..." inside the quotes.
 */
export function quoteText(s: string): string {
  const cut = s.length > QUOTE_MAX ? s.slice(0, QUOTE_MAX) + '...' : s;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => u4(c.charCodeAt(0)));
}
