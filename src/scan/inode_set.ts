// The socket inodes a selective query looks for.
//
// A query for a busy port may match hundreds of thousands of rows. As a
// Set of inode strings they took a heap that grows with them (the strings and
// the Set's table, which V8 grows by copying), and Node 10 on a small board's
// heap ran out growing it (docs/design.md). Here an inode that is a plain decimal below 2^32, as every
// kernel makes them, is a slot in an open-addressing table of 32-bit numbers:
// 4-8 bytes each. Any other text is kept as it is, in a Set.
import { isPlainDecimal } from '../text/bytes';

/** The largest inode the kernels make today (they are unsigned long; 32-bit in practice). */
export const MAX_INODE = 4294967295;

/** What the scans ask of the wanted inodes: membership by text (a Set<string> is one). */
export interface Inodes {
  has(inode: string): boolean;
  readonly size: number;
}

/** The number of a plain decimal inode below 2^32, or -1 (leading zeros, longer, not digits). */
export function inodeNumber(inode: string): number {
  const n = +inode;
  return n <= MAX_INODE && isPlainDecimal(inode) ? n : -1;
}

export class InodeSet implements Inodes {
  /** Numbers in the table, plus one (0 marks a free slot); 2^32 - 1, whose key would not fit, is the flag `max`. */
  private slots = new Uint32Array(64);
  /** 32 - log2(slots.length): a key's home slot is the top bits of its hash. */
  private shift = 26;
  private used = 0;
  private max = false;
  private other: Set<string> | null = null;
  size = 0;

  static of(inodes: Iterable<string>): InodeSet {
    const s = new InodeSet();
    for (const i of inodes) s.add(i);
    return s;
  }

  add(inode: string): void {
    const n = inodeNumber(inode);
    if (n === MAX_INODE) {
      if (!this.max) this.size++;
      this.max = true;
      return;
    }
    if (n < 0) {
      if (this.other === null) this.other = new Set<string>();
      if (!this.other.has(inode)) {
        this.other.add(inode);
        this.size++;
      }
      return;
    }
    if (this.insert(n + 1)) {
      this.size++;
      // At most half full, so a miss ends soon.
      if (++this.used * 2 > this.slots.length) this.grow();
    }
  }

  has(inode: string): boolean {
    const n = inodeNumber(inode);
    if (n < 0) return this.other !== null && this.other.has(inode);
    return this.hasNumber(n);
  }

  /** Whether the inode numbered n (0 to 2^32 - 1) is in the set. */
  hasNumber(n: number): boolean {
    if (n === MAX_INODE) return this.max;
    const slots = this.slots;
    const mask = slots.length - 1;
    const k = n + 1;
    for (let i = home(k, this.shift); slots[i] !== 0; i = (i + 1) & mask) if (slots[i] === k) return true;
    return false;
  }

  /** Puts key k (inode + 1); false when it was there. */
  private insert(k: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = home(k, this.shift);
    for (; slots[i] !== 0; i = (i + 1) & mask) if (slots[i] === k) return false;
    slots[i] = k;
    return true;
  }

  private grow() {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.shift--;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.insert(old[i]);
  }
}

/** Fibonacci hashing of a 32-bit key: the top bits of k * 2^32/phi (the low bits of a product mix poorly). */
function home(k: number, shift: number): number {
  return Math.imul(k, 0x9e3779b1) >>> shift;
}
