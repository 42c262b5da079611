/**
 * A small seeded pseudo-random generator (mulberry32) for synthetic data: the same seed gives the same
 * sequence on every machine. Not for anything secret: use node:crypto for keys and salts.
 */
import { InvalidArgumentError } from "./errors";

export interface Prng {
  /** Next value, uniform in [0, 1), with 32 bits of randomness. */
  next(): number;
  /** Next integer, uniform in [min, max] (both inclusive, safe integers, max - min < 2^32). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `items`, each with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/** Checks that `seed` is a uint32, the seed space of mulberry32. */
export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new InvalidArgumentError("seed", "an integer from 0 to 4294967295", String(seed));
  }
}

/** mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32. */
export function mulberry32(seed: number): Prng {
  checkSeed(seed);
  let state = seed;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 0x1_0000_0000;
  return {
    next,
    int(min, max) {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min || max - min >= 0x1_0000_0000) {
        throw new InvalidArgumentError("range", "safe integers min <= max with max - min < 2^32", `[${min}, ${max}]`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    weighted(items) {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let pick = next() * total;
      for (const [item, weight] of items) {
        pick -= weight;
        if (pick < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new InvalidArgumentError("items", "at least one weighted item", "none");
      return last[0];
    },
  };
}
