// Conversations recorded as successive requests, reviewed as one item (read-threads.ts):
//   GET /api/threads?<filter>&limit&order&cursor&exportable   one row per thread, newest first
//   GET /api/threads/:threadId                                 every record of the thread, oldest first
import { z } from 'zod';
import { AdminError } from '../admin-error.js';
import type { ThreadDetail, ThreadListResponse } from '../api-types.js';
import { booleanParam, filterFromQuery, parseQuery, toListFilter } from '../parse-request.js';
import { FILTER_PARAMS, refuseUnknownParams } from '../query-params.js';
import { readThreadDetail, readThreadPage } from '../read-threads.js';
import type { Route } from '../router.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_SCAN, PAGE_PARAMS } from './exchanges.js';

const pageSchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/u, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  order: z.enum(['desc', 'asc']).optional(),
  cursor: z.string().min(1).max(64).optional(),
  exportable: booleanParam.optional(),
});

export const threadRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/threads$/u,
    async handle({ query, deps }) {
      refuseUnknownParams(query, [...FILTER_PARAMS, ...PAGE_PARAMS]);
      const filter = toListFilter(filterFromQuery(query));
      const paging = new URLSearchParams([...query].filter(([key]) => PAGE_PARAMS.includes(key)));
      const { limit = DEFAULT_PAGE_SIZE, order = 'desc', cursor, exportable } = parseQuery(pageSchema, paging);
      const page = await readThreadPage(deps.store, filter, {
        limit,
        order,
        maxScan: MAX_SCAN,
        ...(cursor === undefined ? {} : { cursor }),
        ...(exportable === undefined ? {} : { exportable }),
      });
      let total: number | null = null;
      let newestId: string | null = null;
      if (cursor === undefined) {
        newestId = (await deps.store.listSummaries(filter, { limit: 1 })).items[0]?.id ?? null;
        if (exportable === undefined) total = newestId === null ? 0 : await deps.store.countThreads({ ...filter, throughId: newestId });
      }
      const body: ThreadListResponse = { items: page.items, nextCursor: page.nextCursor, total, newestId };
      return { body };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/threads\/([^/]+)$/u,
    async handle({ params, query, deps }) {
      refuseUnknownParams(query, []);
      const detail = await readThreadDetail(deps.store, params[0]!);
      if (detail === null) throw new AdminError('not_found', `no thread with id ${params[0]!} (its records may have been deleted)`);
      const body: ThreadDetail = detail;
      return { body };
    },
  },
];
