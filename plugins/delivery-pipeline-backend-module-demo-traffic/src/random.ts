/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * A seeded random source (mulberry32): the same seed gives the same numbers,
 * for tests and reproducible demos.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function randomInt(random: RandomSource, min: number, max: number) {
  return min + Math.floor(random() * (max - min + 1));
}

/** One of `items`, uniformly. */
export function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** One of the items, with probability proportional to its weight. */
export function pickWeighted<T>(
  random: RandomSource,
  items: ReadonlyArray<readonly [T, number]>,
): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let at = random() * total;
  for (const [item, weight] of items) {
    at -= weight;
    if (at < 0) return item;
  }
  return items[items.length - 1][0];
}

/** A number between min and max, evenly spread over orders of magnitude. */
export function logUniform(random: RandomSource, min: number, max: number) {
  return Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min)));
}

/** A random UUID (version 4 layout) drawn from `random`. */
export function randomUuid(random: RandomSource): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  );
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(
    16,
    20,
  )}-${s.slice(20)}`;
}
