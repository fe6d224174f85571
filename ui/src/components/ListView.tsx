// The conversation list: filters, bulk actions, the table, keyset "load more". By default one row
// per thread (a conversation recorded as successive requests), headed by the record the export
// keeps, expandable to its steps; a toggle shows single requests. Every row says whether it will
// export and, if not, why (the export's own reason codes).
import { useEffect, useRef } from 'preact/hooks';
import type { ExchangeSummary, ExportVerdict, FacetsResponse, ListItem, ReviewState, ThreadSummary } from '../../../src/admin/api-types.js';
import { formatCompact, formatDuration, formatFullTime, formatNumber, formatTime } from '../format.js';
import { useObservable } from '../observable.js';
import {
  deleteMatching,
  expanded,
  setExportable,
  setView,
  threadDetails,
  toggleThread,
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
import { ExportCount, ExportMenu } from './ExportMenu.js';
import { FilterBar } from './FilterBar.js';
import { FindingsBadge } from './Findings.js';
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

/** Will it export: a fixed-width badge (the column never shifts), the reasons in its title. */
export function ExportBadge({ verdict }: { verdict: ExportVerdict }) {
  if (verdict.exportable) {
    return (
      <span class="export-badge export-ok" title="The export keeps this row (ShareGPT; see the conversation for each format)">
        ✓ exports
      </span>
    );
  }
  const first = verdict.reasons[0];
  return (
    <span class="export-badge export-dropped" data-code={first?.code ?? ''} title={verdict.reasons.map((reason) => `${reason.code}: ${reason.message}`).join('\n')}>
      ✕ {first?.code ?? 'dropped'}
    </span>
  );
}

function Cells({ item, thread }: { item: ExchangeSummary & { export: ExportVerdict }; thread: ThreadSummary | undefined }) {
  const models = thread && thread.models.length > 1 ? thread.models.join(', ') : (item.model ?? null);
  return (
    <>
      <td class="cell-time" title={thread && thread.steps > 1 ? `${formatFullTime(thread.firstAt)} – ${formatFullTime(thread.lastAt)}` : formatFullTime(item.startedAt)}>
        {formatTime(thread ? thread.lastAt : item.startedAt)}
      </td>
      <td class="cell-state">
        <StateBadge state={item.reviewState} />
      </td>
      <td class="cell-export">
        <ExportBadge verdict={item.export} />
      </td>
      <td class="cell-model" title={models ?? ''}>
        {models ?? <span class="muted">–</span>}
      </td>
      <td class="cell-domain" title={item.domain}>
        {item.domain}
      </td>
    </>
  );
}

function TailCells({ item }: { item: ExchangeSummary }) {
  return (
    <>
      <td class="cell-num cell-turns">{item.turnCount || <span class="muted">–</span>}</td>
      <td class="cell-tools">{item.hasTools ? <span class="tool-mark" title="Tools declared">ƒ</span> : ''}</td>
      <td class="cell-num cell-tokens">
        <Tokens item={item} />
      </td>
      <td class="cell-num cell-latency">{formatDuration(item.durationMs)}</td>
      <td class="cell-status">
        {item.error ? (
          <span class="status-error" title={`${item.error.class}: ${item.error.message}`}>
            {item.status || 'ERR'}
          </span>
        ) : (
          <span class="muted">{item.status}</span>
        )}
      </td>
    </>
  );
}

function Tags({ item }: { item: ExchangeSummary & { annotation?: ListItem['annotation'] } }) {
  const annotation = item.annotation ?? null;
  return (
    <>
      {annotation?.rating != null && (
        <span class="rating" title={`rated ${annotation.rating} of 5`}>
          {'★'.repeat(annotation.rating)}
        </span>
      )}
      {annotation?.tags.map((tag) => (
        <span key={tag} class="tag tag-user" title={annotation.note}>
          {tag}
        </span>
      ))}
      {item.edited && <span class="tag tag-edited">edited</span>}
      {item.functionCallOnly && <span class="tag tag-calls">calls only</span>}
      {item.client && <span class="tag" title={item.clientVersion ? `${item.client} ${item.clientVersion}` : item.client}>{item.client}</span>}
      {item.sideCall && <span class="tag tag-warn" title="An agent's call for itself, not a session step">{item.sideCall}</span>}
      {item.apiKind !== 'chat' && <span class="tag">{item.apiKind}</span>}
      {item.incomplete && <span class="tag tag-warn">incomplete</span>}
    </>
  );
}

function Row({ item, index, focused, selected, thread }: { item: ListItem; index: number; focused: boolean; selected: boolean; thread: ThreadSummary | undefined }) {
  const ref = useRef<HTMLTableRowElement>(null);
  const open = useObservable(expanded);
  const threads = useObservable(threadDetails);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const openRecord = (id: string) => {
    setFocus(index);
    navigate(`#/c/${encodeURIComponent(id)}`);
  };
  const multi = thread !== undefined && thread.steps > 1;
  const isOpen = multi && open.has(thread.threadId);
  const steps = isOpen ? threads[thread.threadId]?.steps : undefined;
  return (
    <>
      <tr
        ref={ref}
        class={`row ${focused ? 'focused' : ''} ${selected ? 'selected' : ''} row-${item.reviewState} ${multi ? 'row-thread' : ''}`}
        data-id={item.id}
        data-thread={item.threadId}
        aria-selected={focused}
        onClick={(event) => {
          if ((event.target as HTMLElement).closest('input, button, a')) return;
          openRecord(item.id);
        }}
      >
        <td class="cell-check">
          <input type="checkbox" aria-label="Select" checked={selected} onChange={() => toggleSelected(item.id)} />
        </td>
        <Cells item={item} thread={thread} />
        <td class="cell-preview">
          {multi && (
            <button
              type="button"
              class="expand-button"
              aria-expanded={isOpen}
              title={`${thread.steps} requests in this conversation: show them`}
              onClick={() => toggleThread(thread.threadId)}
            >
              {isOpen ? '▾' : '▸'} <span class="step-count">{thread.steps} steps</span>
            </button>
          )}
          {multi && thread.leaves > 1 && (
            <span class="tag tag-branch" title="Two requests extended the same history differently (a regenerated answer, an edited prompt): the export keeps the end of each branch, and reviewing the thread reviews them all">
              {thread.leaves} branches
            </span>
          )}
          <Tags item={item} />
          <FindingsBadge findings={item.findings} />
          <a href={`#/c/${encodeURIComponent(item.id)}`} class="preview-link" onClick={(event) => (event.preventDefault(), openRecord(item.id))}>
            {item.preview === '' ? <span class="muted">({item.apiKind} {item.path})</span> : item.preview.replaceAll('<image>', '[image]')}
          </a>
        </td>
        <TailCells item={item} />
        <td class="cell-actions">
          <button type="button" class="icon-button ok" title="Confirm (c)" aria-label="Confirm" onClick={() => void review([item.id], 'confirmed')}>
            ✓
          </button>
          <button type="button" class="icon-button no" title="Reject (x)" aria-label="Reject" onClick={() => void review([item.id], 'rejected')}>
            ✕
          </button>
        </td>
      </tr>
      {isOpen && steps === undefined && (
        <tr class="step-row">
          <td />
          <td colSpan={12} class="muted">
            Loading the steps…
          </td>
        </tr>
      )}
      {steps?.map((step, position) => (
        <tr
          key={step.id}
          class={`step-row row-${step.reviewState} ${step.exported ? 'step-exported' : ''}`}
          data-id={step.id}
          onClick={(event) => {
            if ((event.target as HTMLElement).closest('input, button, a')) return;
            openRecord(step.id);
          }}
        >
          <td class="cell-check step-index">{position + 1}</td>
          <Cells item={step} thread={undefined} />
          <td class="cell-preview">
            <span class="step-link">
              {step.continues === null ? 'first request' : `continues step ${step.continues + 1}`} · +{step.newTurns} turn{step.newTurns === 1 ? '' : 's'}
            </span>
            {step.exported && <span class="tag tag-exported">exported</span>}
            {step.leaf && thread!.leaves > 1 && <span class="tag tag-branch">branch end</span>}
            <Tags item={step} />
            <FindingsBadge findings={step.findings} />
          </td>
          <TailCells item={step} />
          <td class="cell-actions" />
        </tr>
      ))}
    </>
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
          <div class="view-toggle" role="group" aria-label="Show">
            <button type="button" class={`toggle ${state.view === 'threads' ? 'active' : ''}`} aria-pressed={state.view === 'threads'} onClick={() => setView('threads')} title="One row per conversation (thread)">
              Threads
            </button>
            <button type="button" class={`toggle ${state.view === 'requests' ? 'active' : ''}`} aria-pressed={state.view === 'requests'} onClick={() => setView('requests')} title="One row per recorded request">
              Requests
            </button>
          </div>
          {state.total === null ? (
            state.loading ? 'Loading…' : ''
          ) : (
            <strong class="total">
              {state.totalIsLowerBound
                ? `${state.total.toLocaleString()}+ ${state.view === 'threads' ? 'conversations' : 'requests'}`
                : plural(state.total, state.view === 'threads' ? 'conversation' : 'request')}
            </strong>
          )}
          <ExportCount />
          <select
            name="exportable"
            class="exportable-select"
            aria-label="Exportability"
            value={state.exportable === undefined ? '' : String(state.exportable)}
            onChange={(event) => setExportable(event.currentTarget.value === '' ? undefined : event.currentTarget.value === 'true')}
          >
            <option value="">exportable or not</option>
            <option value="true">exportable</option>
            <option value="false">will be dropped</option>
          </select>
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
                <th class="cell-state">State</th>
                <th class="cell-export">Export</th>
                <th class="cell-model">Model</th>
                <th class="cell-domain">Domain</th>
                <th class="cell-preview">First message</th>
                <th class="cell-num cell-turns" title="Turns">Turns</th>
                <th class="cell-tools" title="Tools">Tools</th>
                <th class="cell-num cell-tokens">Tokens</th>
                <th class="cell-num cell-latency">Latency</th>
                <th class="cell-status">Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {state.items.map((item, index) => (
                <Row
                  key={item.id}
                  item={item}
                  index={index}
                  focused={index === state.focus}
                  selected={state.selected.has(item.id)}
                  thread={state.view === 'threads' ? state.threads[item.id] : undefined}
                />
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
