// Re-derives the training fields (ShareGPT row, turn count, tools and reasoning flags, search
// text) of stored records from their stored request and response bodies, after a converter
// upgrade (CONVERTER_VERSION). The stored response is already the provider's non-streaming shape (a
// stream was reassembled at capture), so the same derivation as at capture applies to it
// (derive-conversation.ts), with the stored record's own verdicts (format, status, cut off).
import type { StoredExchange } from './exchange.js';
import type { DerivedFields, Store } from '../store/store.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { trainingFieldsOf } from './derive-conversation.js';
import { derivationOf } from './derive-stored.js';
import { withListFields } from './process-exchange.js';

export function deriveAgain(record: StoredExchange): DerivedFields {
  const unchanged: DerivedFields = {
    sharegpt: null,
    converterVersion: CONVERTER_VERSION,
    turnCount: 0,
    hasTools: false,
    searchText: '',
    preview: '',
    functionCallOnly: false,
    responseReasoning: false,
  };
  const derivation = derivationOf(record);
  // A converter bug must not stop a rebuild: the record keeps no derived row, as capture does
  // (and its reasoning flag is unknown, so the export reads it).
  if (derivation === 'failed') return withListFields({ ...unchanged, responseReasoning: null });
  if (derivation === null) return withListFields(unchanged);
  const fields = trainingFieldsOf(derivation);
  return withListFields({
    sharegpt: fields.sharegpt,
    converterVersion: CONVERTER_VERSION,
    turnCount: fields.turnCount,
    hasTools: fields.hasTools,
    searchText: fields.searchText,
    preview: '',
    functionCallOnly: false,
    responseReasoning: fields.responseReasoning,
  });
}

export interface RebuildReport {
  read: number;
  rebuilt: number;
}

/** Rebuilds records derived by an older converter (or every record with `all`). Streams: constant memory. */
export async function rebuildDerived(store: Store, options: { all?: boolean; onProgress?: (report: RebuildReport) => void } = {}): Promise<RebuildReport> {
  const report: RebuildReport = { read: 0, rebuilt: 0 };
  for await (const record of store.iterate({}, 500)) {
    report.read++;
    if (!options.all && record.converterVersion >= CONVERTER_VERSION) continue;
    if (await store.updateDerived(record.id, deriveAgain(record))) report.rebuilt++;
    if (report.read % 5_000 === 0) options.onProgress?.(report);
  }
  return report;
}
