import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { pooledRandom } from './pooled-random.js';

describe('pooledRandom', () => {
  it('gives values in [0, 1) on a 1/256 grid, refilling its pool, so ulid ids stay unique and ascending', () => {
    const random = pooledRandom();
    const seen = new Set<number>();
    for (let index = 0; index < 20_000; index++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      expect(Number.isInteger(value * 256)).toBe(true);
      seen.add(value);
    }
    // 20,000 draws span several pool refills and hit (nearly) every byte value.
    expect(seen.size).toBeGreaterThan(250);
    const nextId = monotonicFactory(pooledRandom());
    const ids = Array.from({ length: 5_000 }, (_, index) => nextId(1_764_000_000_000 + Math.floor(index / 3)));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
