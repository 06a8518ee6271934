// Which byte order the kernel that wrote a /proc/net table used.
// The tables print 32-bit words with %08X as the CPU holds them in memory, so
// decoding an address needs the writer's byte order: this CPU's by default, or
// the other one when reading a snapshot taken on a machine of the other kind.

export type ByteOrder = 'le' | 'be';

/** This CPU's byte order, from how it stores a 16-bit value (no 'os' module). */
export function hostByteOrder(): ByteOrder {
  const probe = new Uint16Array([0x0102]);
  return new Uint8Array(probe.buffer)[0] === 0x02 ? 'le' : 'be';
}

/** Accepts the spellings of --byte-order. Returns null for anything else. */
export function parseByteOrder(s: string): ByteOrder | null {
  const v = s.toLowerCase();
  if (v === 'le' || v === 'little' || v === 'little-endian') return 'le';
  if (v === 'be' || v === 'big' || v === 'big-endian') return 'be';
  return null;
}
