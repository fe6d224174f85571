// A PRNG for ulid's monotonicFactory that draws its random bytes from a pool filled 4 KiB at a
// time: ulid's own draws one crypto.getRandomValues call per character (16 per id), which cost
// about 6 µs per recorded exchange (measured: bench/lib/id-cost.ts). Same source (the OS CSPRNG),
// one call per 4,096 bytes.
import { getRandomValues } from 'node:crypto';

const POOL_BYTES = 4_096;

/** Returns numbers in [0, 1) with 8 bits of randomness each, as ulid's default PRNG does. */
export function pooledRandom(): () => number {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      getRandomValues(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}
