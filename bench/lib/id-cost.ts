// Microseconds per record id: ulid's default PRNG against the pooled one the recorder uses.
// Run: node dist-bench/bench/lib/id-cost.js
import { monotonicFactory } from 'ulid';
import { pooledRandom } from '../../src/capture/pooled-random.js';

function microsecondsPerId(nextId: (time: number) => string, count: number): number {
  const started = performance.now();
  // Distinct times: a repeated millisecond would only increment the last id, drawing nothing.
  for (let index = 0; index < count; index++) nextId(1_764_000_000_000 + index);
  return ((performance.now() - started) * 1000) / count;
}

const count = 200_000;
for (let round = 0; round < 2; round++) {
  process.stdout.write(`ulid default PRNG: ${microsecondsPerId(monotonicFactory(), count).toFixed(2)} µs/id; pooled: ${microsecondsPerId(monotonicFactory(pooledRandom()), count).toFixed(2)} µs/id\n`);
}
