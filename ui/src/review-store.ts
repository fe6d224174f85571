// The page's state: the loaded list (filter, order, keyset pages, keyboard focus, selection), the
// conversations opened so far, and the review actions. Actions update the page first and the
// server second; when the server refuses, the change is rolled back and the error shown.
import type { ApiFilter, ExchangeDetail, ExchangeSummary, ReviewState, Selection } from '../../src/admin/api-types.js';
import { api, ApiError } from './api.js';
import { observable } from './observable.js';
import { readListQuery, writeListQuery, type Order } from './route.js';
import { notify } from './toasts.js';

export const PAGE_SIZE = 50;

export interface ListState {
  filter: ApiFilter;
  order: Order;
  items: ExchangeSummary[];
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
  items: [],
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

export async function reload(): Promise<void> {
  const current = ++generation;
  const { filter, order } = list.get();
  writeListQuery(filter, order);
  list.set((state) => ({ ...state, loading: true, error: null }));
  try {
    const page = await api.list(filter, { order, limit: PAGE_SIZE });
    if (current !== generation) return;
    list.set((state) => ({
      ...state,
      items: page.items,
      nextCursor: page.nextCursor,
      total: page.total,
      totalIsLowerBound: page.totalIsLowerBound === true,
      newestId: page.newestId,
      loading: false,
      focus: Math.min(state.focus, Math.max(0, page.items.length - 1)),
      selected: new Set([...state.selected].filter((id) => page.items.some((item) => item.id === id))),
    }));
  } catch (error) {
    if (current !== generation) return;
    list.set((state) => ({ ...state, loading: false, error: message(error) }));
  }
}

export async function loadMore(): Promise<void> {
  const state = list.get();
  if (state.loading || state.nextCursor === null) return;
  const current = generation;
  list.set((previous) => ({ ...previous, loading: true }));
  try {
    const page = await api.list(state.filter, { order: state.order, cursor: state.nextCursor, limit: PAGE_SIZE });
    if (current !== generation) return;
    list.set((previous) => ({
      ...previous,
      items: [...previous.items, ...page.items.filter((item) => !previous.items.some((known) => known.id === item.id))],
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

export async function review(ids: readonly string[], state: ReviewState): Promise<void> {
  if (ids.length === 0) return;
  const [first] = ids;
  await optimisticReview(ids, state, async () =>
    ids.length === 1 ? (await api.reviewOne(first!, state)).changed : (await api.reviewMany({ ids: [...ids] }, state)).changed,
  );
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
  return (a: ExchangeSummary, b: ExchangeSummary) => (order === 'asc' ? a.id.localeCompare(b.id) : b.id.localeCompare(a.id));
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
    notify(sharegpt === null ? 'Reverted to the original capture' : 'Edit saved: it is exported instead of the original');
    return true;
  } catch (error) {
    patch(before?.editedSharegpt ?? null);
    notify(`Could not save the edit: ${message(error)}`, 'error');
    return false;
  }
}
