// The page's state: the loaded list (filter, order, keyset pages, keyboard focus, selection), the
// conversations opened so far, and the review actions. Actions update the page first and the
// server second; when the server refuses, the change is rolled back and the error shown.
import type {
  AnnotationRequest,
  ApiFilter,
  ExchangeDetail,
  ExportPreview,
  ListItem,
  ReviewState,
  Selection,
  ThreadDetail,
  ThreadSummary,
} from '../../src/admin/api-types.js';
import { api, ApiError, type ExportStatus } from './api.js';
import { observable } from './observable.js';
import { readListQuery, route, writeListQuery, type ListView, type Order } from './route.js';
import { notify } from './toasts.js';

export const PAGE_SIZE = 50;

export interface ListState {
  filter: ApiFilter;
  order: Order;
  /** One row per thread (headed by an exported record; reviewing it reviews every one) or per request. */
  view: ListView;
  /** Only what will (true) or will not (false) export. */
  exportable?: boolean;
  /** In the thread view, the rows' records; in both, what c / x act on. */
  items: ListItem[];
  /** The thread each row stands for, by the row's record id (thread view only). */
  threads: Readonly<Record<string, ThreadSummary>>;
  nextCursor: string | null;
  total: number | null;
  /** True when `total` is a capped count ("10,000+"). */
  totalIsLowerBound: boolean;
  /** The newest matching id when the list was loaded: bulk "all matching" acts up to it. */
  newestId: string | null;
  loading: boolean;
  error: string | null;
  /** Index of the keyboard cursor in `items`. */
  focus: number;
  selected: ReadonlySet<string>;
}

const initial = readListQuery();
export const list = observable<ListState>({
  filter: initial.filter,
  order: initial.order,
  view: initial.view,
  ...(initial.exportable === undefined ? {} : { exportable: initial.exportable }),
  items: [],
  threads: {},
  nextCursor: null,
  total: null,
  totalIsLowerBound: false,
  newestId: null,
  loading: false,
  error: null,
  focus: 0,
  selected: new Set(),
});

/** Opened conversations by id (kept small), so moving back and forth is instant. */
export const details = observable<Readonly<Record<string, ExchangeDetail>>>({});
const DETAIL_CACHE_SIZE = 40;

let generation = 0;

function message(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

interface LoadedPage {
  items: ListItem[];
  threads: Record<string, ThreadSummary>;
  nextCursor: string | null;
  total: number | null;
  totalIsLowerBound?: boolean;
  newestId: string | null;
}

async function fetchPage(state: ListState, cursor: string | null): Promise<LoadedPage> {
  const options = {
    order: state.order,
    limit: PAGE_SIZE,
    cursor,
    ...(state.exportable === undefined ? {} : { exportable: state.exportable }),
  };
  if (state.view === 'requests') return { ...(await api.list(state.filter, options)), threads: {} };
  const page = await api.threads(state.filter, options);
  return {
    items: page.items.map((thread) => thread.head),
    threads: Object.fromEntries(page.items.map((thread) => [thread.head.id, thread])),
    nextCursor: page.nextCursor,
    total: page.total,
    newestId: page.newestId,
  };
}

export async function reload(): Promise<void> {
  const current = ++generation;
  const state = list.get();
  writeListQuery(state.filter, state);
  list.set((previous) => ({ ...previous, loading: true, error: null }));
  void refreshPreview();
  try {
    const page = await fetchPage(state, null);
    if (current !== generation) return;
    list.set((previous) => ({
      ...previous,
      items: page.items,
      threads: page.threads,
      nextCursor: page.nextCursor,
      total: page.total,
      totalIsLowerBound: page.totalIsLowerBound === true,
      newestId: page.newestId,
      loading: false,
      focus: Math.min(previous.focus, Math.max(0, page.items.length - 1)),
      selected: new Set([...previous.selected].filter((id) => page.items.some((item) => item.id === id))),
    }));
  } catch (error) {
    if (current !== generation) return;
    list.set((previous) => ({ ...previous, loading: false, error: message(error) }));
  }
}

export async function loadMore(): Promise<void> {
  const state = list.get();
  if (state.loading || state.nextCursor === null) return;
  const current = generation;
  list.set((previous) => ({ ...previous, loading: true }));
  try {
    const page = await fetchPage(state, state.nextCursor);
    if (current !== generation) return;
    list.set((previous) => ({
      ...previous,
      items: [...previous.items, ...page.items.filter((item) => !previous.items.some((known) => known.id === item.id))],
      threads: { ...previous.threads, ...page.threads },
      nextCursor: page.nextCursor,
      loading: false,
    }));
  } catch (error) {
    if (current !== generation) return;
    list.set((previous) => ({ ...previous, loading: false }));
    notify(`Could not load more: ${message(error)}`, 'error');
  }
}

export function setFilter(filter: ApiFilter): void {
  list.set((state) => ({ ...state, filter, focus: 0, selected: new Set() }));
  void reload();
}

export function setOrder(order: Order): void {
  list.set((state) => ({ ...state, order, focus: 0 }));
  void reload();
}

export function setView(view: ListView): void {
  list.set((state) => ({ ...state, view, focus: 0, selected: new Set() }));
  void reload();
}

export function setExportable(exportable: boolean | undefined): void {
  list.set((state) => {
    const { exportable: _previous, ...rest } = state;
    return { ...rest, ...(exportable === undefined ? {} : { exportable }), focus: 0, selected: new Set() };
  });
  void reload();
}

// ---------------------------------------------------------------------------------------------
// threads: steps shown under a row, and the trajectory of an opened conversation

export const threadDetails = observable<Readonly<Record<string, ThreadDetail>>>({});
export const expanded = observable<ReadonlySet<string>>(new Set());

export async function loadThread(threadId: string, force = false): Promise<ThreadDetail> {
  const cached = threadDetails.get()[threadId];
  if (cached && !force) return cached;
  const thread = await api.thread(threadId);
  threadDetails.set((cache) => ({ ...cache, [threadId]: thread }));
  return thread;
}

export function toggleThread(threadId: string): void {
  const open = new Set(expanded.get());
  if (open.has(threadId)) open.delete(threadId);
  else {
    open.add(threadId);
    loadThread(threadId, true).catch((error: unknown) => notify(`Could not load the thread: ${message(error)}`, 'error'));
  }
  expanded.set(open);
}

// ---------------------------------------------------------------------------------------------
// what the export (status confirmed unless picked otherwise) writes and leaves out

export const exportStatus = observable<ExportStatus>('confirmed');
export const exportPreview = observable<ExportPreview | null>(null);
let previewTimer: ReturnType<typeof setTimeout> | undefined;
let previewGeneration = 0;

/**
 * Recomputed a second after the last change (a review, a filter), not on every key, and only
 * while the list (whose header shows it) is on screen: it runs the export over the filter. Coming
 * back to the list refreshes it (app.tsx).
 */
export function refreshPreview(delayMs = 1_000): Promise<void> {
  clearTimeout(previewTimer);
  if (route.get().name !== 'list') return Promise.resolve();
  return new Promise((resolve) => {
    previewTimer = setTimeout(() => {
      const current = ++previewGeneration;
      api
        .exportPreview(list.get().filter, 'sharegpt', exportStatus.get())
        .then((preview) => {
          if (current === previewGeneration) exportPreview.set(preview);
        })
        .catch(() => undefined)
        .finally(resolve);
    }, delayMs);
  });
}

export function setExportStatus(status: ExportStatus): void {
  exportStatus.set(status);
  void refreshPreview(0);
}

export function setFocus(index: number): void {
  list.set((state) => ({ ...state, focus: Math.max(0, Math.min(index, state.items.length - 1)) }));
}

export function toggleSelected(id: string): void {
  list.set((state) => {
    const selected = new Set(state.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { ...state, selected };
  });
}

export function setSelected(ids: Iterable<string>): void {
  list.set((state) => ({ ...state, selected: new Set(ids) }));
}

// ---------------------------------------------------------------------------------------------
// review state, optimistic

/** Per record, the latest change made: a failed older request must not undo a newer change. */
const latestChange = new Map<string, number>();
let changeCounter = 0;

function currentState(id: string): { state: ReviewState; reviewedAt: number | null } | null {
  const item = list.get().items.find((candidate) => candidate.id === id) ?? details.get()[id];
  return item ? { state: item.reviewState, reviewedAt: item.reviewedAt } : null;
}

function applyState(changes: ReadonlyMap<string, { state: ReviewState; reviewedAt: number | null }>): void {
  list.set((state) => ({
    ...state,
    items: state.items.map((item) => {
      const change = changes.get(item.id);
      return change ? { ...item, reviewState: change.state, reviewedAt: change.reviewedAt } : item;
    }),
  }));
  details.set((cache) => {
    const next = { ...cache };
    for (const [id, change] of changes) {
      const detail = next[id];
      if (detail) next[id] = { ...detail, reviewState: change.state, reviewedAt: change.reviewedAt };
    }
    return next;
  });
}

const VERB: Record<ReviewState, string> = { confirmed: 'confirm', rejected: 'reject', pending: 'reset' };

async function optimisticReview(ids: readonly string[], state: ReviewState, send: () => Promise<number>): Promise<number | null> {
  const seq = ++changeCounter;
  const previous = new Map<string, { state: ReviewState; reviewedAt: number | null }>();
  for (const id of ids) {
    const known = currentState(id);
    if (known) previous.set(id, known);
    latestChange.set(id, seq);
  }
  const now = Date.now();
  applyState(new Map(ids.map((id) => [id, { state, reviewedAt: state === 'pending' ? null : now }])));
  try {
    return await send();
  } catch (error) {
    // Roll back what no later change has overwritten.
    applyState(new Map([...previous].filter(([id]) => latestChange.get(id) === seq)));
    notify(`Could not ${VERB[state]} ${ids.length === 1 ? 'the conversation' : `${ids.length} conversations`}: ${message(error)}`, 'error');
    return null;
  }
}

/** Reviews done with c / x / u (and the buttons), newest last: `z` undoes them one by one. */
const undoStack: Array<Map<string, ReviewState>> = [];
const UNDO_DEPTH = 100;

export async function review(
  ids: readonly string[],
  state: ReviewState,
  options: { undoable?: boolean; known?: ReadonlyMap<string, ReviewState> } = {},
): Promise<void> {
  if (ids.length === 0) return;
  const [first] = ids;
  if (options.undoable !== false) {
    const before = new Map<string, ReviewState>();
    for (const id of ids) {
      const known = currentState(id)?.state ?? options.known?.get(id);
      if (known) before.set(id, known);
    }
    undoStack.push(before);
    if (undoStack.length > UNDO_DEPTH) undoStack.shift();
  }
  const changed = await optimisticReview(ids, state, async () =>
    ids.length === 1 ? (await api.reviewOne(first!, state)).changed : (await api.reviewMany({ ids: [...ids] }, state)).changed,
  );
  if (changed !== null) void refreshPreview();
}

/**
 * Reviews what a row stands for: in the thread view, every record the export keeps for that
 * thread (one per branch: export/select-records.ts), and it says so (confirming a thread never
 * confirms a step the export would not write, nor leaves a branch it writes unreviewed).
 */
export async function reviewItem(id: string, state: ReviewState): Promise<void> {
  const thread = list.get().threads[id];
  const exported = thread?.exported ?? Object.values(threadDetails.get()).find((detail) => detail.exportedId === id)?.exported;
  const ids = exported !== undefined && exported.some((ref) => ref.id === id) ? exported.map((ref) => ref.id) : [id];
  const done = review(ids, state, { known: new Map((exported ?? []).map((ref) => [ref.id, ref.reviewState])) });
  if (thread !== undefined && thread.steps > 1) {
    const verb = state === 'pending' ? 'Reset' : state === 'confirmed' ? 'Confirmed' : 'Rejected';
    notify(
      ids.length === 1
        ? `${verb} the thread's exported record (the end of its ${thread.steps} steps)`
        : `${verb} the thread's ${ids.length} exported records (one per branch, of ${thread.steps} steps)`,
    );
  }
  await done;
}

/** Puts back the states the last review replaced. Returns the ids it touched (none when nothing to undo). */
export async function undoLastReview(): Promise<string[]> {
  const last = undoStack.pop();
  if (last === undefined) {
    notify('Nothing to undo');
    return [];
  }
  const byState = new Map<ReviewState, string[]>();
  for (const [id, state] of last) byState.set(state, [...(byState.get(state) ?? []), id]);
  for (const [state, ids] of byState) await review(ids, state, { undoable: false });
  notify(`Undone: ${last.size === 1 ? 'back to' : `${last.size} conversations back to`} ${[...byState.keys()].join(' / ')}`);
  return [...last.keys()];
}

/** The current filter as a bulk selection, bounded by the newest record the list showed. */
export function matchingSelection(): Selection {
  const { filter, newestId } = list.get();
  return newestId === null ? { filter } : { filter, throughId: newestId };
}

export async function reviewMatching(state: ReviewState): Promise<void> {
  const ids = list.get().items.map((item) => item.id);
  const changed = await optimisticReview(ids, state, async () => (await api.reviewMany(matchingSelection(), state)).changed);
  if (changed !== null) notify(`${changed.toLocaleString()} conversation${changed === 1 ? '' : 's'} ${state === 'pending' ? 'reset to pending' : state}`);
}

// ---------------------------------------------------------------------------------------------
// delete, optimistic

function byOrder(order: Order) {
  return (a: ListItem, b: ListItem) => (order === 'asc' ? a.id.localeCompare(b.id) : b.id.localeCompare(a.id));
}

async function optimisticDelete(ids: ReadonlySet<string>, send: () => Promise<number>): Promise<number | null> {
  const removed = list.get().items.filter((item) => ids.has(item.id));
  list.set((state) => ({
    ...state,
    items: state.items.filter((item) => !ids.has(item.id)),
    selected: new Set([...state.selected].filter((id) => !ids.has(id))),
    focus: Math.max(0, Math.min(state.focus, state.items.length - removed.length - 1)),
  }));
  try {
    const deleted = await send();
    list.set((state) => ({ ...state, total: state.total === null ? null : Math.max(0, state.total - deleted) }));
    details.set((cache) => Object.fromEntries(Object.entries(cache).filter(([id]) => !ids.has(id))));
    return deleted;
  } catch (error) {
    list.set((state) => ({
      ...state,
      items: [...state.items, ...removed.filter((item) => !state.items.some((known) => known.id === item.id))].sort(byOrder(state.order)),
    }));
    notify(`Could not delete: ${message(error)}`, 'error');
    return null;
  }
}

export async function deleteRecords(ids: readonly string[]): Promise<boolean> {
  const [first] = ids;
  if (first === undefined) return false;
  const deleted = await optimisticDelete(new Set(ids), async () =>
    ids.length === 1 ? (await api.deleteOne(first)).deleted : (await api.deleteMany({ ids: [...ids] })).deleted,
  );
  if (deleted !== null) notify(`${deleted.toLocaleString()} conversation${deleted === 1 ? '' : 's'} deleted`);
  return deleted !== null;
}

export async function deleteMatching(): Promise<void> {
  const ids = new Set(list.get().items.map((item) => item.id));
  const deleted = await optimisticDelete(ids, async () => (await api.deleteMany(matchingSelection())).deleted);
  if (deleted !== null) {
    notify(`${deleted.toLocaleString()} conversation${deleted === 1 ? '' : 's'} deleted`);
    void reload();
  }
}

// ---------------------------------------------------------------------------------------------
// conversations

export async function loadDetail(id: string, force = false): Promise<ExchangeDetail> {
  const cached = details.get()[id];
  if (cached && !force) return cached;
  const detail = await api.get(id);
  details.set((cache) => {
    const entries = Object.entries(cache).filter(([key]) => key !== id);
    return Object.fromEntries([...entries.slice(-(DETAIL_CACHE_SIZE - 1)), [id, detail]]);
  });
  return detail;
}

/** Stores the reviewer's note, tags and rating (null removes them); the page shows what the server stored. */
export async function saveAnnotation(id: string, annotation: AnnotationRequest['annotation']): Promise<boolean> {
  try {
    const stored = (await api.annotate(id, annotation)).annotation;
    details.set((cache) => (cache[id] ? { ...cache, [id]: { ...cache[id]!, annotation: stored } } : cache));
    list.set((state) => ({ ...state, items: state.items.map((item) => (item.id === id ? { ...item, annotation: stored } : item)) }));
    notify(stored === null ? 'Annotation removed' : 'Annotation saved');
    return true;
  } catch (error) {
    notify(`Could not save the annotation: ${message(error)}`, 'error');
    return false;
  }
}

/** Stores an edited row (null reverts to the original), optimistically. */
export async function saveEdit(id: string, sharegpt: ExchangeDetail['editedSharegpt']): Promise<boolean> {
  const before = details.get()[id];
  const patch = (editedSharegpt: ExchangeDetail['editedSharegpt']) => {
    details.set((cache) => (cache[id] ? { ...cache, [id]: { ...cache[id]!, editedSharegpt } } : cache));
    list.set((state) => ({
      ...state,
      items: state.items.map((item) => (item.id === id ? { ...item, edited: editedSharegpt !== null } : item)),
    }));
  };
  patch(sharegpt);
  try {
    await api.edit(id, sharegpt);
    notify(sharegpt === null ? 'Reverted to the original capture' : 'Edit saved: every export format takes it instead of the original');
    // The verdict follows the edit (an edited row is exported even when the capture was cut off).
    void loadDetail(id, true).catch(() => undefined);
    void refreshPreview();
    return true;
  } catch (error) {
    patch(before?.editedSharegpt ?? null);
    notify(`Could not save the edit: ${message(error)}`, 'error');
    return false;
  }
}
