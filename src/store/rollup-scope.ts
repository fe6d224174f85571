// Whether a store's rollups (per hour and over all time) answer a ListFilter exactly: every field
// set is one the rollups key on (`answerable`), and a time range falls on whole rollup buckets.
// Each store's rollup-filter.ts then turns the filter into its WHERE clause.
import { ROLLUP_BUCKET_MS } from './schema/migrations.js';
import type { ListFilter } from './store.js';

export function rollupsAnswer(filter: ListFilter, answerable: ReadonlySet<keyof ListFilter>): boolean {
  for (const [key, value] of Object.entries(filter) as Array<[keyof ListFilter, unknown]>) {
    if (value === undefined) continue;
    if (key === 'search' && typeof value === 'string' && value.trim() === '') continue;
    if (!answerable.has(key)) return false;
  }
  const onBucket = (time: number | undefined) => time === undefined || time % ROLLUP_BUCKET_MS === 0;
  return onBucket(filter.since) && onBucket(filter.until);
}
