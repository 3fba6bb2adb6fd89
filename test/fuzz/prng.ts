/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives
 * the same sequence on every machine, so a fuzz run that failed can be
 * played again with its seed.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of a fuzz run: PSEUD_FUZZ_SEED when set (to play a run again), else a fresh one. */
export function fuzzSeed(): number {
  const fromEnv = process.env.PSEUD_FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv !== "") return Number(fromEnv) >>> 0;
  return (Math.random() * 2 ** 32) >>> 0;
}

/** How many hostile messages a fuzz run sends: PSEUD_FUZZ_MESSAGES when set, else `fallback`. */
export function fuzzMessages(fallback: number): number {
  const fromEnv = Number(process.env.PSEUD_FUZZ_MESSAGES);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}
