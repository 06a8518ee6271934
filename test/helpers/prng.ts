// A small seeded PRNG (mulberry32) for the fuzzers: the same seed gives the
// same cases on every machine, so a failure is reproduced from its seed.
export class Rng {
  private s: number;
  constructor(public readonly seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** The seed to use: FUZZ_SEED from the environment, else `fallback`. */
export function seedFromEnv(fallback: number): number {
  if (!process.env.FUZZ_SEED) return fallback;
  const v = Number(process.env.FUZZ_SEED);
  return Number.isInteger(v) && v >= 0 ? v : fallback;
}
