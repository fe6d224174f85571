// One record at a time, and the list:
//   GET    /api/exchanges                 list (filter, keyset pagination, newest or oldest first)
//   GET    /api/exchanges/:id             one record with its bodies and ShareGPT rows
//   POST   /api/exchanges/:id/review      set its review state
//   PUT    /api/exchanges/:id/sharegpt    store (or with null revert) the edited ShareGPT row
//   DELETE /api/exchanges/:id             delete it
import { z } from 'zod';
import { isFunctionCallOnly } from '../../training/is-function-call-only.js';
import { AdminError } from '../admin-error.js';
import { REVIEW_STATES, type ChangedResponse, type DeletedResponse, type EditRequest, type EditResponse, type ExchangeDetail, type ListResponse, type ReviewOneRequest } from '../api-types.js';
import { readJsonBody } from '../http-io.js';
import { filterFromQuery, parseBody, parseQuery, recordIdParam, shareGptRowSchema, toListFilter } from '../parse-request.js';
import type { Route } from '../router.js';
import { findingsOfShareGptRow } from '../../privacy/row-findings.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** A list total stops counting here ("10,000+"): a common word may match a million records. */
export const TOTAL_CAP = 10_000;

const pageSchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/u, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  order: z.enum(['desc', 'asc']).optional(),
  cursor: recordIdParam.optional(),
});

const reviewOneSchema: z.ZodType<ReviewOneRequest> = z.strictObject({ state: z.enum(REVIEW_STATES) });
const editSchema: z.ZodType<EditRequest> = z.strictObject({ sharegpt: shareGptRowSchema.nullable() });

const ONE = /^\/api\/exchanges\/([^/]+)$/u;

export const exchangeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/exchanges$/u,
    async handle({ query, deps }) {
      const filter = toListFilter(filterFromQuery(query));
      const { limit = DEFAULT_PAGE_SIZE, order = 'desc', cursor } = parseQuery(pageSchema, pickPageParams(query));
      const page = await deps.store.listSummaries(filter, {
        limit,
        order,
        ...(cursor === undefined ? {} : order === 'asc' ? { after: cursor } : { before: cursor }),
      });
      let total: number | null = null;
      let totalIsLowerBound = false;
      let newestId: string | null = null;
      if (cursor === undefined) {
        newestId = (await deps.store.listSummaries(filter, { limit: 1 })).items[0]?.id ?? null;
        const counted = newestId === null ? { count: 0, capped: false } : await deps.store.countUpTo({ ...filter, throughId: newestId }, TOTAL_CAP);
        total = counted.count;
        totalIsLowerBound = counted.capped;
      }
      const body: ListResponse = { items: page.items, nextCursor: page.nextCursor, total, totalIsLowerBound, newestId };
      return { body };
    },
  },
  {
    method: 'GET',
    pattern: ONE,
    async handle({ params, deps }) {
      const record = await deps.store.get(params[0]!);
      if (record === null) throw notFound(params[0]!);
      const body: ExchangeDetail = {
        ...record,
        functionCallOnly: isFunctionCallOnly(record.editedSharegpt ?? record.sharegpt),
        privacy: await findingsOfShareGptRow(record.editedSharegpt ?? record.sharegpt),
      };
      return { body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/exchanges\/([^/]+)\/review$/u,
    async handle({ request, params, deps }) {
      const { state } = parseBody(reviewOneSchema, await readJsonBody(request));
      const changed = await deps.store.setReviewState([params[0]!], state, deps.now());
      if (changed === 0) throw notFound(params[0]!);
      const body: ChangedResponse = { changed };
      return { body };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/api\/exchanges\/([^/]+)\/sharegpt$/u,
    async handle({ request, params, deps }) {
      const { sharegpt } = parseBody(editSchema, await readJsonBody(request));
      if (!(await deps.store.setEditedShareGpt(params[0]!, sharegpt, isFunctionCallOnly(sharegpt)))) throw notFound(params[0]!);
      const body: EditResponse = { edited: sharegpt !== null };
      return { body };
    },
  },
  {
    method: 'DELETE',
    pattern: ONE,
    async handle({ params, deps }) {
      const deleted = await deps.store.delete([params[0]!]);
      if (deleted === 0) throw notFound(params[0]!);
      const body: DeletedResponse = { deleted };
      return { body };
    },
  },
];

function notFound(id: string): AdminError {
  return new AdminError('not_found', `no record with id ${id} (it may have been deleted)`);
}

function pickPageParams(query: URLSearchParams): URLSearchParams {
  const page = new URLSearchParams();
  for (const key of ['limit', 'order', 'cursor']) {
    const value = query.get(key);
    if (value !== null) page.set(key, value);
  }
  return page;
}
