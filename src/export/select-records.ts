// Which stored records an export reads, in ascending id order, streamed. With `threads: longest`
// a conversation recorded as successive requests (each resending the history, linked by threadId)
// is exported once, by its best record (formats.md 5.2 step 7): a complete one (no error, not cut
// off) before an incomplete one, then the most turns, then the newest.
//
// In constant memory: the store picks the best records itself (ListFilter.bestOfThread, the
// model glob resolved to the list of models it matches), streamed in id order; a second stream
// of the summaries (no bodies) in the same order, merged with it, counts what is skipped, so the
// statistics and the progress bar see every record. Both read what was stored when the export
// started (throughId). Only with more distinct models than facets lists (500) does the glob stay
// in JavaScript, and then the thread pass keeps one small entry per thread in memory, as before.
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
  if (options.threads === 'longest') {
    const models = await modelsMatching(store, options.modelMatches);
    if (models !== 'too-many') {
      yield* bestOfThreads(store, filter, models, matches, options.batchSize, stats);
      return;
    }
  }
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

/** The stored models a glob matches; undefined without a glob; 'too-many' past the facets' limit. */
async function modelsMatching(store: Store, modelMatches: ((model: string) => boolean) | undefined): Promise<string[] | undefined | 'too-many'> {
  if (modelMatches === undefined) return undefined;
  const facets = await store.facets();
  if (facets.models.length >= FACET_LIMIT) return 'too-many';
  return facets.models.map((facet) => facet.value).filter((model) => modelMatches(model));
}

/** StoreFacets lists at most this many models: a list this long may be cut. */
const FACET_LIMIT = 500;

async function* bestOfThreads(
  store: Store,
  filter: ListFilter,
  models: string[] | undefined,
  matches: (model: string | null) => boolean,
  batchSize: number,
  stats: SelectStats,
): AsyncGenerator<StoredExchange> {
  const newest = (await store.listSummaries(filter, { limit: 1 })).items[0]?.id;
  if (newest === undefined) return;
  const bounded: ListFilter = { ...filter, throughId: newest };
  const best = store.iterate({ ...bounded, ...(models === undefined ? {} : { models }), bestOfThread: true }, batchSize)[Symbol.asyncIterator]();
  try {
    let next = await best.next();
    for await (const summary of summariesInIdOrder(store, bounded, batchSize)) {
      // A best record the summaries no longer show (deleted meanwhile) is still exported as read.
      while (next.done !== true && next.value.id < summary.id) {
        yield next.value;
        next = await best.next();
      }
      if (!matches(summary.model)) {
        stats.modelFilteredOut += 1;
      } else if (next.done !== true && next.value.id === summary.id) {
        yield next.value;
        next = await best.next();
      } else {
        stats.threadsCollapsed += 1;
      }
    }
    while (next.done !== true) {
      yield next.value;
      next = await best.next();
    }
  } finally {
    await best.return?.();
  }
}

async function* summariesInIdOrder(store: Store, filter: ListFilter, batchSize: number): AsyncGenerator<ExchangeSummary> {
  let after: string | undefined;
  for (;;) {
    const page = await store.listSummaries(filter, after === undefined ? { limit: batchSize, order: 'asc' } : { limit: batchSize, order: 'asc', after });
    yield* page.items;
    if (page.nextCursor === null) return;
    after = page.nextCursor;
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
