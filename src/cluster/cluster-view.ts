// `--workers N`: /health and /metrics answer for the whole process group, whichever worker the
// kernel hands the scrape to. The worker asks the primary; the primary asks every worker for its
// own counters (ProxyMetrics snapshot + prom-client registry as JSON), adds the store's health and
// its own registry (store, exports: once, not once per worker), and merges with prom-client's
// AggregatorRegistry.aggregate (counters and histograms summed per label set).
import cluster from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { ProxyMetrics } from '../proxy/metrics.js';
import { VERSION } from '../version.js';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
type Snapshot = ReturnType<ProxyMetrics['snapshot']>;

type ToWorker = { type: 'view:local'; requestId: number } | { type: 'view:answer'; requestId: number; health?: Record<string, unknown>; metrics?: string };
type ToPrimary = { type: 'view:ask'; requestId: number; want: 'health' | 'metrics' } | { type: 'view:local'; requestId: number; snapshot: Snapshot; metrics: MetricsJson };

/** How long the primary waits for a busy worker before answering without it. */
const WORKER_ANSWER_MS = 2_000;

export interface GroupView {
  health(): Promise<Record<string, unknown>>;
  metricsText(): Promise<string>;
}

/** In a cluster worker: answers the primary's requests for this worker's counters, and asks it for the group's view. */
export function clusterViewClient(metrics: ProxyMetrics): GroupView {
  const send = process.send?.bind(process);
  if (!send) throw new Error('clusterViewClient needs an IPC channel (run under node:cluster)');
  let nextRequestId = 0;
  const waiters = new Map<number, (answer: Extract<ToWorker, { type: 'view:answer' }>) => void>();
  process.on('message', (message: ToWorker) => {
    if (message.type === 'view:local') {
      void metrics.registry.getMetricsAsJSON().then((json) => {
        send({ type: 'view:local', requestId: message.requestId, snapshot: metrics.snapshot(), metrics: json as MetricsJson } satisfies ToPrimary);
      });
    } else if (message.type === 'view:answer') {
      waiters.get(message.requestId)?.(message);
      waiters.delete(message.requestId);
    }
  });
  const ask = (want: 'health' | 'metrics') =>
    new Promise<Extract<ToWorker, { type: 'view:answer' }>>((resolve) => {
      const requestId = nextRequestId++;
      waiters.set(requestId, resolve);
      send({ type: 'view:ask', requestId, want } satisfies ToPrimary);
    });
  return {
    health: async () => (await ask('health')).health ?? { status: 'error' },
    metricsText: async () => (await ask('metrics')).metrics ?? '',
  };
}

export interface PrimaryViewOptions {
  /** The store's part of /health (the same shape a single process reports). */
  storeHealth: () => Promise<Record<string, unknown>>;
  /** The primary's own metrics: the store's and the admin API's. */
  ownerRegistry: Registry;
  startedAt?: number;
}

/** In the primary: serves the workers' requests for the group's view. */
export function servePrimaryView(options: PrimaryViewOptions): void {
  const startedAt = options.startedAt ?? Date.now();
  let nextRequestId = 0;
  const collecting = new Map<number, { answers: Array<{ snapshot: Snapshot; metrics: MetricsJson }>; expected: number; done: () => void }>();

  cluster.on('message', (worker, message: ToPrimary) => {
    if (message.type === 'view:local') {
      const round = collecting.get(message.requestId);
      if (!round) return;
      round.answers.push({ snapshot: message.snapshot, metrics: message.metrics });
      if (round.answers.length === round.expected) round.done();
      return;
    }
    if (message.type !== 'view:ask') return;
    void collectLocalViews().then(async (answers) => {
      const reply: ToWorker = { type: 'view:answer', requestId: message.requestId };
      if (message.want === 'health') reply.health = await groupHealth(answers);
      else reply.metrics = await groupMetrics(answers);
      if (worker.isConnected()) worker.send(reply);
    });
  });

  function collectLocalViews(): Promise<Array<{ snapshot: Snapshot; metrics: MetricsJson }>> {
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker?.isConnected());
    const requestId = nextRequestId++;
    return new Promise((resolve) => {
      const round = { answers: [] as Array<{ snapshot: Snapshot; metrics: MetricsJson }>, expected: workers.length, done: () => {} };
      const timer = setTimeout(() => round.done(), WORKER_ANSWER_MS);
      round.done = () => {
        clearTimeout(timer);
        collecting.delete(requestId);
        resolve(round.answers);
      };
      collecting.set(requestId, round);
      if (workers.length === 0) return round.done();
      for (const worker of workers) worker!.send({ type: 'view:local', requestId } satisfies ToWorker);
    });
  }

  async function groupHealth(answers: Array<{ snapshot: Snapshot }>): Promise<Record<string, unknown>> {
    const errors: Record<string, number> = {};
    let requests = 0;
    let inFlight = 0;
    let probesDropped = 0;
    for (const { snapshot } of answers) {
      requests += snapshot.requests;
      inFlight += snapshot.in_flight;
      probesDropped += snapshot.probes_dropped;
      for (const [code, count] of Object.entries(snapshot.errors)) errors[code] = (errors[code] ?? 0) + count;
    }
    return {
      status: 'ok',
      version: VERSION,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      workers: Object.keys(cluster.workers ?? {}).length,
      workers_answered: answers.length,
      requests,
      in_flight: inFlight,
      probes_dropped: probesDropped,
      errors,
      store: await options.storeHealth(),
    };
  }

  async function groupMetrics(answers: Array<{ metrics: MetricsJson }>): Promise<string> {
    const own = (await options.ownerRegistry.getMetricsAsJSON()) as MetricsJson;
    return AggregatorRegistry.aggregate([...answers.map((answer) => answer.metrics), own]).metrics();
  }
}
