// One conversation: metadata, review actions, the system prompt, tools, every turn as a bubble,
// and the raw request and response one click away. j/k move through the list it was opened from.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ExchangeDetail, ReviewState, ShareGptRow } from '../../../src/admin/api-types.js';
import { IMAGE_PLACEHOLDER } from '../../../src/admin/api-types.js';
import { formatDuration, formatFullTime, formatNumber } from '../format.js';
import { registerKeys } from '../keyboard.js';
import { useObservable } from '../observable.js';
import { details, list, loadDetail, loadMore, review, saveEdit, setFocus } from '../review-store.js';
import { listHash, navigate, route } from '../route.js';
import { CodeBlock, JsonBlock, prettyText } from './JsonBlock.js';
import { confirmDelete } from './ListView.js';
import { Markdown } from './Markdown.js';
import { StateBadge } from './StateBadge.js';
import { Turn } from './Turn.js';

type Tab = 'conversation' | 'request' | 'response';

function parseTools(tools: string): { names: string[]; value: unknown } | null {
  if (tools === '') return null;
  try {
    const value = JSON.parse(tools) as unknown;
    const names = Array.isArray(value)
      ? value.map((tool) => (typeof tool === 'object' && tool !== null && typeof (tool as { name?: unknown }).name === 'string' ? (tool as { name: string }).name : '?'))
      : [];
    return { names, value };
  } catch {
    return { names: [], value: tools };
  }
}

function Raw({ body, label }: { body: string; label: string }) {
  const pretty = useMemo(() => prettyText(body), [body]);
  if (body === '') return <p class="muted">(empty {label})</p>;
  return (
    <div class="raw">
      <div class="raw-meta muted">
        {label} · {formatNumber(body.length)} characters{pretty.json ? ' · JSON, pretty-printed' : ''}
      </div>
      <CodeBlock code={pretty.text} language={pretty.json ? 'json' : ''} class="raw-code" />
    </div>
  );
}

function Meta({ detail }: { detail: ExchangeDetail }) {
  const usage = detail.usage;
  const items: Array<[string, string]> = [
    ['Time', formatFullTime(detail.startedAt)],
    ['Model', detail.model ?? '–'],
    ['Client', `${detail.client ? `${detail.client}${detail.clientVersion ? ` ${detail.clientVersion}` : ''}` : '–'}${detail.sideCall ? ` · side call (${detail.sideCall})` : ''}`],
    ['Endpoint', `${detail.method} ${detail.domain}${detail.path}`],
    ['API', `${detail.apiKind} · ${detail.wireFormat}${detail.upstreamProvider ? ` via ${detail.upstreamProvider}` : ''}`],
    ['Status', `${detail.status}${detail.streamed ? ' · streamed' : ''}${detail.incomplete ? ' · incomplete' : ''}`],
    ['Latency', `${formatDuration(detail.durationMs)}${detail.ttfbMs !== null ? ` · first byte ${formatDuration(detail.ttfbMs)}` : ''}`],
    [
      'Tokens',
      usage
        ? [
            usage.inputTokens !== undefined ? `${formatNumber(usage.inputTokens)} in` : '',
            usage.outputTokens !== undefined ? `${formatNumber(usage.outputTokens)} out` : '',
            usage.reasoningTokens ? `${formatNumber(usage.reasoningTokens)} reasoning` : '',
            usage.cachedInputTokens ? `${formatNumber(usage.cachedInputTokens)} cached` : '',
          ]
            .filter((part) => part !== '')
            .join(' · ') || (usage.totalTokens !== undefined ? `${formatNumber(usage.totalTokens)} total` : '–')
        : '–',
    ],
  ];
  return (
    <dl class="meta">
      {items.map(([label, value]) => (
        <div key={label} class="meta-item">
          <dt>{label}</dt>
          <dd title={value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ConversationBody({ detail, showOriginal }: { detail: ExchangeDetail; showOriginal: boolean }) {
  const [editing, setEditing] = useState<number | null>(null);
  useEffect(() => setEditing(null), [detail.id]);
  const row = (showOriginal ? detail.sharegpt : detail.editedSharegpt ?? detail.sharegpt) as ShareGptRow | null;

  useEffect(
    () =>
      registerKeys((key) => {
        if (key === 'e' && row && !showOriginal) {
          const last = row.conversations.map((turn) => turn.from).lastIndexOf('gpt');
          setEditing(last === -1 ? row.conversations.length - 1 : last);
          return true;
        }
        return false;
      }),
  );

  if (row === null) {
    return (
      <div class="empty">
        <p>
          This exchange is not a chat conversation ({detail.apiKind} {detail.path}): there is no ShareGPT row. Its request and response are in
          the Request and Response tabs.
        </p>
      </div>
    );
  }
  const tools = parseTools(row.tools);
  const original = detail.sharegpt;
  let imageCursor = 0;
  const save = async (index: number, value: string) => {
    const base = detail.editedSharegpt ?? detail.sharegpt!;
    const next: ShareGptRow = {
      ...base,
      conversations: base.conversations.map((turn, position) => (position === index ? { ...turn, value } : turn)),
    };
    if (await saveEdit(detail.id, next)) setEditing(null);
  };
  return (
    <div class="conversation">
      {row.system !== '' && (
        <section class="system">
          <div class="section-label">System prompt</div>
          <Markdown text={row.system} />
        </section>
      )}
      {tools && (
        <details class="tools">
          <summary>
            <span class="section-label">Tools ({tools.names.length})</span>
            <span class="tool-names">{tools.names.join(', ')}</span>
          </summary>
          <JsonBlock value={tools.value} />
        </details>
      )}
      <div class="turns">
        {row.conversations.map((turn, index) => {
          const firstImage = imageCursor;
          imageCursor += turn.value.split(IMAGE_PLACEHOLDER).length - 1;
          const changed = !showOriginal && detail.editedSharegpt !== null && original?.conversations[index]?.value !== turn.value;
          return (
            <Turn
              key={`${detail.id}-${index}`}
              turn={turn}
              index={index}
              images={row.images}
              firstImage={firstImage}
              editing={editing === index && !showOriginal}
              changed={changed}
              onStartEdit={() => setEditing(index)}
              onCancelEdit={() => setEditing(null)}
              onSave={(value) => void save(index, value)}
            />
          );
        })}
      </div>
    </div>
  );
}

export function ConversationView({ id }: { id: string }) {
  const state = useObservable(list);
  const cache = useObservable(details);
  const detail = cache[id];
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('conversation');
  const [showOriginal, setShowOriginal] = useState(false);
  const position = state.items.findIndex((item) => item.id === id);

  useEffect(() => {
    setError(null);
    setShowOriginal(false);
    loadDetail(id).catch((failure: Error) => setError(failure.message));
    if (position !== -1) setFocus(position);
    // Prefetch the neighbours so j/k is instant.
    for (const neighbour of [state.items[position + 1], state.items[position - 1]]) {
      if (neighbour && position !== -1) loadDetail(neighbour.id).catch(() => undefined);
    }
    window.scrollTo(0, 0);
  }, [id]);

  // Key handlers read the conversation on screen and the list at the moment of the key press: a
  // handler registered by an earlier render must never act on the previous conversation.
  const shownId = (): string => {
    const current = route.get();
    return current.name === 'conversation' ? current.id : id;
  };
  const positionNow = (): number => list.get().items.findIndex((item) => item.id === shownId());
  const go = async (step: 1 | -1) => {
    const from = positionNow();
    const target = from + step;
    if (from === -1 || target < 0) return;
    if (target >= list.get().items.length) {
      if (list.get().nextCursor === null) return;
      await loadMore();
    }
    const next = list.get().items[target];
    if (next) navigate(`#/c/${encodeURIComponent(next.id)}`);
  };
  const back = () => navigate(listHash(list.get().filter, list.get().order));
  const setState = (reviewState: ReviewState) => void review([shownId()], reviewState);
  const remove = async () => {
    const target = shownId();
    const from = positionNow();
    const items = list.get().items;
    const neighbour = from === -1 ? undefined : (items[from + 1] ?? items[from - 1]);
    if (!(await confirmDelete([target]))) return;
    if (neighbour) navigate(`#/c/${encodeURIComponent(neighbour.id)}`);
    else back();
  };

  useEffect(() =>
    registerKeys((key) => {
      switch (key) {
        case 'j':
        case 'ArrowDown':
          void go(1);
          return true;
        case 'k':
        case 'ArrowUp':
          void go(-1);
          return true;
        case 'Escape':
        case 'Backspace':
          back();
          return true;
        case 'c':
          setState('confirmed');
          return true;
        case 'x':
          setState('rejected');
          return true;
        case 'u':
          setState('pending');
          return true;
        case 'r':
          setTab(tab === 'request' ? 'response' : tab === 'response' ? 'conversation' : 'request');
          return true;
        case '#':
        case 'Delete':
          void remove();
          return true;
        default:
          return false;
      }
    }),
  );

  return (
    <section class="conversation-view">
      <div class="conversation-nav">
        <a class="button button-ghost" href={listHash(state.filter, state.order)}>
          ← Conversations
        </a>
        <div class="pager">
          <button type="button" class="button" disabled={position <= 0} onClick={() => void go(-1)} title="Previous (k)">
            ↑ Prev
          </button>
          <span class="muted">
            {position === -1 ? '' : `${position + 1} / ${state.total === null ? state.items.length : state.total.toLocaleString()}`}
          </span>
          <button
            type="button"
            class="button"
            disabled={position === -1 || (position >= state.items.length - 1 && state.nextCursor === null)}
            onClick={() => void go(1)}
            title="Next (j)"
          >
            Next ↓
          </button>
        </div>
      </div>
      {error && <div class="error-box">Could not load this conversation: {error}</div>}
      {!detail && !error && <div class="loading">Loading…</div>}
      {detail && (
        <>
          <div class="review-bar">
            <StateBadge state={detail.reviewState} />
            <div class="review-actions">
              <button type="button" class={`button button-confirmed ${detail.reviewState === 'confirmed' ? 'active' : ''}`} onClick={() => setState('confirmed')}>
                ✓ Confirm <kbd>c</kbd>
              </button>
              <button type="button" class={`button button-rejected ${detail.reviewState === 'rejected' ? 'active' : ''}`} onClick={() => setState('rejected')}>
                ✕ Reject <kbd>x</kbd>
              </button>
              <button type="button" class="button button-pending" disabled={detail.reviewState === 'pending'} onClick={() => setState('pending')}>
                Reset <kbd>u</kbd>
              </button>
              <button type="button" class="button button-danger-ghost" onClick={() => void remove()}>
                Delete
              </button>
            </div>
          </div>
          <Meta detail={detail} />
          {detail.error && (
            <div class="error-box">
              <strong>{detail.error.class}</strong>: {detail.error.message}
            </div>
          )}
          {detail.editedSharegpt !== null && (
            <div class="edited-banner">
              <span>
                <strong>Edited.</strong> The export uses this edited version; the original capture is kept.
              </span>
              <button type="button" class="button button-ghost" onClick={() => setShowOriginal(!showOriginal)}>
                {showOriginal ? 'Show edited' : 'Show original'}
              </button>
              <button type="button" class="button button-ghost" onClick={() => void saveEdit(detail.id, null)}>
                Revert to original
              </button>
            </div>
          )}
          <div class="tabs" role="tablist">
            {(
              [
                ['conversation', 'Conversation'],
                ['request', 'Raw request'],
                ['response', 'Raw response'],
              ] as const
            ).map(([name, label]) => (
              <button key={name} type="button" role="tab" aria-selected={tab === name} class={`tab ${tab === name ? 'active' : ''}`} onClick={() => setTab(name)}>
                {label}
              </button>
            ))}
            <span class="tabs-hint muted">
              <kbd>r</kbd> cycles · <kbd>e</kbd> edits the answer
            </span>
          </div>
          {tab === 'conversation' && <ConversationBody detail={detail} showOriginal={showOriginal} />}
          {tab === 'request' && <Raw body={detail.requestBody} label="request body" />}
          {tab === 'response' && <Raw body={detail.responseBody} label="response body" />}
        </>
      )}
    </section>
  );
}
