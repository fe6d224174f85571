// GET /api/export?format=sharegpt&<filter>: the valid rows of one export format for the records
// matching the filter, streamed as a JSONL download (export/export-rows.ts does the selection,
// repair and validation; invalid rows are left out, as in the CLI's valid file; secrets redacted
// as by the CLI's default, export/clean-export-item.ts). As the CLI's --status: `status`
// (confirmed|rejected|pending|all), else the filter's `state`, else confirmed.
// GET /api/export/preview with the same parameters: what that download writes and leaves out, why.
// Options as in `llm-proxy-sharegpt export`: threads=longest|all, reasoning=keep|drop,
// toolsSchema=auto|yes|no|derive, truncateObservation=N, limit=N, modelGlob=GLOB, onlyFunctionCallOnly=true.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { z } from 'zod';
import { EXPORT_REASONS } from '../../export/export-reasons.js';
import { exportRecords, newExportStats } from '../../export/export-records.js';
import { createRowCleaning } from '../../export/clean-export-item.js';
import { countExport, type OperationOutcome } from '../../metrics/operation-counters.js';
import { exportRows, type ExportRowOptions } from '../../export/export-rows.js';
import { OPENAI_REASONS } from '../../training/validate-openai-ft.js';
import { SHAREGPT_REASONS } from '../../training/validate-sharegpt.js';
import { AdminError } from '../admin-error.js';
import { EXPORT_FORMATS, type ApiFilter, type ExportPreview } from '../api-types.js';
import { FILTER_PARAMS, refuseUnknownParams } from '../query-params.js';
import type { AdminDeps } from '../router.js';
import { API_HEADERS } from '../http-io.js';
import { booleanParam, filterFromQuery, integerParam, parseQuery, toListFilter } from '../parse-request.js';
import type { Route } from '../router.js';

const EXPORT_PARAMS = ['format', 'status', 'threads', 'reasoning', 'toolsSchema', 'truncateObservation', 'limit', 'modelGlob', 'onlyFunctionCallOnly'];

const exportParamsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  status: z.enum(['confirmed', 'rejected', 'pending', 'all']).optional(),
  threads: z.enum(['longest', 'all']).optional(),
  reasoning: z.enum(['keep', 'drop']).optional(),
  toolsSchema: z.enum(['auto', 'yes', 'no', 'derive']).optional(),
  truncateObservation: integerParam.optional(),
  limit: integerParam.optional(),
  modelGlob: z.string().max(200).optional(),
  onlyFunctionCallOnly: booleanParam.optional(),
});

/** Writes one chunk, waiting for the socket to drain when its buffer is full. False once the client is gone. */
async function write(response: ServerResponse, chunk: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
  return !response.destroyed;
}

type ExportParams = z.infer<typeof exportParamsSchema>;

function exportOptionsOf(query: URLSearchParams): { options: ExportRowOptions; format: ExportParams['format']; apiFilter: ApiFilter } {
  refuseUnknownParams(query, [...FILTER_PARAMS, ...EXPORT_PARAMS]);
  const apiFilter = filterFromQuery(query);
  const params = parseQuery(exportParamsSchema, new URLSearchParams([...query].filter(([key]) => EXPORT_PARAMS.includes(key))));
  const { format } = params;
  if (params.status !== undefined && apiFilter.state !== undefined && params.status !== 'all' && params.status !== apiFilter.state) {
    throw new AdminError('bad_request', `status=${params.status} and state=${apiFilter.state} select nothing together; give one of them`);
  }
  const { state: _state, ...rest } = apiFilter;
  const status = params.status ?? apiFilter.state ?? 'confirmed';
  const options: ExportRowOptions = { formats: [format], filter: toListFilter(rest), status };
  if (params.threads !== undefined) options.threads = params.threads;
  if (params.reasoning !== undefined) options.reasoning = params.reasoning;
  if (params.toolsSchema !== undefined) options.toolsSchema = params.toolsSchema;
  if (params.truncateObservation !== undefined) options.truncateObservation = params.truncateObservation;
  if (params.limit !== undefined) options.limit = params.limit;
  if (params.modelGlob !== undefined) options.modelGlob = params.modelGlob;
  if (params.onlyFunctionCallOnly !== undefined) options.onlyFunctionCallOnly = params.onlyFunctionCallOnly;
  return { options, format, apiFilter };
}

const DESCRIPTIONS: Record<string, string> = {
  ...EXPORT_REASONS,
  ...Object.fromEntries(Object.entries(SHAREGPT_REASONS).map(([code, { description }]) => [code, description])),
  ...Object.fromEntries(Object.entries(OPENAI_REASONS).map(([code, value]) => [code, typeof value === 'string' ? value : (value as { description: string }).description])),
  'image-not-local':
    'the row has images: a download from the review UI writes no image files, so LLaMA-Factory could not open them (run `llm-proxy-sharegpt export`, which saves them under media/)',
};
const IDS_PER_REASON = 20;

async function previewExport(deps: AdminDeps, options: ExportRowOptions, format: ExportParams['format']): Promise<ExportPreview> {
  const stats = newExportStats();
  const dropped = new Map<string, { count: number; ids: string[] }>();
  let rows = 0;
  // The download's own cleaning (secrets redacted, or the row dropped when the policy says so).
  const clean = createRowCleaning(deps.privacy);
  for await (const item of exportRecords(deps.store, options, {}, stats)) {
    for (const built of item.rows) {
      if (built.format !== format) continue;
      const row = built.valid ? await clean(built) : built;
      if (row.valid) {
        rows += 1;
        continue;
      }
      // A row is counted once, under its first reason (the one to fix first).
      const code = row.reasons[0]?.code ?? 'unknown';
      const entry = dropped.get(code) ?? { count: 0, ids: [] };
      entry.count += 1;
      if (entry.ids.length < IDS_PER_REASON) entry.ids.push(row.id);
      dropped.set(code, entry);
    }
  }
  const chat = { ...options.filter, apiKind: options.filter.apiKind ?? 'chat' };
  const otherStates = options.status === 'all' ? 0 : (await deps.store.count(chat)) - (await deps.store.count({ ...chat, reviewState: options.status }));
  return {
    status: options.status,
    format,
    records: stats.recordsRead,
    rows,
    dropped: [...dropped]
      .map(([code, entry]) => ({ code, count: entry.count, description: DESCRIPTIONS[code] ?? code, ids: entry.ids }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    threadsCollapsed: stats.threadsCollapsed,
    otherStates,
  };
}

export const exportRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/export\/preview$/u,
    async handle({ query, deps }) {
      const { options, format } = exportOptionsOf(query);
      return { body: await previewExport(deps, options, format) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/export$/u,
    async handle({ query, response, deps }) {
      const { options, format } = exportOptionsOf(query);
      const rows = exportRows(deps.store, options);
      const clean = createRowCleaning(deps.privacy);
      // Read the first row before answering, so a failure to start is a JSON error, not a broken file.
      let next = await rows.next();
      const day = new Date(deps.now()).toISOString().slice(0, 10);
      response.writeHead(200, {
        ...API_HEADERS,
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="llm-proxy-sharegpt-${format}-${day}.jsonl"`,
      });
      let outcome: OperationOutcome = 'failed';
      try {
        outcome = 'aborted';
        while (!next.done) {
          const row = next.value.valid && next.value.format === format ? await clean(next.value) : next.value;
          if (row.valid && row.format === format && !(await write(response, `${JSON.stringify(row.row)}\n`))) break;
          next = await rows.next();
        }
        if (next.done) outcome = 'ok';
      } catch (error) {
        outcome = 'failed';
        throw error;
      } finally {
        countExport(format, outcome);
        await rows.return(undefined);
      }
      response.end();
      return undefined;
    },
  },
];
