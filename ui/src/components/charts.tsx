// Small hand-made SVG charts: a stacked time-series bar chart, horizontal bar lists, a stacked
// progress bar. Sized by viewBox, so they scale with their container; tooltips are SVG <title>s.
import type { ComponentChildren } from 'preact';
import { formatCompact, formatNumber } from '../format.js';

export interface Series {
  label: string;
  className: string;
}

export interface SeriesPoint {
  start: number;
  values: number[];
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 12, right: 8, bottom: 28, left: 48 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

/** Fills the buckets with no record, so gaps show as gaps. */
export function fillBuckets(points: SeriesPoint[], bucketMs: number, from: number | undefined, to: number, width: number): SeriesPoint[] {
  if (points.length === 0 && from === undefined) return [];
  const first = from === undefined ? points[0]!.start : Math.min(points[0]?.start ?? Infinity, from - (from % bucketMs));
  const last = Math.max(points[points.length - 1]?.start ?? -Infinity, to - bucketMs);
  const byStart = new Map(points.map((point) => [point.start, point]));
  const filled: SeriesPoint[] = [];
  for (let start = first; start <= last && filled.length < 1_000; start += bucketMs) {
    filled.push(byStart.get(start) ?? { start, values: new Array<number>(width).fill(0) });
  }
  // Buckets aligned to a local offset may not sit on the grid above: keep the originals then.
  return filled.some((point) => byStart.has(point.start)) || points.length === 0 ? filled : points;
}

export function TimeBars({
  points,
  series,
  formatTick,
  label,
}: {
  points: SeriesPoint[];
  series: Series[];
  formatTick: (start: number) => string;
  label: string;
}) {
  if (points.length === 0) return <div class="chart-empty">No data in this range</div>;
  const totals = points.map((point) => point.values.reduce((sum, value) => sum + value, 0));
  const max = niceMax(Math.max(...totals));
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerWidth / points.length;
  const barWidth = Math.max(1, slot * 0.78);
  const y = (value: number) => PAD.top + innerHeight - (value / max) * innerHeight;
  const ticks = [0, max / 2, max];
  const labelEvery = Math.max(1, Math.ceil(points.length / 5));
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      {ticks.map((tick) => (
        <g key={tick}>
          <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text class="tick" x={PAD.left - 6} y={y(tick) + 4} text-anchor="end">
            {formatCompact(tick)}
          </text>
        </g>
      ))}
      {points.map((point, index) => {
        let base = 0;
        const x = PAD.left + index * slot + (slot - barWidth) / 2;
        return (
          <g key={point.start}>
            <title>
              {formatTick(point.start)}: {series.map((entry, position) => `${entry.label} ${formatNumber(point.values[position] ?? 0)}`).join(', ')}
            </title>
            <rect class="hover-target" x={PAD.left + index * slot} y={PAD.top} width={slot} height={innerHeight} />
            {point.values.map((value, position) => {
              if (value <= 0) return null;
              const top = y(base + value);
              const height = y(base) - top;
              base += value;
              return <rect key={position} class={series[position]!.className} x={x} y={top} width={barWidth} height={Math.max(0.5, height)} rx={barWidth > 6 ? 1.5 : 0} />;
            })}
            {index % labelEvery === 0 && (
              <text class="tick" x={x + barWidth / 2} y={HEIGHT - 8} text-anchor="middle">
                {formatTick(point.start)}
              </text>
            )}
          </g>
        );
      })}
      <line class="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
    </svg>
  );
}

export function Legend({ series }: { series: Series[] }) {
  return (
    <div class="legend">
      {series.map((entry) => (
        <span key={entry.label} class="legend-item">
          <svg viewBox="0 0 10 10" class="legend-swatch" aria-hidden="true">
            <rect class={entry.className} width="10" height="10" rx="2" />
          </svg>
          {entry.label}
        </span>
      ))}
    </div>
  );
}

export interface BarRow {
  label: string;
  value: number;
  /** Part of `value` drawn in the alert colour (errors). */
  alert?: number;
  note?: ComponentChildren;
}

export function BarList({ rows, empty }: { rows: BarRow[]; empty: string }) {
  if (rows.length === 0) return <div class="chart-empty">{empty}</div>;
  const max = Math.max(...rows.map((row) => row.value), 1);
  return (
    <div class="bar-list">
      {rows.map((row) => (
        <div key={row.label} class="bar-row">
          <div class="bar-label" title={row.label}>
            {row.label}
          </div>
          <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect class="bar-bg" width="100" height="10" rx="2" />
            <rect class="series-a" width={(row.value / max) * 100} height="10" rx="2" />
            {row.alert ? <rect class="series-error" width={(row.alert / max) * 100} height="10" rx="2" /> : null}
          </svg>
          <div class="bar-value">
            {formatNumber(row.value)}
            {row.note}
          </div>
        </div>
      ))}
    </div>
  );
}

export function StackedBar({ parts, label }: { parts: Array<{ label: string; value: number; className: string }>; label: string }) {
  const total = parts.reduce((sum, part) => sum + part.value, 0);
  let offset = 0;
  return (
    <svg class="stacked" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={label}>
      <rect class="bar-bg" width="100" height="8" rx="2" />
      {total > 0 &&
        parts.map((part) => {
          const width = (part.value / total) * 100;
          const x = offset;
          offset += width;
          return (
            <rect key={part.label} class={part.className} x={x} width={width} height="8">
              <title>
                {part.label}: {formatNumber(part.value)}
              </title>
            </rect>
          );
        })}
    </svg>
  );
}
