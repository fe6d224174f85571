// GET /api/export?format=sharegpt&<filter>: the valid rows of one export format for the records
// matching the filter, streamed as a JSONL download (export/export-rows.ts does the selection,
// repair and validation; invalid rows are left out, as in the CLI's valid file; secrets redacted
// as by the CLI's default, export/clean-export-item.ts). The review state
// filter (`state`) is the export's status; without it every state is exported.
// Options as in `llm-proxy-sharegpt export`: threads=longest|all, reasoning=keep|drop,
// toolsSchema=auto|yes|no|derive, truncateObservation=N, limit=N, modelGlob=GLOB, onlyFunctionCallOnly=true.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { z } from 'zod';
import { createRowCleaning } from '../../export/clean-export-item.js';
import { countExport, type OperationOutcome } from '../../metrics/operation-counters.js';
import { exportRows, type ExportRowOptions } from '../../export/export-rows.js';
import { EXPORT_FORMATS } from '../api-types.js';
import { API_HEADERS } from '../http-io.js';
import { booleanParam, filterFromQuery, integerParam, parseQuery, toListFilter } from '../parse-request.js';
import type { Route } from '../router.js';

const EXPORT_PARAMS = ['format', 'threads', 'reasoning', 'toolsSchema', 'truncateObservation', 'limit', 'modelGlob', 'onlyFunctionCallOnly'];

const exportParamsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
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

export const exportRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/export$/u,
    async handle({ query, response, deps }) {
      const apiFilter = filterFromQuery(query);
      const params = parseQuery(exportParamsSchema, new URLSearchParams([...query].filter(([key]) => EXPORT_PARAMS.includes(key))));
      const { format } = params;
      const options: ExportRowOptions = { formats: [format], filter: toListFilter(apiFilter), status: apiFilter.state ?? 'all' };
      if (params.threads !== undefined) options.threads = params.threads;
      if (params.reasoning !== undefined) options.reasoning = params.reasoning;
      if (params.toolsSchema !== undefined) options.toolsSchema = params.toolsSchema;
      if (params.truncateObservation !== undefined) options.truncateObservation = params.truncateObservation;
      if (params.limit !== undefined) options.limit = params.limit;
      if (params.modelGlob !== undefined) options.modelGlob = params.modelGlob;
      if (params.onlyFunctionCallOnly !== undefined) options.onlyFunctionCallOnly = params.onlyFunctionCallOnly;
      const rows = exportRows(deps.store, options);
      const clean = createRowCleaning();
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
