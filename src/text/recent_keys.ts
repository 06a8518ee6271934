// A window of the last N keys, each two 32-bit halves: the table readers
// use it to drop rows that a chunked read of /proc showed twice.

/**
 * Remembers the last `limit` row keys, to drop rows a chunked read showed
 * twice. A key is two 32-bit halves (see rowKey). Nothing is allocated per
 * row: a ring of the keys and an open-addressing table of ring positions, in
 * typed arrays. (A Set of keys, rehashed as old keys left it, and the key
 * strings of TIME_WAIT rows, alive for the window, were promoted by V8 and
 * grew the heap on a big listing: docs/design.md.)
 */
export class RecentKeys {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** Ring position of each key, or -1: linear probing in a table 2-4 times the ring. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private next = 0;

  constructor(private limit: number) {
    const n = Math.max(1, limit);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    let size = 4;
    while (size < n * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** Adds the key (hi, lo); returns false when it is among the last `limit` keys already. */
  add(hi: number, lo: number): boolean {
    if (this.limit <= 0) return true;
    hi >>>= 0;
    lo >>>= 0;
    let i = this.home(hi, lo);
    for (let at = this.slots[i]; at >= 0; at = this.slots[i]) {
      if (this.hi[at] === hi && this.lo[at] === lo) return false;
      i = (i + 1) & this.mask;
    }
    if (this.count === this.limit) {
      this.remove(this.next);
      // The removal may have shifted entries: find the free slot again.
      i = this.home(hi, lo);
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
    } else {
      this.count++;
    }
    const at = this.next;
    this.hi[at] = hi;
    this.lo[at] = lo;
    this.slots[i] = at;
    this.next = (at + 1) % this.limit;
    return true;
  }

  private home(hi: number, lo: number): number {
    return (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 7) & this.mask;
  }

  /** Takes ring position `at` out of the table, shifting back the entries probed past it. */
  private remove(at: number) {
    const mask = this.mask;
    let i = this.home(this.hi[at], this.lo[at]);
    while (this.slots[i] !== at) i = (i + 1) & mask;
    // Backward-shift deletion: no tombstones, so lookups stay short.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = this.slots[j];
      if (e < 0) break;
      const h = this.home(this.hi[e], this.lo[e]);
      // e may move into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        this.slots[i] = e;
        i = j;
      }
    }
    this.slots[i] = -1;
  }
}
