// The export as rows, for any caller that wants them without files: the CLI (run-export.ts) and
// the review UI's download button. One ExportedRow per selected record and requested format,
// valid or not, in ascending id order, streamed from the store (constant memory).
//
// Selection: `status` (review state; `all`: every state, or the filter's own reviewState), `filter` (store ListFilter; only chat
// exchanges unless `filter.apiKind` says otherwise), `modelGlob` (picomatch, case-insensitive, `*`
// also matches "/"), `threads` (default `longest`: one record per conversation thread, its most
// complete and longest), `onlyFunctionCallOnly` (rows whose final turn is a function call),
// `limit` (at most that many records). Rows: `sharegpt` is the human-edited row when there is
// one, else the derived row, repaired (training/repair-sharegpt-row.ts); the OpenAI formats are
// derived from the recorded request and response bodies. A row is valid when it has no reason.
//
// Images: LLaMA-Factory opens local files only, and this function writes no file, so a ShareGPT
// row with images is invalid here (`image-not-local`); `llm-proxy-sharegpt export` saves them.
import type { ListFilter, Store } from '../store/store.js';
import { exportRecords } from './export-records.js';

export interface ExportRowOptions {
  formats: ExportFormat[];
  filter: ListFilter;
  status: 'confirmed' | 'rejected' | 'pending' | 'all';
  modelGlob?: string;
  limit?: number;
  onlyFunctionCallOnly?: boolean;
  truncateObservation?: number;
  toolsSchema?: 'auto' | 'yes' | 'no' | 'derive';
  reasoning?: 'keep' | 'drop';
  /** Keep Claude Code's `x-anthropic-billing-header: …` system line (removed by default: training/remove-billing-header.ts). */
  keepBillingHeader?: boolean;
  threads?: 'longest' | 'all';
}

export type ExportFormat = 'sharegpt' | 'openai-messages' | 'openai-ft';

export interface ExportedRow {
  id: string;
  format: ExportFormat;
  valid: boolean;
  row: unknown;
  reasons: Array<{ code: string; message: string }>;
  repairs: string[];
}

export async function* exportRows(store: Store, options: ExportRowOptions): AsyncGenerator<ExportedRow> {
  for await (const item of exportRecords(store, options)) {
    for (const { id, format, valid, row, reasons, repairs } of item.rows) {
      yield { id, format, valid, row, reasons, repairs };
    }
  }
}
