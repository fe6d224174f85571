// One record at a time, and the list:
//   GET    /api/exchanges                 list (filter, keyset pagination, newest or oldest first)
//   GET    /api/exchanges/:id             one record with its bodies and ShareGPT rows
//   POST   /api/exchanges/:id/review      set its review state
//   PUT    /api/exchanges/:id/sharegpt    store (or with null revert) the edited ShareGPT row
//   PUT    /api/exchanges/:id/annotation  the reviewer's note, tags and 1-5 rating (null removes them)
//   DELETE /api/exchanges/:id             delete it
import { derivedShareGptOf } from '../../capture/derive-stored.js';
import { z } from 'zod';
import { readRecord } from '../../export/read-record.js';
import { isFunctionCallOnly } from '../../training/is-function-call-only.js';
import { repairShareGptRow } from '../../training/repair-sharegpt-row.js';
import { validateShareGptRow } from '../../training/validate-sharegpt.js';
import type { ShareGptRow } from '../../training/sharegpt-types.js';
import { AdminError } from '../admin-error.js';
import { REVIEW_STATES, type ChangedResponse, type DeletedResponse, type EditRequest, type EditResponse, type ExchangeDetail, type AnnotationRequest, type AnnotationResponse, type ListItem, type ListResponse, type ReviewOneRequest } from '../api-types.js';
import { exportVerdictOf } from '../export-verdict.js';
import { readJsonBody } from '../http-io.js';
import { booleanParam, filterFromQuery, parseBody, parseQuery, recordIdParam, shareGptRowSchema, toListFilter } from '../parse-request.js';
import { FILTER_PARAMS, refuseUnknownParams } from '../query-params.js';
import { withVerdicts } from '../read-threads.js';
import type { Route } from '../router.js';
import type { ListFilter, Store } from '../../store/store.js';
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
  exportable: booleanParam.optional(),
});

export const PAGE_PARAMS = ['limit', 'order', 'cursor', 'exportable'];
/** Records read at most for one page filtered by `exportable` (each is read and judged). */
export const MAX_SCAN = 1_000;

const reviewOneSchema: z.ZodType<ReviewOneRequest> = z.strictObject({ state: z.enum(REVIEW_STATES) });
const editSchema: z.ZodType<EditRequest> = z.strictObject({ sharegpt: shareGptRowSchema.nullable() });
const annotationSchema: z.ZodType<AnnotationRequest> = z.strictObject({
  annotation: z
    .strictObject({
      note: z.string().max(20_000),
      tags: z.array(z.string().max(64)).max(50),
      rating: z.number().int().min(1).max(5).nullable(),
    })
    .nullable(),
});

const ONE = /^\/api\/exchanges\/([^/]+)$/u;

export const exchangeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/exchanges$/u,
    async handle({ query, deps }) {
      refuseUnknownParams(query, [...FILTER_PARAMS, ...PAGE_PARAMS]);
      const filter = toListFilter(filterFromQuery(query));
      const { limit = DEFAULT_PAGE_SIZE, order = 'desc', cursor, exportable } = parseQuery(pageSchema, pickPageParams(query));
      const page = await pageOfItems(deps.store, filter, { limit, order, cursor, exportable });
      let total: number | null = null;
      let totalIsLowerBound = false;
      let newestId: string | null = null;
      if (cursor === undefined) {
        newestId = (await deps.store.listSummaries(filter, { limit: 1 })).items[0]?.id ?? null;
        if (exportable === undefined) {
          const counted = newestId === null ? { count: 0, capped: false } : await deps.store.countUpTo({ ...filter, throughId: newestId }, TOTAL_CAP);
          total = counted.count;
          totalIsLowerBound = counted.capped;
        }
      }
      const body: ListResponse = { items: page.items, nextCursor: page.nextCursor, total, totalIsLowerBound, newestId };
      return { body };
    },
  },
  {
    method: 'GET',
    pattern: ONE,
    async handle({ params, query, deps }) {
      refuseUnknownParams(query, []);
      const record = await deps.store.get(params[0]!);
      if (record === null) throw notFound(params[0]!);
      const summary = (await deps.store.listSummaries({ throughId: record.id }, { limit: 1 })).items[0];
      // The store keeps no row of the current converter: the detail carries the one derived from the bodies.
      const sharegpt = derivedShareGptOf(record);
      const body: ExchangeDetail = {
        ...record,
        sharegpt,
        functionCallOnly: isFunctionCallOnly(record.editedSharegpt ?? sharegpt),
        edited: record.editedSharegpt !== null,
        preview: summary?.id === record.id ? summary.preview : '',
        export: exportVerdictOf(record),
        annotation: (await deps.store.annotationsOf([record.id])).get(record.id) ?? null,
        finishReason: readRecord(record).conversation?.finishReason?.unified ?? null,
        privacy: await findingsOfShareGptRow(record.editedSharegpt ?? sharegpt, deps.privacy?.allowlist),
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
      const record = await deps.store.get(params[0]!);
      if (record === null) throw notFound(params[0]!);
      if (sharegpt !== null) refuseBreakingEdit(derivedShareGptOf(record), sharegpt);
      if (!(await deps.store.setEditedShareGpt(params[0]!, sharegpt, sharegpt === null ? false : isFunctionCallOnly(sharegpt)))) throw notFound(params[0]!);
      // The store forgot the old row's scan; the new one comes first (privacy/record-scanner.ts).
      deps.scanner?.rescan([params[0]!]);
      const body: EditResponse = { edited: sharegpt !== null };
      return { body };
    },
  },
  {
    method: 'PUT',
    pattern: /^\/api\/exchanges\/([^/]+)\/annotation$/u,
    async handle({ request, params, deps }) {
      const { annotation } = parseBody(annotationSchema, await readJsonBody(request));
      if (!(await deps.store.setAnnotation(params[0]!, annotation, deps.now()))) throw notFound(params[0]!);
      const body: AnnotationResponse = { annotation: (await deps.store.annotationsOf([params[0]!])).get(params[0]!) ?? null };
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

/**
 * An edit the export would reject for a reason the original row did not have (a tool call edited
 * into invalid JSON, an emptied answer, a broken turn order) is refused with that reason, rather
 * than stored with the promise that it will be exported. Judged after the export's repairs.
 */
function refuseBreakingEdit(original: ShareGptRow | null, edited: ShareGptRow): void {
  const errorsOf = (row: unknown) => validateShareGptRow(repairShareGptRow(row).row).errors;
  const before = new Set(original === null ? [] : errorsOf(original).map((error) => error.code));
  const introduced = errorsOf(edited).filter((error) => !before.has(error.code));
  if (introduced.length === 0) return;
  throw new AdminError(
    'bad_request',
    `the edit is not saved: the export would drop the row (${introduced.map((error) => `${error.code}: ${error.message}`).join('; ')})`,
  );
}

async function pageOfItems(
  store: Store,
  filter: ListFilter,
  options: { limit: number; order: 'desc' | 'asc'; cursor: string | undefined; exportable: boolean | undefined },
): Promise<{ items: ListItem[]; nextCursor: string | null }> {
  const range = (cursor: string | undefined) => (cursor === undefined ? {} : options.order === 'asc' ? { after: cursor } : { before: cursor });
  if (options.exportable === undefined) {
    const page = await store.listSummaries(filter, { limit: options.limit, order: options.order, ...range(options.cursor) });
    return { items: await withVerdicts(store, page.items), nextCursor: page.nextCursor };
  }
  // Exportability is judged on the bodies, not a column: read pages and keep what matches, up to
  // MAX_SCAN records per answer (the cursor then says where to go on).
  const items: ListItem[] = [];
  let cursor = options.cursor;
  let scanned = 0;
  for (;;) {
    const page = await store.listSummaries(filter, { limit: options.limit, order: options.order, ...range(cursor) });
    for (const item of await withVerdicts(store, page.items)) {
      scanned += 1;
      cursor = item.id;
      if (item.export.exportable !== options.exportable) continue;
      items.push(item);
      if (items.length >= options.limit) return { items, nextCursor: item.id };
    }
    if (page.nextCursor === null) return { items, nextCursor: null };
    if (scanned >= MAX_SCAN) return { items, nextCursor: cursor ?? null };
  }
}

function pickPageParams(query: URLSearchParams): URLSearchParams {
  const page = new URLSearchParams();
  for (const key of PAGE_PARAMS) {
    const value = query.get(key);
    if (value !== null) page.set(key, value);
  }
  return page;
}
