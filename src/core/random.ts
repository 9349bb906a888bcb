/**
 * Randomness as a parameter: numbers in [0, 1), like Math.random(). Sync code takes one (retry
 * jitter) so that simulations can pass a seeded one; production passes Math.random.
 */
export type Random = () => number;

/**
 * A small seeded PRNG (mulberry32): one 32-bit seed reproduces every draw of a simulation.
 * Not cryptographic; fast and good enough for test data and fault draws.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An independent stream for a named purpose, so adding draws elsewhere changes nothing here. */
export function forkRandom(seed: number, purpose: string): Random {
  let hash = seed >>> 0;
  for (const char of purpose) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(hash);
}
