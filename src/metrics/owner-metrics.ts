// The metrics of what exists once per process group: the recording store (queue, spool, records
// written, write latency) and the admin API's exports. They live in the process that owns the
// store (the only process, or the primary of `--workers N`), never in each proxy worker, so the
// cluster view does not count the shared store N times. Read from the store's health at scrape time.
import { Registry } from 'prom-client';
import { WRITE_LATENCY_BUCKETS_S } from '../store/writer/batch-writer.js';
import { operationCounts } from './operation-counters.js';

/** The fields of RecordingService.health() these metrics read. */
export interface RecordingHealthNumbers {
  reachable?: boolean;
  queue_depth?: number;
  records_written?: number;
  spooled?: number;
  spool_bytes?: number;
  failed_batches?: number;
  write_latency?: { buckets: number[]; sumSeconds: number; count: number };
  recording_behind?: boolean;
  journal_deferred?: number;
}

type MetricType = 'counter' | 'gauge' | 'histogram';
interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A metric whose values are computed at scrape time, in prom-client's registry format (so the cluster aggregator merges it). */
function computedMetric(name: string, help: string, type: MetricType, values: () => Promise<MetricValue[]>) {
  return {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    async get() {
      return { name, help, type, aggregator: 'sum' as const, values: await values() };
    },
  };
}

export function createOwnerRegistry(recordingHealth: (() => Promise<RecordingHealthNumbers>) | null): Registry {
  const registry = new Registry();
  // One health call per scrape, shared by the metrics below.
  let pending: Promise<RecordingHealthNumbers | null> | null = null;
  const health = (): Promise<RecordingHealthNumbers | null> => {
    if (!recordingHealth) return Promise.resolve(null);
    pending ??= recordingHealth()
      .catch(() => null)
      .finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
  const field = (name: string, help: string, type: MetricType, read: (numbers: RecordingHealthNumbers) => number | undefined) =>
    registry.registerMetric(
      computedMetric(name, help, type, async () => {
        const numbers = await health();
        const value = numbers ? read(numbers) : undefined;
        return value === undefined || value < 0 ? [] : [{ value, labels: {} }];
      }) as never,
    );

  field('llm_proxy_recording_up', 'Whether recording is on and its store answers (1) or not (0)', 'gauge', (numbers) => (numbers.reachable ? 1 : 0));
  field('llm_proxy_recording_queue_depth', 'Exchanges waiting to be processed or written', 'gauge', (numbers) => numbers.queue_depth);
  field('llm_proxy_records_written_total', 'Records the store accepted', 'counter', (numbers) => numbers.records_written);
  field('llm_proxy_records_spooled_total', 'Records written to the spool file (store slow or failing)', 'counter', (numbers) => numbers.spooled);
  field('llm_proxy_spool_bytes', 'Bytes in spool files not yet replayed into the store', 'gauge', (numbers) => numbers.spool_bytes);
  field('llm_proxy_recording_behind', 'Whether new exchanges wait in the capture journal because recording is behind (1) or not (0)', 'gauge', (numbers) => (numbers.recording_behind === undefined ? undefined : numbers.recording_behind ? 1 : 0));
  field('llm_proxy_journal_deferred_total', 'Exchanges that waited in the capture journal because recording was behind', 'counter', (numbers) => numbers.journal_deferred);
  field('llm_proxy_store_failed_batches_total', 'Batch writes the store refused', 'counter', (numbers) => numbers.failed_batches);
  registry.registerMetric(
    computedMetric('llm_proxy_store_write_seconds', 'Store write latency per batch insert', 'histogram', async () => {
      const latency = (await health())?.write_latency;
      if (!latency || latency.buckets.length !== WRITE_LATENCY_BUCKETS_S.length + 1) return [];
      let cumulative = 0;
      const values: MetricValue[] = WRITE_LATENCY_BUCKETS_S.map((bound, index) => {
        cumulative += latency.buckets[index]!;
        return { value: cumulative, labels: { le: bound }, metricName: 'llm_proxy_store_write_seconds_bucket' };
      });
      values.push({ value: latency.count, labels: { le: '+Inf' }, metricName: 'llm_proxy_store_write_seconds_bucket' });
      values.push({ value: latency.sumSeconds, labels: {}, metricName: 'llm_proxy_store_write_seconds_sum' });
      values.push({ value: latency.count, labels: {}, metricName: 'llm_proxy_store_write_seconds_count' });
      return values;
    }) as never,
  );
  registry.registerMetric(
    computedMetric('llm_proxy_exports_total', 'Exports run through the admin API, by format and outcome', 'counter', async () =>
      Object.entries(operationCounts().exports).map(([key, value]) => {
        const [format, outcome] = key.split('|') as [string, string];
        return { value, labels: { format, outcome } };
      }),
    ) as never,
  );
  registry.registerMetric(
    computedMetric('llm_proxy_rebuilds_total', 'Rebuilds of derived rows run in this process, by outcome', 'counter', async () =>
      Object.entries(operationCounts().rebuilds).map(([outcome, value]) => ({ value, labels: { outcome } })),
    ) as never,
  );
  return registry;
}
