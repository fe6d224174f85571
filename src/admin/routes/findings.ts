// A record's near-duplicates, from the background scan's MinHash bands (privacy/scan-record.ts):
//   GET /api/exchanges/:id/near-duplicates?threshold=0.8
// The records the export's near-dedup (export/dedup/deduplicate-records.ts) would group with this
// one: the same LSH band keys as candidates, then the estimated similarity of the whole signature
// at or above the threshold (the export's default unless given). The list's findings marks and
// filter are on the list endpoints (ListItem.findings, ?findings=).
import { z } from 'zod';
import { DEFAULT_DEDUP } from '../../export/dedup/deduplicate-records.js';
import { storedSimilarity } from '../../privacy/scan-record.js';
import { AdminError } from '../admin-error.js';
import type { NearDuplicate, NearDuplicatesResponse } from '../api-types.js';
import { parseQuery } from '../parse-request.js';
import { refuseUnknownParams } from '../query-params.js';
import type { Route } from '../router.js';

/** Candidates compared at most (a template sent ten thousand times fills its buckets). */
const MAX_CANDIDATES = 2_000;
/** Near-duplicates listed at most, most similar first. */
const MAX_LISTED = 100;

const querySchema = z.object({
  threshold: z
    .string()
    .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/u, 'expected a number from 0 to 1')
    .transform(Number)
    .pipe(z.number().gt(0, 'expected a number above 0'))
    .optional(),
});

export const findingsRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/exchanges\/([^/]+)\/near-duplicates$/u,
    async handle({ params, query, deps }) {
      refuseUnknownParams(query, ['threshold']);
      const { threshold = DEFAULT_DEDUP.threshold } = parseQuery(querySchema, query);
      const id = params[0]!;
      const record = await deps.store.get(id);
      if (record === null) throw new AdminError('not_found', `no record with id ${id} (it may have been deleted)`);
      const near = await deps.store.nearDuplicateCandidates(id, MAX_CANDIDATES);
      const body: NearDuplicatesResponse = { id, scanned: near !== null, threshold, items: [] };
      if (near === null || near.signature === null) return { body };
      const own = near.signature;
      const similar = near.candidates
        .map((candidate) => ({ id: candidate.id, similarity: storedSimilarity(own, candidate.signature) }))
        .filter((candidate): candidate is { id: string; similarity: number } => candidate.similarity !== null && candidate.similarity >= threshold)
        .sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? 1 : -1))
        .slice(0, MAX_LISTED);
      for (const candidate of similar) {
        const summary = (await deps.store.listSummaries({ throughId: candidate.id }, { limit: 1 })).items[0];
        if (summary === undefined || summary.id !== candidate.id) continue;
        const item: NearDuplicate = {
          id: summary.id,
          similarity: candidate.similarity,
          startedAt: summary.startedAt,
          model: summary.model,
          reviewState: summary.reviewState,
          threadId: summary.threadId,
          preview: summary.preview,
        };
        body.items.push(item);
      }
      return { body };
    },
  },
];
