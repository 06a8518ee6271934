// Decoding and printing of the addresses in /proc/net/{tcp,udp,raw}{,6}.
import { hexDigit } from './bytes';
import { ByteOrder } from './endian';

/**
 * Decodes the hex address at buf[start, start + 8*words) into `out` (4 or 16
 * bytes, network order). Returns false on a non-hex digit.
 *
 * BYTE ORDER. The kernel prints each 32-bit word of the address with %08X, as
 * the CPU reads it from memory (tcp4_seq_show / get_tcp6_sock: `src->s6_addr32[i]`).
 * The address bytes sit in network order in memory, so:
 *   - a little-endian writer prints 127.0.0.1 as "0100007F": the word's least
 *     significant byte (the last two digits) is the first address byte;
 *   - a big-endian writer prints it as "7F000001": digits in address order.
 * IPv6 is four such words, in order, each in the writer's byte order. Ports are
 * printed with %04X from a host-order value and need no swapping.
 */
export function decodeAddress(buf: Uint8Array, start: number, words: number, order: ByteOrder, out: Uint8Array): boolean {
  for (let w = 0; w < words; w++) {
    const p = start + w * 8;
    for (let b = 0; b < 4; b++) {
      const hi = hexDigit(buf[p + b * 2]);
      const lo = hexDigit(buf[p + b * 2 + 1]);
      if (hi < 0 || lo < 0) return false;
      // b counts the printed byte pairs from the most significant one.
      const at = order === 'le' ? w * 4 + (3 - b) : w * 4 + b;
      out[at] = (hi << 4) | lo;
    }
  }
  return true;
}

/** Dotted quad of 4 bytes from `off`. */
export function formatIPv4(bytes: Uint8Array, off: number = 0): string {
  return bytes[off] + '.' + bytes[off + 1] + '.' + bytes[off + 2] + '.' + bytes[off + 3];
}

/** True when 16 bytes are ::ffff:a.b.c.d. */
export function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** True when every byte of the first n is zero. */
export function isZero(b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Text form of 16 bytes per RFC 5952: lower-case hex, no leading zeros, the
 * longest run (the first of equal runs) of two or more zero groups shown as
 * "::", and IPv4-mapped addresses as ::ffff:a.b.c.d (section 5).
 */
export function formatIPv6(b: Uint8Array): string {
  if (isV4Mapped(b)) return '::ffff:' + formatIPv4(b, 12);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += groups[i].toString(16);
  }
  return s;
}
