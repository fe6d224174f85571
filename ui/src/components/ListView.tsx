// The conversation list: filters, bulk actions, the table, keyset "load more".
import { useEffect, useRef } from 'preact/hooks';
import type { ExchangeSummary, FacetsResponse, ReviewState } from '../../../src/admin/api-types.js';
import { formatCompact, formatDuration, formatFullTime, formatNumber, formatTime } from '../format.js';
import {
  deleteMatching,
  deleteRecords,
  loadMore,
  reload,
  review,
  reviewMatching,
  setFocus,
  setOrder,
  setSelected,
  toggleSelected,
  type ListState,
} from '../review-store.js';
import { navigate } from '../route.js';
import { askConfirm } from '../toasts.js';
import { ExportMenu } from './ExportMenu.js';
import { FilterBar } from './FilterBar.js';
import { StateBadge } from './StateBadge.js';

const VERBS: Record<ReviewState, { label: string; past: string }> = {
  confirmed: { label: 'Confirm', past: 'confirmed' },
  rejected: { label: 'Reject', past: 'rejected' },
  pending: { label: 'Reset', past: 'reset to pending' },
};

function plural(count: number, word: string): string {
  return `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;
}

export async function confirmDelete(ids: readonly string[]): Promise<boolean> {
  const ok = await askConfirm({
    title: `Delete ${plural(ids.length, 'conversation')}?`,
    message: 'The recorded request and response are removed from the database. This cannot be undone.',
    confirmLabel: 'Delete',
    danger: true,
  });
  return ok ? deleteRecords(ids) : false;
}

async function bulkMatching(state: ListState, action: ReviewState | 'delete'): Promise<void> {
  const count = state.total ?? state.items.length;
  const ok = await askConfirm({
    title:
      action === 'delete'
        ? `Delete all ${plural(count, 'conversation')} matching this filter?`
        : `${VERBS[action].label} all ${plural(count, 'conversation')} matching this filter?`,
    message:
      action === 'delete'
        ? 'Every matching record is removed from the database, including those not loaded on this page. This cannot be undone.'
        : `Every matching record is ${VERBS[action].past}, including those not loaded on this page. Records recorded after the list was loaded are left alone.`,
    confirmLabel: action === 'delete' ? 'Delete all' : `${VERBS[action].label} all`,
    danger: action === 'delete',
  });
  if (!ok) return;
  if (action === 'delete') await deleteMatching();
  else await reviewMatching(action);
}

function Tokens({ item }: { item: ExchangeSummary }) {
  const usage = item.usage;
  if (!usage) return <span class="muted">–</span>;
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  if (input === undefined && output === undefined) return <span>{usage.totalTokens === undefined ? '–' : formatCompact(usage.totalTokens)}</span>;
  return (
    <span title={`${formatNumber(input ?? 0)} in · ${formatNumber(output ?? 0)} out${usage.reasoningTokens ? ` · ${formatNumber(usage.reasoningTokens)} reasoning` : ''}`}>
      {formatCompact(input ?? 0)} <span class="muted">→</span> {formatCompact(output ?? 0)}
    </span>
  );
}

function Row({ item, index, focused, selected }: { item: ExchangeSummary; index: number; focused: boolean; selected: boolean }) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const open = () => {
    setFocus(index);
    navigate(`#/c/${encodeURIComponent(item.id)}`);
  };
  return (
    <tr
      ref={ref}
      class={`row ${focused ? 'focused' : ''} ${selected ? 'selected' : ''} row-${item.reviewState}`}
      data-id={item.id}
      aria-selected={focused}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('input, button, a')) return;
        open();
      }}
    >
      <td class="cell-check">
        <input type="checkbox" aria-label="Select" checked={selected} onChange={() => toggleSelected(item.id)} />
      </td>
      <td class="cell-time" title={formatFullTime(item.startedAt)}>
        {formatTime(item.startedAt)}
      </td>
      <td>
        <StateBadge state={item.reviewState} />
      </td>
      <td class="cell-model" title={item.model ?? ''}>
        {item.model ?? <span class="muted">–</span>}
      </td>
      <td class="cell-domain" title={item.domain}>
        {item.domain}
      </td>
      <td class="cell-preview">
        {item.edited && <span class="tag tag-edited">edited</span>}
        {item.functionCallOnly && <span class="tag tag-calls">calls only</span>}
        {item.apiKind !== 'chat' && <span class="tag">{item.apiKind}</span>}
        {item.incomplete && <span class="tag tag-warn">incomplete</span>}
        <a href={`#/c/${encodeURIComponent(item.id)}`} class="preview-link" onClick={(event) => (event.preventDefault(), open())}>
          {item.preview === '' ? <span class="muted">({item.apiKind} {item.path})</span> : item.preview.replaceAll('<image>', '[image]')}
        </a>
      </td>
      <td class="cell-num">{item.turnCount || <span class="muted">–</span>}</td>
      <td class="cell-tools">{item.hasTools ? <span class="tool-mark" title="Tools declared">ƒ</span> : ''}</td>
      <td class="cell-num">
        <Tokens item={item} />
      </td>
      <td class="cell-num">{formatDuration(item.durationMs)}</td>
      <td class="cell-status">
        {item.error ? (
          <span class="status-error" title={`${item.error.class}: ${item.error.message}`}>
            {item.status || 'ERR'}
          </span>
        ) : (
          <span class="muted">{item.status}</span>
        )}
      </td>
      <td class="cell-actions">
        <button type="button" class="icon-button ok" title="Confirm (c)" aria-label="Confirm" onClick={() => void review([item.id], 'confirmed')}>
          ✓
        </button>
        <button type="button" class="icon-button no" title="Reject (x)" aria-label="Reject" onClick={() => void review([item.id], 'rejected')}>
          ✕
        </button>
      </td>
    </tr>
  );
}

export function ListView({ state, facets, visible }: { state: ListState; facets: FacetsResponse | null; visible: boolean }) {
  const sentinel = useRef<HTMLDivElement>(null);
  // Back from a conversation: show the row the keyboard cursor is on.
  useEffect(() => {
    if (visible) document.querySelector('tr.row.focused')?.scrollIntoView({ block: 'center' });
  }, [visible]);
  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    // Entries may describe the layout before the last render: check where the sentinel is now.
    const observer = new IntersectionObserver(
      () => {
        if (target.getBoundingClientRect().top < window.innerHeight + 400) void loadMore();
      },
      { rootMargin: '400px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, []);

  // A page that did not fill the screen: keep loading while the end of the list is in view.
  useEffect(() => {
    const target = sentinel.current;
    if (!state.loading && state.nextCursor !== null && target && target.offsetParent !== null) {
      if (target.getBoundingClientRect().top < window.innerHeight + 400) void loadMore();
    }
  }, [state.items.length, state.loading, state.nextCursor]);

  const selected = [...state.selected];
  const allLoadedSelected = state.items.length > 0 && state.items.every((item) => state.selected.has(item.id));
  const emptyDatabase = state.total === 0 && Object.keys(state.filter).length === 0;

  return (
    <section class="list-view">
      <FilterBar state={state} facets={facets} />
      <div class="toolbar">
        <div class="toolbar-count" aria-live="polite">
          {state.total === null ? (state.loading ? 'Loading…' : '') : <strong>{state.totalIsLowerBound ? `${state.total.toLocaleString()}+ conversations` : plural(state.total, 'conversation')}</strong>}
          <select name="order" class="order-select" aria-label="Order" value={state.order} onChange={(event) => setOrder(event.currentTarget.value === 'asc' ? 'asc' : 'desc')}>
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
          <button type="button" class="icon-button refresh" title="Reload the list" aria-label="Reload the list" disabled={state.loading} onClick={() => void reload()}>
            ↻
          </button>
          {state.error && <span class="error-text"> · {state.error}</span>}
        </div>
        <div class="toolbar-actions">
          {selected.length > 0 ? (
            <>
              <span class="muted">{selected.length} selected:</span>
              {(['confirmed', 'rejected', 'pending'] as const).map((action) => (
                <button key={action} type="button" class={`button button-${action}`} onClick={() => void review(selected, action)}>
                  {VERBS[action].label}
                </button>
              ))}
              <button type="button" class="button button-danger-ghost" onClick={() => void confirmDelete(selected)}>
                Delete
              </button>
              <button type="button" class="button button-ghost" onClick={() => setSelected([])}>
                Clear
              </button>
            </>
          ) : (
            state.total !== null &&
            state.total > 0 && (
              <>
                <span class="muted">All matching:</span>
                {(['confirmed', 'rejected', 'pending'] as const).map((action) => (
                  <button key={action} type="button" class={`button button-${action}`} onClick={() => void bulkMatching(state, action)}>
                    {VERBS[action].label} all
                  </button>
                ))}
                <button type="button" class="button button-danger-ghost" onClick={() => void bulkMatching(state, 'delete')}>
                  Delete all
                </button>
              </>
            )
          )}
          <ExportMenu filter={state.filter} count={state.total} />
        </div>
      </div>
      {emptyDatabase ? (
        <div class="empty">
          <h2>No conversations recorded yet</h2>
          <p>Send a request through the proxy and it shows up here:</p>
          <pre class="code-block">{`curl http://localhost:8080/api.openai.com/v1/chat/completions \\
  -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" \\
  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`}</pre>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="list-table">
            <thead>
              <tr>
                <th class="cell-check">
                  <input
                    type="checkbox"
                    aria-label="Select all loaded"
                    checked={allLoadedSelected}
                    onChange={() => setSelected(allLoadedSelected ? [] : state.items.map((item) => item.id))}
                  />
                </th>
                <th>
                  <button
                    type="button"
                    class="sort-button"
                    title="Sort by time"
                    onClick={() => setOrder(state.order === 'asc' ? 'desc' : 'asc')}
                  >
                    Time {state.order === 'asc' ? '↑' : '↓'}
                  </button>
                </th>
                <th>State</th>
                <th>Model</th>
                <th>Domain</th>
                <th>First message</th>
                <th class="cell-num" title="Turns">Turns</th>
                <th title="Tools">Tools</th>
                <th class="cell-num">Tokens</th>
                <th class="cell-num">Latency</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {state.items.map((item, index) => (
                <Row key={item.id} item={item} index={index} focused={index === state.focus} selected={state.selected.has(item.id)} />
              ))}
            </tbody>
          </table>
          {state.items.length === 0 && !state.loading && <p class="empty-filter">No conversation matches these filters.</p>}
        </div>
      )}
      <div ref={sentinel} class="load-more">
        {state.nextCursor !== null && (
          <button type="button" class="button" disabled={state.loading} onClick={() => void loadMore()}>
            {state.loading ? 'Loading…' : 'Load more'}
          </button>
        )}
        {state.nextCursor === null && state.items.length > 0 && <span class="muted">End of list · {plural(state.items.length, 'conversation')}</span>}
      </div>
    </section>
  );
}
