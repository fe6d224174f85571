// Which stored records an export reads, in ascending id order, streamed. With `threads: longest`
// a conversation recorded as successive requests (each resending the history, linked by
// parentId/threadId) is exported by its leaves, not by every step (formats.md 5.2 step 7):
//
// - A record is complete when it has no error and was not cut off.
// - A complete record is exported when it is a leaf: no complete record of the selection (the
//   records matching the export's filter) continues it, directly or through one record that is
//   not complete (a stream cut off that the client continued anyway). A thread whose history
//   branched (an edited prompt, a regenerated answer: two records continuing the same parent)
//   has one leaf per branch, and each is exported; an unbranched thread has one, its last step.
// - A record that is not complete is never exported beside a better record of its thread
//   (complete before not, then more turns, then newer), and does not make its parent a non-leaf:
//   a failed try of a step that was retried is left out (counted as collapsed), the retry kept.
//   A thread with no complete record is read by its best record alone (then dropped with its
//   reason: exchange-error, exchange-incomplete).
//
// In constant memory: the store picks the records itself (ListFilter.threadLeaves, the model glob
// resolved to the list of models it matches), streamed in id order; a second stream of the
// records' links (Store.listLinks: ids and models, no bodies) in the same order, merged with it, counts what is skipped, so the
// statistics and the progress bar see every record. Both read what was stored when the export
// started (throughId). Only with more distinct models than facets lists (500) does the glob stay
// in JavaScript, and then a first pass keeps the ids of the continued records and one small entry
// per thread in memory.
import type { StoredExchange } from '../capture/exchange.js';
import type { ListFilter, RecordLink, Store } from '../store/store.js';

export interface SelectOptions {
  threads: 'longest' | 'all';
  /** Model filter (a glob); records without a model never match. */
  modelMatches?: (model: string) => boolean;
  batchSize: number;
}

export interface SelectStats {
  /** Records skipped because a later record of the same thread is exported (an earlier step, a failed try). */
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
      yield* leavesOfThreads(store, filter, models, matches, options.batchSize, stats);
      return;
    }
  }
  const newest = options.threads === 'longest' ? (await store.listSummaries(filter, { limit: 1 })).items[0]?.id : undefined;
  if (options.threads === 'longest' && newest === undefined) return;
  const bounded: ListFilter = newest === undefined ? filter : { ...filter, throughId: newest };
  const leaves = options.threads === 'longest' ? await leavesInMemory(store, bounded, matches, options.batchSize) : null;
  for await (const record of store.iterate(bounded, options.batchSize)) {
    if (!matches(record.model)) {
      stats.modelFilteredOut += 1;
      continue;
    }
    if (leaves !== null && !leaves.isKept(record)) {
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

async function* leavesOfThreads(
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
  const best = store.iterate({ ...bounded, ...(models === undefined ? {} : { models }), threadLeaves: true }, batchSize)[Symbol.asyncIterator]();
  try {
    let next = await best.next();
    for await (const link of linksInIdOrder(store, bounded, batchSize)) {
      // A leaf the links no longer show (deleted meanwhile) is still exported as read.
      while (next.done !== true && next.value.id < link.id) {
        yield next.value;
        next = await best.next();
      }
      if (!matches(link.model)) {
        stats.modelFilteredOut += 1;
      } else if (next.done !== true && next.value.id === link.id) {
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

async function* linksInIdOrder(store: Store, filter: ListFilter, batchSize: number): AsyncGenerator<RecordLink> {
  let after: string | undefined;
  for (;;) {
    const links = await store.listLinks(filter, after === undefined ? { limit: batchSize } : { limit: batchSize, after });
    yield* links;
    if (links.length < batchSize) return;
    after = links[links.length - 1]!.id;
  }
}

interface KeptRecords {
  isKept(record: Pick<StoredExchange, 'id' | 'parentId' | 'threadId' | 'error' | 'incomplete' | 'turnCount'>): boolean;
}

/** ListFilter.threadLeaves in JavaScript, for a model glob the store cannot be given as a list. */
async function leavesInMemory(
  store: Store,
  filter: ListFilter,
  matches: (model: string | null) => boolean,
  batchSize: number,
): Promise<KeptRecords> {
  const best = new Map<string, ThreadBest>();
  /** Ids a complete record continues. */
  const continuedByComplete = new Set<string>();
  /** Parent ids of the records that are not complete, by their id. */
  const cutOff = new Map<string, string>();
  let before: string | undefined;
  for (;;) {
    const page = await store.listSummaries(filter, before === undefined ? { limit: batchSize } : { limit: batchSize, before });
    for (const summary of page.items) {
      if (!matches(summary.model)) continue;
      const candidate = entryOf(summary);
      const current = best.get(summary.threadId);
      if (current === undefined || isBetter(candidate, current)) best.set(summary.threadId, candidate);
      if (summary.parentId === null) continue;
      if (candidate.complete) continuedByComplete.add(summary.parentId);
      else cutOff.set(summary.id, summary.parentId);
    }
    if (page.nextCursor === null) break;
    before = page.nextCursor;
  }
  // Continued through one record that is not complete, itself continued by a complete one.
  const continued = new Set(continuedByComplete);
  for (const [id, parentId] of cutOff) if (continuedByComplete.has(id)) continued.add(parentId);
  return {
    isKept(record) {
      const entry = entryOf(record);
      if (entry.complete) return !continued.has(record.id);
      // Recorded after the first pass: export what arrives.
      const chosen = best.get(record.threadId);
      return chosen === undefined || chosen.id === record.id;
    },
  };
}

function entryOf(summary: Pick<StoredExchange, 'id' | 'error' | 'incomplete' | 'turnCount'>): ThreadBest {
  return { id: summary.id, complete: summary.error === null && !summary.incomplete, turns: summary.turnCount };
}

function isBetter(candidate: ThreadBest, current: ThreadBest): boolean {
  if (candidate.complete !== current.complete) return candidate.complete;
  if (candidate.turns !== current.turns) return candidate.turns > current.turns;
  return candidate.id > current.id;
}
