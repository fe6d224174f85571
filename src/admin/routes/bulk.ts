// Bulk actions on a selection (explicit ids, or all records matching a filter up to `throughId`):
//   POST /api/review   { state, ids } | { state, filter, throughId? }
//   POST /api/delete   { ids } | { filter, throughId? }
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import { REVIEW_STATES, type ChangedResponse, type DeletedResponse, type ReviewState, type Selection } from '../api-types.js';
import { readJsonBody } from '../http-io.js';
import { apiFilterSchema, parseBody, selectionSchema, toListFilter } from '../parse-request.js';
import type { Route } from '../router.js';

const id = z.string().min(1).max(64);
const reviewManySchema = z.union([
  z.strictObject({ state: z.enum(REVIEW_STATES), ids: z.array(id).max(10_000) }),
  z.strictObject({ state: z.enum(REVIEW_STATES), filter: apiFilterSchema, throughId: id.optional() }),
]);

async function review(store: Store, selection: Selection, state: ReviewState, now: number): Promise<number> {
  if ('ids' in selection) return store.setReviewState(selection.ids, state, now);
  return store.setReviewStateWhere(toListFilter(selection.filter, selection.throughId), state, now);
}

export const bulkRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/review$/u,
    async handle({ request, deps }) {
      const { state, ...selection } = parseBody(reviewManySchema, await readJsonBody(request));
      const body: ChangedResponse = { changed: await review(deps.store, selection, state, deps.now()) };
      return { body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/delete$/u,
    async handle({ request, deps }) {
      const selection = parseBody(selectionSchema, await readJsonBody(request));
      const deleted =
        'ids' in selection
          ? await deps.store.delete(selection.ids)
          : await deps.store.deleteWhere(toListFilter(selection.filter, selection.throughId));
      const body: DeletedResponse = { deleted };
      return { body };
    },
  },
];
