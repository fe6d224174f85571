// The list's filters: full-text search, review state, model, domain, API kind, date range, tools,
// function-call-only, errors, and the time order. Every change reloads the first page.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFilter, FacetsResponse } from '../../../src/admin/api-types.js';
import { API_KINDS } from '../../../src/admin/api-types.js';
import { fromDateInput, toDateInput } from '../format.js';
import { setFilter, type ListState } from '../review-store.js';

type Tri = '' | 'true' | 'false';
const tri = (value: boolean | undefined): Tri => (value === undefined ? '' : value ? 'true' : 'false');
const fromTri = (value: string): boolean | undefined => (value === 'true' ? true : value === 'false' ? false : undefined);

function patch(filter: ApiFilter, key: keyof ApiFilter, value: ApiFilter[keyof ApiFilter] | undefined): ApiFilter {
  const next: Record<string, unknown> = { ...filter };
  if (value === undefined || value === '') delete next[key];
  else next[key] = value;
  return next as ApiFilter;
}

export function FilterBar({ state, facets }: { state: ListState; facets: FacetsResponse | null }) {
  const { filter } = state;
  const [query, setQuery] = useState(filter.q ?? '');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setQuery(filter.q ?? ''), [filter.q]);
  const applyQuery = (value: string) => {
    window.clearTimeout(timer.current);
    if ((filter.q ?? '') !== value.trim()) setFilter(patch(filter, 'q', value.trim()));
  };
  const update = (key: keyof ApiFilter, value: ApiFilter[keyof ApiFilter] | undefined) => setFilter(patch(filter, key, value));
  const active = Object.keys(filter).length > 0;
  const models = facets?.models ?? [];
  const domains = facets?.domains ?? [];

  return (
    <div class="filters" role="search">
      <div class="search">
        <svg viewBox="0 0 20 20" aria-hidden="true" class="search-icon">
          <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="2" />
          <path d="M13 13l4.5 4.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
        <input
          id="search"
          class="input"
          type="search"
          name="q"
          placeholder="Search conversation text…  ( / )"
          aria-label="Search conversation text"
          value={query}
          onInput={(event) => {
            const value = event.currentTarget.value;
            setQuery(value);
            window.clearTimeout(timer.current);
            timer.current = window.setTimeout(() => applyQuery(value), 300);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') applyQuery(event.currentTarget.value);
            if (event.key === 'Escape') event.currentTarget.blur();
          }}
        />
      </div>
      <div class="filter-row">
        <label class="field">
          <span>State</span>
          <select name="state" value={filter.state ?? ''} onChange={(event) => update('state', (event.currentTarget.value || undefined) as ApiFilter['state'])}>
            <option value="">Any</option>
            <option value="pending">Pending</option>
            <option value="confirmed">Confirmed</option>
            <option value="rejected">Rejected</option>
          </select>
        </label>
        <label class="field">
          <span>Model</span>
          <select name="model" value={filter.model ?? ''} onChange={(event) => update('model', event.currentTarget.value)}>
            <option value="">Any</option>
            {filter.model && !models.some((facet) => facet.value === filter.model) && <option value={filter.model}>{filter.model}</option>}
            {models.map((facet) => (
              <option key={facet.value} value={facet.value}>
                {facet.value} ({facet.count})
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Domain</span>
          <select name="domain" value={filter.domain ?? ''} onChange={(event) => update('domain', event.currentTarget.value)}>
            <option value="">Any</option>
            {filter.domain && !domains.some((facet) => facet.value === filter.domain) && <option value={filter.domain}>{filter.domain}</option>}
            {domains.map((facet) => (
              <option key={facet.value} value={facet.value}>
                {facet.value} ({facet.count})
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>API</span>
          <select name="apiKind" value={filter.apiKind ?? ''} onChange={(event) => update('apiKind', (event.currentTarget.value || undefined) as ApiFilter['apiKind'])}>
            <option value="">Any</option>
            {API_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>From</span>
          <input type="date" name="since" value={toDateInput(filter.since)} onChange={(event) => update('since', fromDateInput(event.currentTarget.value))} />
        </label>
        <label class="field">
          <span>To</span>
          <input
            type="date"
            name="until"
            value={filter.until === undefined ? '' : toDateInput(filter.until - 1)}
            onChange={(event) => update('until', fromDateInput(event.currentTarget.value, 1))}
          />
        </label>
        <label class="field">
          <span>Tools</span>
          <select name="hasTools" value={tri(filter.hasTools)} onChange={(event) => update('hasTools', fromTri(event.currentTarget.value))}>
            <option value="">Any</option>
            <option value="true">With tools</option>
            <option value="false">Without</option>
          </select>
        </label>
        <label class="field">
          <span>Calls only</span>
          <select
            name="functionCallOnly"
            value={tri(filter.functionCallOnly)}
            onChange={(event) => update('functionCallOnly', fromTri(event.currentTarget.value))}
            title="Function-call-only: the final turn is a tool call"
          >
            <option value="">Any</option>
            <option value="true">Only</option>
            <option value="false">Exclude</option>
          </select>
        </label>
        <label class="field">
          <span>Side calls</span>
          <select
            name="sideCall"
            value={tri(filter.sideCall)}
            onChange={(event) => update('sideCall', fromTri(event.currentTarget.value))}
            title="Agents' calls for themselves: session titles, quota probes, compaction summaries"
          >
            <option value="">Any</option>
            <option value="true">Only</option>
            <option value="false">Exclude</option>
          </select>
        </label>
        <label class="field">
          <span>Errors</span>
          <select name="hasError" value={tri(filter.hasError)} onChange={(event) => update('hasError', fromTri(event.currentTarget.value))}>
            <option value="">Any</option>
            <option value="true">With errors</option>
            <option value="false">Without</option>
          </select>
        </label>
        <label class="field">
          <span>Privacy</span>
          <select
            name="findings"
            value={filter.findings ?? ''}
            onChange={(event) => update('findings', (event.currentTarget.value || undefined) as ApiFilter['findings'])}
            title="What the background scan found: secrets (API keys, tokens, private keys, passwords) and personal data (e-mail, phone, IP, card, IBAN)"
          >
            <option value="">Any</option>
            <option value="any">With findings</option>
            <option value="secrets">Secrets</option>
            <option value="personal">Personal data</option>
            <option value="none">None found</option>
            <option value="unscanned">Not scanned yet</option>
          </select>
        </label>
        <label class="field">
          <span>Tag</span>
          <input
            class="input tag-filter"
            name="tag"
            placeholder="any"
            value={filter.tag ?? ''}
            onChange={(event) => update('tag', event.currentTarget.value.trim() || undefined)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') update('tag', event.currentTarget.value.trim() || undefined);
            }}
          />
        </label>
        {active && (
          <button type="button" class="button button-ghost clear-filters" onClick={() => setFilter({})}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
