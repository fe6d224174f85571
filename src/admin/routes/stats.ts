// GET /api/stats?<filter>&bucket=<ms>&tz=<minutes east of UTC>: aggregates for the stats view.
// GET /api/facets: the models and domains the filter menus offer.
import { z } from 'zod';
import type { FacetsResponse, StatsResponse } from '../api-types.js';
import { filterFromQuery, parseQuery, toListFilter } from '../parse-request.js';
import { FILTER_PARAMS, refuseUnknownParams } from '../query-params.js';
import type { Route } from '../router.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKET_WIDTHS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
];
/** Most buckets a chart gets when the width is chosen for it (bars stay wide enough to read). */
const TARGET_BUCKETS = 72;

const statsParamsSchema = z.object({
  bucket: z
    .string()
    .regex(/^\d{1,12}$/u, 'expected milliseconds')
    .transform(Number)
    .pipe(z.number().int().min(MINUTE))
    .optional(),
  tz: z
    .string()
    .regex(/^-?\d{1,4}$/u, 'expected minutes east of UTC')
    .transform(Number)
    .pipe(z.number().int().min(-16 * 60).max(16 * 60))
    .optional(),
});

/** The narrowest bucket that keeps the range under TARGET_BUCKETS buckets (a day when the range is open). */
export function chooseBucketMs(since: number | undefined, until: number): number {
  if (since === undefined) return DAY;
  const range = Math.max(0, until - since);
  return BUCKET_WIDTHS.find((width) => range / width <= TARGET_BUCKETS) ?? BUCKET_WIDTHS[BUCKET_WIDTHS.length - 1]!;
}

export const statsRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/stats$/u,
    async handle({ query, deps }) {
      refuseUnknownParams(query, [...FILTER_PARAMS, 'bucket', 'tz']);
      const apiFilter = filterFromQuery(query);
      const params = parseQuery(statsParamsSchema, new URLSearchParams([...query].filter(([key]) => key === 'bucket' || key === 'tz')));
      const bucketMs = params.bucket ?? chooseBucketMs(apiFilter.since, apiFilter.until ?? deps.now());
      const aggregates = await deps.store.aggregate(toListFilter(apiFilter), {
        bucketMs,
        offsetMs: (params.tz ?? 0) * MINUTE,
      });
      const body: StatsResponse = {
        ...aggregates,
        bucketMs,
        errorRate: aggregates.requests === 0 ? null : aggregates.errors / aggregates.requests,
      };
      return { body };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/facets$/u,
    async handle({ query, deps }) {
      refuseUnknownParams(query, []);
      const body: FacetsResponse = await deps.store.facets();
      return { body };
    },
  },
];
