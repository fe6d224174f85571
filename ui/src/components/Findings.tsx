// The review UI's privacy marks: the list badge (from the background scan's counts), the detail
// view's summary, the context that tells every text renderer what to highlight, plain text with
// its findings marked, and a record's near-duplicates (GET /api/exchanges/:id/near-duplicates).
import { createContext } from 'preact';
import { useContext, useMemo, useState } from 'preact/hooks';
import type { ExchangeDetail, ListFindings, NearDuplicatesResponse } from '../../../src/admin/api-types.js';
import { api } from '../api.js';
import { formatTime } from '../format.js';
import { findRanges, type Needle } from '../mark-findings.js';
import { StateBadge } from './StateBadge.js';

/** What the texts of the record on screen should highlight (empty elsewhere). */
export const FindingsContext = createContext<readonly Needle[]>([]);

export function useFindingNeedles(): readonly Needle[] {
  return useContext(FindingsContext);
}

const KIND_NAMES: Record<string, string> = { secret: 'secret', email: 'e-mail', phone: 'phone', ip: 'IP', credit_card: 'card', iban: 'IBAN' };

function kindsText(kinds: Record<string, number>, personalOnly: boolean): string {
  return Object.entries(kinds)
    .filter(([kind]) => (personalOnly ? kind !== 'secret' : kind === 'secret'))
    .map(([kind, count]) => `${count} ${KIND_NAMES[kind] ?? kind}`)
    .join(', ');
}

/** The list row's marks: secrets, personal data, or that the scan has not reached the record yet. */
export function FindingsBadge({ findings }: { findings: ListFindings | null | undefined }) {
  if (findings === undefined) return null;
  if (findings === null) {
    return (
      <span class="tag tag-unscanned" data-findings="unscanned" title="The background privacy scan has not reached this record yet">
        not scanned
      </span>
    );
  }
  return (
    <>
      {findings.secrets > 0 && (
        <span class="tag tag-secret" data-findings="secrets" title={`${kindsText(findings.kinds, false)} found: the export redacts secrets`}>
          {findings.secrets === 1 ? 'secret' : `${findings.secrets} secrets`}
        </span>
      )}
      {findings.personal > 0 && (
        <span class="tag tag-personal" data-findings="personal" title={`${kindsText(findings.kinds, true)} found (personal data)`}>
          personal data
        </span>
      )}
    </>
  );
}

/** Plain text (a <pre>) with the findings marked. */
export function MarkedText({ text }: { text: string }) {
  const needles = useFindingNeedles();
  const ranges = useMemo(() => findRanges(text, needles), [text, needles]);
  if (ranges.length === 0) return <>{text}</>;
  const parts = [];
  let cursor = 0;
  for (const [index, range] of ranges.entries()) {
    if (range.start > cursor) parts.push(text.slice(cursor, range.start));
    parts.push(
      <mark key={index} class={`finding finding-${range.needle.kind === 'secret' ? 'secret' : 'personal'}`} title={range.needle.label} data-kind={range.needle.kind}>
        {text.slice(range.start, range.end)}
      </mark>,
    );
    cursor = range.end;
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return <>{parts}</>;
}

/** The detail view's summary of what the scan of this row found (computed with the answer). */
export function PrivacySummary({ detail }: { detail: ExchangeDetail }) {
  const { privacy } = detail;
  if (detail.sharegpt === null && detail.editedSharegpt === null) return null;
  if (privacy.count === 0) {
    return (
      <section class="privacy privacy-clean" aria-label="Privacy findings">
        No secrets or personal data found in the row the export writes.
      </section>
    );
  }
  const secrets = privacy.kinds.secret ?? 0;
  const rules = [...new Set(privacy.places.filter((place) => place.kind === 'secret').map((place) => place.rule))];
  const personal = Object.entries(privacy.kinds).filter(([kind]) => kind !== 'secret');
  return (
    <section class={`privacy ${secrets > 0 ? 'privacy-secret' : 'privacy-personal'}`} aria-label="Privacy findings">
      <strong>Privacy:</strong>{' '}
      {secrets > 0 && (
        <span class="privacy-secrets">
          {secrets} secret{secrets === 1 ? '' : 's'} ({rules.join(', ')}), redacted by the export
        </span>
      )}
      {secrets > 0 && personal.length > 0 && ' · '}
      {personal.length > 0 && <span class="privacy-personal-kinds">personal data: {personal.map(([kind, count]) => `${count} ${KIND_NAMES[kind] ?? kind}`).join(', ')}</span>}
      <span class="muted"> · {privacy.spans.length} place{privacy.spans.length === 1 ? '' : 's'} highlighted below (hover for the rule)</span>
    </section>
  );
}

/** The records the export's near-dedup would group with this one, read when opened. */
export function NearDuplicates({ id }: { id: string }) {
  const [answer, setAnswer] = useState<NearDuplicatesResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const load = () => {
    if (loadedFor === id) return;
    setLoadedFor(id);
    setAnswer(null);
    setError(null);
    api.nearDuplicates(id).then(setAnswer, (failure: Error) => setError(failure.message));
  };
  return (
    <details class="near-duplicates" onToggle={(event) => (event.currentTarget as HTMLDetailsElement).open && load()}>
      <summary>
        <span class="section-label">Near-duplicates</span>
        <span class="muted"> records the export's near-dedup would group with this one</span>
      </summary>
      {error && <div class="error-box">Could not load the near-duplicates: {error}</div>}
      {!answer && !error && <div class="loading">Loading…</div>}
      {answer && !answer.scanned && <p class="muted">The background scan has not reached this record yet: try again in a moment.</p>}
      {answer && answer.scanned && answer.items.length === 0 && (
        <p class="muted near-none">No near-duplicates (similarity of at least {Math.round(answer.threshold * 100)}%).</p>
      )}
      {answer && answer.items.length > 0 && (
        <ol class="near-list">
          {answer.items.map((item) => (
            <li key={item.id} data-id={item.id}>
              <a href={`#/c/${encodeURIComponent(item.id)}`}>
                <span class="near-similarity" title="Estimated Jaccard similarity of the turns' word shingles (MinHash)">
                  {Math.round(item.similarity * 100)}%
                </span>
                <span class="near-time">{formatTime(item.startedAt)}</span>
                <StateBadge state={item.reviewState} />
                <span class="near-preview">{item.preview}</span>
              </a>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
