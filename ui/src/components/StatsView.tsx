// Stats over the list's filters and a time range: requests and errors over time, tokens over
// time, by model, by domain, latency percentiles, review progress.
import { useEffect, useState } from 'preact/hooks';
import type { ApiFilter, Percentiles, StatsResponse } from '../../../src/admin/api-types.js';
import { api } from '../api.js';
import { formatCompact, formatDuration, formatNumber, formatPercent } from '../format.js';
import { useObservable } from '../observable.js';
import { list } from '../review-store.js';
import { BarList, fillBuckets, Legend, StackedBar, TimeBars, type Series } from './charts.js';

const RANGES = [
  { key: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { key: '90d', label: '90 days', ms: 90 * 86_400_000 },
  { key: 'all', label: 'All time', ms: null },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

const REQUEST_SERIES: Series[] = [
  { label: 'Requests', className: 'series-a' },
  { label: 'Errors', className: 'series-error' },
];
const TOKEN_SERIES: Series[] = [
  { label: 'Input tokens', className: 'series-b' },
  { label: 'Output tokens', className: 'series-c' },
];

/** Axis labels as short as the range allows: times within a day, dates beyond. */
function tickFormat(bucketMs: number, rangeMs: number | null): (start: number) => string {
  const options: Intl.DateTimeFormatOptions =
    bucketMs >= 86_400_000
      ? { month: 'short', day: 'numeric' }
      : rangeMs !== null && rangeMs <= 86_400_000
        ? { hour: '2-digit', minute: '2-digit' }
        : { month: 'short', day: 'numeric', hour: '2-digit' };
  const format = new Intl.DateTimeFormat(undefined, options);
  return (start) => format.format(start);
}

function PercentileTable({ title, values }: { title: string; values: Percentiles }) {
  const entries: Array<[string, number | null]> = [
    ['p50', values.p50],
    ['p90', values.p90],
    ['p95', values.p95],
    ['p99', values.p99],
    ['max', values.max],
  ];
  const max = Math.max(...entries.map(([, value]) => value ?? 0), 1);
  return (
    <div class="percentiles">
      <div class="card-subtitle">{title}</div>
      {entries.map(([label, value]) => (
        <div key={label} class="bar-row">
          <div class="bar-label">{label}</div>
          <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect class="bar-bg" width="100" height="10" rx="2" />
            <rect class="series-b" width={((value ?? 0) / max) * 100} height="10" rx="2" />
          </svg>
          <div class="bar-value">{formatDuration(value)}</div>
        </div>
      ))}
    </div>
  );
}

export function StatsView() {
  const { filter } = useObservable(list);
  const [range, setRange] = useState<RangeKey>('7d');
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  const { since: _since, until: _until, ...rest } = filter;
  const windowMs = RANGES.find((entry) => entry.key === range)!.ms;
  const statsFilter: ApiFilter = windowMs === null ? rest : { ...rest, since: now - windowMs };
  const key = JSON.stringify(statsFilter);

  useEffect(() => {
    let live = true;
    setError(null);
    api
      .stats(statsFilter)
      .then((result) => live && setStats(result))
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
    };
  }, [key]);

  const activeFilters = Object.keys(rest).length;
  const format = tickFormat(stats?.bucketMs ?? 86_400_000, windowMs);
  const requestPoints = stats
    ? fillBuckets(
        stats.overTime.map((bucket) => ({ start: bucket.start, values: [bucket.requests - bucket.errors, bucket.errors] })),
        stats.bucketMs,
        statsFilter.since,
        now,
        2,
      )
    : [];
  const tokenPoints = stats
    ? fillBuckets(
        stats.overTime.map((bucket) => ({ start: bucket.start, values: [bucket.inputTokens, bucket.outputTokens] })),
        stats.bucketMs,
        statsFilter.since,
        now,
        2,
      )
    : [];
  const reviewed = stats ? stats.byReviewState.confirmed + stats.byReviewState.rejected : 0;

  return (
    <section class="stats-view">
      <div class="stats-header">
        <h1>Stats</h1>
        <div class="segmented" role="radiogroup" aria-label="Time range">
          {RANGES.map((entry) => (
            <button
              key={entry.key}
              type="button"
              role="radio"
              aria-checked={range === entry.key}
              class={range === entry.key ? 'active' : ''}
              onClick={() => {
                setNow(Date.now());
                setRange(entry.key);
              }}
            >
              {entry.label}
            </button>
          ))}
        </div>
        {activeFilters > 0 && <span class="muted">using the list's {activeFilters} filter{activeFilters === 1 ? '' : 's'}</span>}
      </div>
      {error && <div class="error-box">Could not load stats: {error}</div>}
      {!stats && !error && <div class="loading">Loading…</div>}
      {stats && (
        <>
          <div class="kpis">
            <div class="kpi">
              <div class="kpi-label">Requests</div>
              <div class="kpi-value">{formatNumber(stats.requests)}</div>
            </div>
            <div class="kpi">
              <div class="kpi-label">Error rate</div>
              <div class={`kpi-value ${stats.errorRate && stats.errorRate > 0.05 ? 'bad' : ''}`}>{formatPercent(stats.errorRate)}</div>
              <div class="kpi-note">{formatNumber(stats.errors)} errors</div>
            </div>
            <div class="kpi">
              <div class="kpi-label">Tokens</div>
              <div class="kpi-value">{formatCompact(stats.tokens.input + stats.tokens.output)}</div>
              <div class="kpi-note">
                {formatCompact(stats.tokens.input)} in · {formatCompact(stats.tokens.output)} out
                {stats.tokens.reasoning > 0 ? ` · ${formatCompact(stats.tokens.reasoning)} reasoning` : ''}
              </div>
            </div>
            <div class="kpi">
              <div class="kpi-label">Latency p50 / p95</div>
              <div class="kpi-value">{formatDuration(stats.durationMs.p50)}</div>
              <div class="kpi-note">p95 {formatDuration(stats.durationMs.p95)}</div>
            </div>
            <div class="kpi">
              <div class="kpi-label">Reviewed</div>
              <div class="kpi-value">{formatPercent(stats.requests === 0 ? null : reviewed / stats.requests)}</div>
              <div class="kpi-note">
                {formatNumber(stats.byReviewState.confirmed)} confirmed · {formatNumber(stats.byReviewState.rejected)} rejected
              </div>
            </div>
          </div>
          <div class="card">
            <div class="card-title">
              Review progress
              <span class="muted">{formatNumber(stats.byReviewState.pending)} pending</span>
            </div>
            <StackedBar
              label="Review progress"
              parts={[
                { label: 'Confirmed', value: stats.byReviewState.confirmed, className: 'series-ok' },
                { label: 'Rejected', value: stats.byReviewState.rejected, className: 'series-error' },
                { label: 'Pending', value: stats.byReviewState.pending, className: 'series-muted' },
              ]}
            />
            <Legend
              series={[
                { label: 'Confirmed', className: 'series-ok' },
                { label: 'Rejected', className: 'series-error' },
                { label: 'Pending', className: 'series-muted' },
              ]}
            />
          </div>
          <div class="grid-2">
            <div class="card">
              <div class="card-title">Requests over time</div>
              <TimeBars points={requestPoints} series={REQUEST_SERIES} formatTick={format} label="Requests over time" />
              <Legend series={REQUEST_SERIES} />
            </div>
            <div class="card">
              <div class="card-title">Tokens over time</div>
              <TimeBars points={tokenPoints} series={TOKEN_SERIES} formatTick={format} label="Tokens over time" />
              <Legend series={TOKEN_SERIES} />
            </div>
            <div class="card">
              <div class="card-title">By model</div>
              <BarList
                empty="No requests"
                rows={stats.byModel.map((group) => ({
                  label: group.key ?? '(no model)',
                  value: group.requests,
                  alert: group.errors,
                  note: group.errors > 0 ? <span class="bar-note bad"> · {formatNumber(group.errors)} err</span> : null,
                }))}
              />
            </div>
            <div class="card">
              <div class="card-title">By domain</div>
              <BarList
                empty="No requests"
                rows={stats.byDomain.map((group) => ({
                  label: group.key ?? '?',
                  value: group.requests,
                  alert: group.errors,
                  note: group.errors > 0 ? <span class="bar-note bad"> · {formatNumber(group.errors)} err</span> : null,
                }))}
              />
            </div>
            <div class="card">
              <div class="card-title">Latency percentiles</div>
              <div class="grid-2 tight">
                <PercentileTable title="Total duration" values={stats.durationMs} />
                <PercentileTable title="Time to first byte" values={stats.ttfbMs} />
              </div>
            </div>
            <div class="card">
              <div class="card-title">Tokens</div>
              <BarList
                empty="No token usage recorded"
                rows={[
                  { label: 'Input', value: stats.tokens.input },
                  { label: 'Output', value: stats.tokens.output },
                  { label: 'Reasoning', value: stats.tokens.reasoning },
                  { label: 'Cached input', value: stats.tokens.cachedInput },
                ].filter((row) => row.value > 0)}
              />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
