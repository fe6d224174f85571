// The review UI's "will it export, and if not why" for one record, from the export's own pipeline
// (export-records.ts judgeRecord: the same reading, repair, validators and reason codes as
// `llm-proxy-sharegpt export`). Only chat exchanges are exported; others say so with the code the
// export would give them.
import type { StoredExchange } from '../capture/exchange.js';
import { judgeRecord } from '../export/export-records.js';
import { EXPORT_FORMATS, type ExportVerdict, type FormatVerdict } from './api-types.js';

export function exportVerdictOf(record: StoredExchange): ExportVerdict {
  const formats = {} as Record<(typeof EXPORT_FORMATS)[number], FormatVerdict>;
  if (record.apiKind !== 'chat') {
    const reasons = [{ code: 'no-conversation', message: `an ${record.apiKind} exchange: the export takes chat exchanges only` }];
    for (const format of EXPORT_FORMATS) formats[format] = { valid: false, reasons };
    return { exportable: false, reasons, formats };
  }
  for (const row of judgeRecord(record, EXPORT_FORMATS)) formats[row.format] = { valid: row.valid, reasons: row.reasons };
  return { exportable: formats.sharegpt.valid, reasons: formats.sharegpt.reasons, formats };
}
