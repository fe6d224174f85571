// The review UI's "will it export, and if not why" for one record, from the export's own pipeline
// (export-records.ts judgeRecord: the same reading, repair, validators and reason codes as
// `llm-proxy-sharegpt export`). Only chat exchanges are exported; others say so with the code the
// export would give them.
import type { StoredExchange } from '../capture/exchange.js';
import { judgeRecord } from '../export/export-records.js';
import { EXPORT_FORMATS, type ExportFormatName, type ExportVerdict, type FormatVerdict } from './api-types.js';

/** `formats`: which formats to judge (the list asks for ShareGPT only: judging is the cost of a page). */
export function exportVerdictOf(record: StoredExchange, which: readonly ExportFormatName[] = EXPORT_FORMATS): ExportVerdict {
  const formats: Partial<Record<ExportFormatName, FormatVerdict>> = {};
  const asked = which.includes('sharegpt') ? which : ['sharegpt' as const, ...which];
  if (record.apiKind !== 'chat') {
    const reasons = [{ code: 'no-conversation', message: `an ${record.apiKind} exchange: the export takes chat exchanges only` }];
    for (const format of asked) formats[format] = { valid: false, reasons };
    return { exportable: false, reasons, formats };
  }
  for (const row of judgeRecord(record, asked)) formats[row.format] = { valid: row.valid, reasons: row.reasons };
  const sharegpt = formats.sharegpt!;
  return { exportable: sharegpt.valid, reasons: sharegpt.reasons, formats };
}
