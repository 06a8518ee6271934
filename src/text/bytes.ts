// Byte-level helpers for parsing /proc text in place, without making strings.
// Every parser in src/ works on (buf, start, end) ranges of one line.

const SPACE = 0x20;
const TAB = 0x09;
export const CR = 0x0d;
export const COLON = 0x3a;

// The per-byte tests are table loads, not calls: on a small host the tables
// are parsed once, by V8's interpreter, where a call per byte is most of the
// cost.

/** Hex digit values by byte, -1 for the rest. */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) HEX[0x41 + c] = HEX[0x61 + c] = 10 + c;

/** 1 for the separators the kernel's tables use (and a stray CR). */
const BLANK = new Uint8Array(256);
BLANK[SPACE] = BLANK[TAB] = BLANK[CR] = 1;

/** Value of one ASCII hex digit, or -1. Accepts upper and lower case. */
export function hexDigit(c: number): number {
  const d = HEX[c]; // undefined past a byte, below 0 or between integers
  return d === undefined ? -1 : d;
}

/** True for the separators the kernel's tables use (and a stray CR). */
export function isBlank(c: number): boolean {
  return BLANK[c] === 1;
}

/** First index at or after i that is not blank (or end). */
export function skipBlanks(buf: Uint8Array, i: number, end: number): number {
  while (i < end && BLANK[buf[i]] === 1) i++;
  return i;
}

/** First index at or after i that is blank (or end): the end of a field. */
export function fieldEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end && BLANK[buf[i]] === 0) i++;
  return i;
}

/** True when buf[start, end) is all hex digits (true when empty). Like every parser here, end <= buf.length. */
export function isHex(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (HEX[buf[i]] < 0) return false;
  return true;
}

/**
 * Parses buf[start, end) as hex. Returns -1 when the range is empty, longer
 * than 13 digits (beyond exact doubles) or holds a non-hex byte.
 */
export function parseHex(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 13) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = HEX[buf[i]];
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * Parses buf[start, end) as an unsigned decimal. Returns -1 when empty, not
 * all digits, or past 2^53 (the caller keeps such values as text).
 */
export function parseDec(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/** True when buf[start, end) is one or more decimal digits. */
export function isDigits(buf: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** ASCII bytes to a string: only for ranges already checked to be ASCII. */
export function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/** "0".."999", and the same zero-padded to three digits, made once. */
const SMALL: string[] = [];
const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) {
  SMALL.push(String(i));
  PAD3.push((i < 10 ? '00' : i < 100 ? '0' : '') + i);
}

/**
 * The decimal text of a non-negative integer, as String(n) gives it, but
 * built from three-digit pieces. String(n) goes through V8's number-to-string
 * cache, which keeps each new string alive until a later number takes its
 * slot: with a unique inode or port on every row, each scavenge found many
 * such strings alive, and V8 grew the young generation to its cap on a big
 * listing (docs/design.md). These pieces die young.
 */
export function decimal(n: number): string {
  if (n < 1000) return n >= 0 && n === Math.floor(n) ? SMALL[n] : String(n);
  if (n > 9007199254740991 || n !== Math.floor(n)) return String(n);
  let s = '';
  while (n >= 1000) {
    const q = Math.floor(n / 1000);
    s = PAD3[n - q * 1000] + s;
    n = q;
  }
  return SMALL[n] + s;
}

/** True for the text String(n) gives some integer n >= 0: digits, no leading zero (so "+1", "1e3", "01" are not). */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 16 || (n > 1 && s.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
