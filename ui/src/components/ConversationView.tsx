// One conversation: metadata, review actions, the system prompt, tools, every turn as a bubble,
// and the raw request and response one click away. j/k move through the list it was opened from.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ExchangeDetail, ReviewState, ShareGptRow, ThreadDetail } from '../../../src/admin/api-types.js';
import { IMAGE_PLACEHOLDER } from '../../../src/admin/api-types.js';
import { formatCompact, formatDuration, formatFullTime, formatNumber, formatTime } from '../format.js';
import { registerKeys } from '../keyboard.js';
import { useObservable } from '../observable.js';
import { details, list, loadDetail, loadMore, loadThread, reviewItem, saveAnnotation, saveEdit, setFocus, threadDetails, undoLastReview } from '../review-store.js';
import { currentRoute, listHash, navigate, route } from '../route.js';
import { CodeBlock, JsonBlock, prettyText } from './JsonBlock.js';
import { FindingsContext, NearDuplicates, PrivacySummary } from './Findings.js';
import { confirmDelete, ExportBadge } from './ListView.js';
import { needlesOf } from '../mark-findings.js';
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
    ['Finish', detail.finishReason ?? '–'],
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

const FORMAT_LABELS = { sharegpt: 'ShareGPT', 'openai-messages': 'OpenAI messages', 'openai-ft': 'OpenAI fine-tuning' } as const;

/** Will it export, per format, with the export's reasons (before anyone confirms it). */
function Verdict({ detail }: { detail: ExchangeDetail }) {
  const verdict = detail.export;
  return (
    <section class={`verdict ${verdict.exportable ? 'verdict-ok' : 'verdict-dropped'}`} aria-label="Export verdict">
      <ExportBadge verdict={verdict} />
      <span class="verdict-text">
        {verdict.exportable
          ? detail.reviewState === 'confirmed'
            ? 'Confirmed: the export writes this row.'
            : 'The export would write this row once it is confirmed.'
          : 'The export drops this row:'}
      </span>
      {!verdict.exportable && (
        <ul class="verdict-reasons">
          {verdict.reasons.map((reason) => (
            <li key={reason.code + reason.message}>
              <code>{reason.code}</code> {reason.message}
            </li>
          ))}
        </ul>
      )}
      <span class="verdict-formats">
        {(Object.keys(FORMAT_LABELS) as Array<keyof typeof FORMAT_LABELS>).map((format) => {
          const one = verdict.formats[format];
          if (!one) return null;
          return (
            <span key={format} class={`verdict-format ${one.valid ? 'ok' : 'no'}`} title={one.reasons.map((reason) => `${reason.code}: ${reason.message}`).join('\n')}>
              {one.valid ? '✓' : '✕'} {FORMAT_LABELS[format]}
            </span>
          );
        })}
      </span>
    </section>
  );
}

/** The reviewer's note, tags (comma separated) and 1-5 rating for this record; counted in the export report. */
function AnnotationPanel({ detail }: { detail: ExchangeDetail }) {
  const current = detail.annotation;
  const [note, setNote] = useState(current?.note ?? '');
  const [tags, setTags] = useState(current?.tags.join(', ') ?? '');
  const [rating, setRating] = useState(current?.rating === null || current === null ? '' : String(current.rating));
  useEffect(() => {
    setNote(current?.note ?? '');
    setTags(current?.tags.join(', ') ?? '');
    setRating(current === null || current.rating === null ? '' : String(current.rating));
  }, [detail.id, current?.updatedAt]);
  const save = () =>
    void saveAnnotation(detail.id, { note, tags: tags.split(',').map((tag) => tag.trim()).filter((tag) => tag !== ''), rating: rating === '' ? null : Number(rating) });
  return (
    <details class="annotation" open={current !== null}>
      <summary>
        <span class="section-label">Note and tags</span>
        {current && (
          <span class="annotation-summary">
            {current.rating !== null && <span class="rating">{'★'.repeat(current.rating)}</span>}
            {current.tags.map((tag) => (
              <span key={tag} class="tag tag-user">
                {tag}
              </span>
            ))}
          </span>
        )}
      </summary>
      <div class="annotation-fields">
        <label class="field annotation-note">
          <span>Note</span>
          <textarea name="note" rows={2} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Tags (comma separated)</span>
          <input name="tags" class="input" value={tags} placeholder="good-tool-use, retry" onInput={(event) => setTags(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Rating</span>
          <select name="rating" value={rating} onChange={(event) => setRating(event.currentTarget.value)}>
            <option value="">–</option>
            {[1, 2, 3, 4, 5].map((value) => (
              <option key={value} value={String(value)}>
                {'★'.repeat(value)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button annotation-save" onClick={save}>
          Save note
        </button>
      </div>
    </details>
  );
}

/** Every request of the thread, oldest first: timing, tokens, where it continued, the branch, what the export keeps. */
function Trajectory({ thread, currentId }: { thread: ThreadDetail; currentId: string }) {
  if (thread.steps.length < 2) return null;
  return (
    <details class="trajectory" open>
      <summary>
        <span class="section-label">
          Thread: {thread.steps.length} requests{thread.leaves > 1 ? ` · ${thread.leaves} branches` : ''}
        </span>
        <span class="muted"> the export keeps the one marked “exported”</span>
      </summary>
      <ol class="trajectory-steps">
        {thread.steps.map((step, index) => (
          <li key={step.id} class={`trajectory-step ${step.id === currentId ? 'current' : ''} ${step.exported ? 'step-exported' : ''}`} data-id={step.id}>
            <a href={`#/c/${encodeURIComponent(step.id)}`}>
              <span class="step-number">{index + 1}</span>
              <span class="step-time" title={formatFullTime(step.startedAt)}>
                {formatTime(step.startedAt)}
              </span>
              <span class="step-continues">{step.continues === null ? 'first request' : `continues ${step.continues + 1}`}</span>
              <span class="step-turns">+{step.newTurns} turns</span>
              <span class="step-duration">{formatDuration(step.durationMs)}</span>
              <span class="step-tokens">
                {step.usage ? `${formatCompact(step.usage.inputTokens ?? 0)} → ${formatCompact(step.usage.outputTokens ?? 0)}` : '–'}
              </span>
              <StateBadge state={step.reviewState} />
              <ExportBadge verdict={step.export} />
              {step.exported && <span class="tag tag-exported">exported</span>}
              {step.leaf && thread.leaves > 1 && <span class="tag tag-branch">branch end</span>}
            </a>
          </li>
        ))}
      </ol>
    </details>
  );
}

/** The messages a request carried, read loosely from its body (any chat wire format), for an exchange with no row. */
function requestMessages(body: string): Array<{ role: string; text: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const request = parsed as Record<string, unknown>;
  const textOf = (content: unknown): string => {
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.map((part) => textOf(typeof part === 'object' && part !== null ? ((part as Record<string, unknown>)['text'] ?? (part as Record<string, unknown>)['content'] ?? '') : part)).join('\n');
    return content === undefined || content === null ? '' : JSON.stringify(content);
  };
  const out: Array<{ role: string; text: string }> = [];
  if (typeof request['system'] === 'string' || Array.isArray(request['system'])) out.push({ role: 'system', text: textOf(request['system']) });
  const list = (request['messages'] ?? request['contents'] ?? request['input']) as unknown;
  if (typeof list === 'string') out.push({ role: 'user', text: list });
  if (Array.isArray(list)) {
    for (const message of list) {
      if (typeof message !== 'object' || message === null) continue;
      const entry = message as Record<string, unknown>;
      out.push({ role: String(entry['role'] ?? 'user'), text: textOf(entry['content'] ?? entry['parts'] ?? entry['tool_calls'] ?? '') });
    }
  }
  return out;
}

function ErroredExchange({ detail }: { detail: ExchangeDetail }) {
  const messages = requestMessages(detail.requestBody);
  return (
    <div class="conversation errored">
      <div class="section-label">Request messages (the exchange failed: there is no answer)</div>
      {messages.length === 0 && <p class="muted">No messages could be read from the request body: see the Raw request tab.</p>}
      <div class="turns">
        {messages.map((message, index) => (
          <div key={index} class={`turn request-message role-${message.role}`}>
            <div class="turn-role">{message.role}</div>
            <Markdown text={message.text} />
          </div>
        ))}
      </div>
      {detail.error && (
        <div class="error-box">
          <strong>{detail.error.class}</strong>: {detail.error.message}
        </div>
      )}
    </div>
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

  if (row === null && detail.apiKind === 'chat' && (detail.error !== null || detail.status >= 400)) return <ErroredExchange detail={detail} />;
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
  const threads = useObservable(threadDetails);
  const thread = detail ? threads[detail.threadId] : undefined;
  const threadId = detail?.threadId;
  const needles = useMemo(() => (detail ? needlesOf(detail) : []), [detail]);
  // Read once per thread (cached), again when this record's review state changes (the trajectory shows it).
  const threadShown = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (threadId === undefined) return;
    const again = threadShown.current === threadId;
    threadShown.current = threadId;
    loadThread(threadId, again).catch(() => undefined);
  }, [threadId, detail?.reviewState]);

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
    const current = currentRoute();
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
  const back = () => navigate(listHash(list.get().filter, list.get()));
  const setState = (reviewState: ReviewState) => void reviewItem(shownId(), reviewState);
  /** c / x: one key per item, review and go to the next (stay when this is the last). */
  const reviewAndNext = (reviewState: ReviewState) => {
    setState(reviewState);
    void go(1);
  };
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
          reviewAndNext('confirmed');
          return true;
        case 'x':
          reviewAndNext('rejected');
          return true;
        case 'z':
          void undoLastReview().then((ids) => {
            const [undone] = ids;
            if (undone !== undefined && undone !== shownId()) navigate(`#/c/${encodeURIComponent(undone)}`);
          });
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
        <a class="button button-ghost" href={listHash(state.filter, state)}>
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
          <Verdict detail={detail} />
          <PrivacySummary detail={detail} />
          <AnnotationPanel detail={detail} />
          <NearDuplicates key={detail.id} id={detail.id} />
          {thread && <Trajectory thread={thread} currentId={detail.id} />}
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
          <FindingsContext.Provider value={needles}>
            {tab === 'conversation' && <ConversationBody detail={detail} showOriginal={showOriginal} />}
            {tab === 'request' && <Raw body={detail.requestBody} label="request body" />}
            {tab === 'response' && <Raw body={detail.responseBody} label="response body" />}
          </FindingsContext.Provider>
        </>
      )}
    </section>
  );
}
