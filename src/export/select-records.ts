// Which stored records an export reads, in ascending id order, streamed. With `threads: longest`
// a conversation recorded as successive requests (each resending the history, linked by threadId)
// is exported once, by its best record (formats.md 5.2 step 7): a complete one (no error, not cut
// off) before an incomplete one, then the most turns, then the newest. That needs one cheap first
// pass over the summaries (no bodies are read or decompressed), keeping one small entry per thread;
// the second pass streams the full records and skips the others.
import type { StoredExchange } from '../capture/exchange.js';
import type { ExchangeSummary, ListFilter, Store } from '../store/store.js';

export interface SelectOptions {
  threads: 'longest' | 'all';
  /** Model filter (a glob); records without a model never match. */
  modelMatches?: (model: string) => boolean;
  batchSize: number;
}

export interface SelectStats {
  /** Records skipped because a better record of the same thread is exported. */
  threadsCollapsed: number;
  /** Records skipped by the model glob. */
  modelFilteredOut: number;
}

interface ThreadBest {
  id: string;
  complete: boolean;
  turns: number;
}

export async function* selectRecords(
  store: Store,
  filter: ListFilter,
  options: SelectOptions,
  stats: SelectStats,
): AsyncGenerator<StoredExchange> {
  const matches = (model: string | null): boolean =>
    options.modelMatches === undefined || (model !== null && options.modelMatches(model));
  const best = options.threads === 'longest' ? await bestPerThread(store, filter, matches, options.batchSize) : null;
  for await (const record of store.iterate(filter, options.batchSize)) {
    if (!matches(record.model)) {
      stats.modelFilteredOut += 1;
      continue;
    }
    const chosen = best?.get(record.threadId);
    // A thread first seen in this pass was recorded after the first pass: export what arrives.
    if (chosen !== undefined && chosen.id !== record.id) {
      stats.threadsCollapsed += 1;
      continue;
    }
    yield record;
  }
}

async function bestPerThread(
  store: Store,
  filter: ListFilter,
  matches: (model: string | null) => boolean,
  batchSize: number,
): Promise<Map<string, ThreadBest>> {
  const best = new Map<string, ThreadBest>();
  let before: string | undefined;
  for (;;) {
    const page = await store.listSummaries(filter, before === undefined ? { limit: batchSize } : { limit: batchSize, before });
    for (const summary of page.items) {
      if (!matches(summary.model)) continue;
      const candidate = entryOf(summary);
      const current = best.get(summary.threadId);
      if (current === undefined || isBetter(candidate, current)) best.set(summary.threadId, candidate);
    }
    if (page.nextCursor === null) return best;
    before = page.nextCursor;
  }
}

function entryOf(summary: ExchangeSummary): ThreadBest {
  return { id: summary.id, complete: summary.error === null && !summary.incomplete, turns: summary.turnCount };
}

function isBetter(candidate: ThreadBest, current: ThreadBest): boolean {
  if (candidate.complete !== current.complete) return candidate.complete;
  if (candidate.turns !== current.turns) return candidate.turns > current.turns;
  return candidate.id > current.id;
}
