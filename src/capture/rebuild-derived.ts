// Re-derives the training fields (ShareGPT row, turn count, tools flag, search text) of stored
// records from their stored request and response bodies, after a converter upgrade
// (CONVERTER_VERSION). The stored response is already the provider's non-streaming shape (a
// stream was reassembled at capture), so it goes through the same path as a non-streamed reply.
import type { StoredExchange } from './exchange.js';
import type { DerivedFields, Store } from '../store/store.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { processExchange } from './process-exchange.js';

export function deriveAgain(record: StoredExchange): DerivedFields {
  const derived = processExchange(
    {
      startedAt: record.startedAt,
      domain: record.domain,
      method: record.method,
      pathAndQuery: record.path,
      requestBody: Buffer.from(record.requestBody, 'utf8'),
      ...(record.upstreamProvider ? { upstreamProvider: record.upstreamProvider } : {}),
      status: record.status,
      responseContentType: 'application/json',
      responseContentEncoding: undefined,
      responseChunks: [Buffer.from(record.responseBody, 'utf8')],
      responseTruncated: false,
      ttfbMs: record.ttfbMs,
      durationMs: record.durationMs,
      aborted: record.incomplete,
      error: record.error,
    },
    record.id,
  );
  return {
    sharegpt: derived.sharegpt,
    converterVersion: CONVERTER_VERSION,
    turnCount: derived.turnCount,
    hasTools: derived.hasTools,
    searchText: derived.searchText,
    preview: derived.preview,
    functionCallOnly: derived.functionCallOnly,
  };
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
