// Threads for the review UI: a conversation recorded as successive requests (each resending the
// history, linked by parentId/threadId at insert, see conversation/thread-key.ts) is reviewed as
// one item. The records a thread stands for are the ones the export keeps (export/select-records.ts
// with threads=longest, asked for this thread alone): each leaf of the thread, one per branch (a
// retry that succeeded, an edited prompt), so confirming the thread confirms every record the
// export writes for it. The row shows the best of them (complete, then longest, then newest).
// Branches: a record continued by no later record is a leaf; two leaves mean two requests
// extended the same history differently.
import type { StoredExchange } from '../capture/exchange.js';
import { selectRecords } from '../export/select-records.js';
import type { ExchangeSummary, ListFilter, Store } from '../store/store.js';
import type { ListItem, ThreadDetail, ThreadStep, ThreadSummary } from './api-types.js';
import { exportVerdictOf } from './export-verdict.js';
import { verdictCacheOf } from './verdict-cache.js';

/** A thread longer than this is shown by its newest records only (an agent loop of 10 000 calls). */
const MAX_STEPS = 2_000;

export function summaryOf(record: StoredExchange, preview: string, functionCallOnly: boolean): ExchangeSummary {
  const { requestBody: _request, responseBody: _response, sharegpt: _sharegpt, editedSharegpt, ...rest } = record;
  return { ...rest, preview, edited: editedSharegpt !== null, functionCallOnly };
}

/** The records the export keeps for the thread (threads=longest, every review state), in id order. */
export async function exportedRecordsOf(store: Store, threadId: string): Promise<StoredExchange[]> {
  const stats = { threadsCollapsed: 0, modelFilteredOut: 0 };
  const records: StoredExchange[] = [];
  for await (const record of selectRecords(store, { threadId, apiKind: 'chat' }, { threads: 'longest', batchSize: 200 }, stats)) records.push(record);
  return records;
}

/** The one a thread row shows: complete before not, then the most turns, then the newest (as bestOfThread). */
function headOf(records: readonly StoredExchange[]): StoredExchange | undefined {
  const rank = (record: StoredExchange): [number, number, string] => [record.error === null && !record.incomplete ? 1 : 0, record.turnCount, record.id];
  let best: StoredExchange | undefined;
  for (const record of records) {
    if (best === undefined) {
      best = record;
      continue;
    }
    const [a, b] = [rank(record), rank(best)];
    if (a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2]) best = record;
  }
  return best;
}

function exportedRefs(records: readonly StoredExchange[]): ThreadSummary['exported'] {
  return records.map((record) => ({ id: record.id, reviewState: record.reviewState, reviewedAt: record.reviewedAt }));
}

async function stepsOf(store: Store, threadId: string): Promise<ExchangeSummary[]> {
  const page = await store.listSummaries({ threadId }, { limit: MAX_STEPS, order: 'desc' });
  return page.items.reverse();
}

/** Summary plus verdict for the summaries given, reading the records at once (a page is one read). */
export async function withVerdicts(store: Store, summaries: readonly ExchangeSummary[]): Promise<ListItem[]> {
  const items: ListItem[] = [];
  const ids = summaries.map((summary) => summary.id);
  const annotations = await store.annotationsOf(ids);
  const scans = await store.scansOf(ids);
  const records = await store.getMany(ids);
  const verdicts = verdictCacheOf(store);
  for (const summary of summaries) {
    const record = records.get(summary.id) ?? null;
    // Deleted meanwhile: shown as it was listed, judged as not exportable.
    const verdict =
      record === null
        ? { exportable: false, reasons: [{ code: 'deleted', message: 'the record was deleted' }], formats: {} as ListItem['export']['formats'] }
        : verdicts.verdictOf(record, (read) => exportVerdictOf(read, ['sharegpt']));
    const scan = scans.get(summary.id);
    const findings = scan === undefined ? null : { secrets: scan.secrets, personal: scan.personal, kinds: scan.kinds };
    items.push({ ...summary, export: verdict, annotation: annotations.get(summary.id) ?? null, findings });
  }
  return items;
}

function leafIds(steps: readonly ExchangeSummary[]): Set<string> {
  const parents = new Set(steps.map((step) => step.parentId).filter((id): id is string => id !== null));
  return new Set(steps.filter((step) => !parents.has(step.id)).map((step) => step.id));
}

export async function readThreadSummary(store: Store, threadId: string): Promise<ThreadSummary | null> {
  const steps = await stepsOf(store, threadId);
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (first === undefined || last === undefined) return null;
  const exported = await exportedRecordsOf(store, threadId);
  const headId = headOf(exported)?.id;
  const headSummary = steps.find((step) => step.id === headId) ?? last;
  const [head] = await withVerdicts(store, [headSummary]);
  return {
    threadId,
    head: head!,
    steps: steps.length,
    firstAt: first.startedAt,
    lastAt: last.startedAt,
    models: [...new Set(steps.map((step) => step.model).filter((model): model is string => model !== null))],
    domains: [...new Set(steps.map((step) => step.domain))],
    leaves: leafIds(steps).size,
    exported: exportedRefs(exported),
  };
}

export async function readThreadDetail(store: Store, threadId: string): Promise<ThreadDetail | null> {
  const steps = await stepsOf(store, threadId);
  if (steps.length === 0) return null;
  const exported = await exportedRecordsOf(store, threadId);
  const exportedIds = new Set(exported.map((record) => record.id));
  const leaves = leafIds(steps);
  const indexOf = new Map(steps.map((step, index) => [step.id, index]));
  const items = await withVerdicts(store, steps);
  const out: ThreadStep[] = items.map((item) => {
    const parentIndex = item.parentId === null ? undefined : indexOf.get(item.parentId);
    const parent = parentIndex === undefined ? undefined : steps[parentIndex];
    return {
      ...item,
      continues: parentIndex ?? null,
      newTurns: parent === undefined ? item.turnCount : Math.max(0, item.turnCount - parent.turnCount),
      leaf: leaves.has(item.id),
      exported: exportedIds.has(item.id),
    };
  });
  return { threadId, steps: out, exportedId: headOf(exported)?.id ?? null, exported: exportedRefs(exported), leaves: leaves.size };
}

export interface ThreadPageOptions {
  limit: number;
  order: 'desc' | 'asc';
  cursor?: string;
  /** Keep only threads whose exported record will (true) or will not (false) export. */
  exportable?: boolean;
  /** Stop after reading this many records and answer what was found (more with the cursor). */
  maxScan: number;
}

/**
 * One page of threads: the matching records in order, each thread placed at its first matching
 * record (newest for desc, oldest for asc). The cursor is a record id, so paging is stateless:
 * a thread met again on a later page (an older record of it) is recognised because its first
 * matching record is not the one met.
 */
export async function readThreadPage(
  store: Store,
  filter: ListFilter,
  options: ThreadPageOptions,
): Promise<{ items: ThreadSummary[]; nextCursor: string | null }> {
  const items: ThreadSummary[] = [];
  const seen = new Set<string>();
  let cursor = options.cursor;
  let scanned = 0;
  for (;;) {
    const page = await store.listSummaries(filter, {
      limit: Math.min(200, Math.max(options.limit, 20)),
      order: options.order,
      ...(cursor === undefined ? {} : options.order === 'asc' ? { after: cursor } : { before: cursor }),
    });
    for (const summary of page.items) {
      scanned += 1;
      cursor = summary.id;
      if (seen.has(summary.threadId)) continue;
      seen.add(summary.threadId);
      const firstMatching = (await store.listSummaries({ ...filter, threadId: summary.threadId }, { limit: 1, order: options.order })).items[0];
      if (firstMatching?.id !== summary.id) continue;
      const thread = await readThreadSummary(store, summary.threadId);
      if (thread === null) continue;
      if (options.exportable !== undefined && thread.head.export.exportable !== options.exportable) continue;
      items.push(thread);
      if (items.length >= options.limit) return { items, nextCursor: summary.id };
    }
    if (page.nextCursor === null) return { items, nextCursor: null };
    if (scanned >= options.maxScan) return { items, nextCursor: cursor ?? null };
  }
}
