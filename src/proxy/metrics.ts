// The proxy's counters, for /health and for /metrics (Prometheus text format, prom-client). The hot
// path does cheap integer increments (`requests++`, `inFlight++`, countError) and one
// observeExchange() per ended exchange; the Prometheus view is assembled only when scraped.
//
// Label cardinality is bounded by construction: `domain` is an allowlisted host[:port] or
// "other", `status_class` is 1xx..5xx or "none", `streamed` is true/false, `code` is a ProxyErrorCode.
// Paths and model names, which clients invent, are never labels.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ExchangeObservation {
  /** The upstream host[:port] (null: the request never had a valid target). */
  domain: string | null;
  /** The status the client got (0: none, the client went away first). */
  status: number;
  streamed: boolean;
  durationMs: number;
  /** Time to the upstream's response headers, when a response started. */
  ttfbMs?: number;
  requestBytes: number;
  responseBytes: number;
}

export interface ProxyMetricsOptions {
  /** The allowlisted domains: the only values the `domain` label takes besides "other". */
  domains?: Iterable<string>;
}

type ExchangeLabels = 'domain' | 'status_class' | 'streamed';

// Seconds; LLM calls span from a cached 50 ms answer to a minutes-long generation.
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFB_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ProxyMetrics {
  requests = 0;
  inFlight = 0;
  probesDropped = 0;
  /** Requests that waited upstream.queue_wait_ms for a connection of a full pool and got 503. */
  upstreamQueueTimeouts = 0;
  /** Requests waiting right now for a connection of a full pool. */
  upstreamQueued = 0;
  readonly errors: Record<string, number> = {};
  readonly startedAt = Date.now();
  /** This process's metrics (in a cluster: one worker's; the primary aggregates them). */
  readonly registry = new Registry();
  private readonly domains: Set<string>;
  private readonly duration: Histogram<ExchangeLabels>;
  private readonly ttfb: Histogram<ExchangeLabels>;
  private readonly requestBytes: Counter<'domain'>;
  private readonly responseBytes: Counter<'domain'>;

  constructor(options: ProxyMetricsOptions = {}) {
    this.domains = new Set([...(options.domains ?? [])].map((domain) => domain.toLowerCase()));
    const registers = [this.registry];
    const self = this;
    new Counter({
      name: 'llm_proxy_requests_total',
      help: 'Requests handled (proxied, OpenAI-compatible entry, refused), health checks and probes excluded',
      registers,
      collect() {
        this.reset();
        this.inc(self.requests);
      },
    });
    new Gauge({
      name: 'llm_proxy_in_flight_requests',
      help: 'Requests being handled now',
      registers,
      collect() {
        this.set(self.inFlight);
      },
    });
    new Counter({
      name: 'llm_proxy_probes_dropped_total',
      help: 'Requests dropped by the probe filter (scanners)',
      registers,
      collect() {
        this.reset();
        this.inc(self.probesDropped);
      },
    });
    new Counter({
      name: 'llm_proxy_errors_total',
      help: 'Failures by error code (the code field of the error body)',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        for (const [code, count] of Object.entries(self.errors)) this.labels({ code }).inc(count);
      },
    });
    this.duration = new Histogram({
      name: 'llm_proxy_upstream_duration_seconds',
      help: 'Whole exchange, request received to response ended',
      labelNames: ['domain', 'status_class', 'streamed'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttfb = new Histogram({
      name: 'llm_proxy_upstream_ttfb_seconds',
      help: 'Request received to the upstream response headers (time to first byte)',
      labelNames: ['domain', 'status_class', 'streamed'],
      buckets: TTFB_BUCKETS,
      registers,
    });
    this.requestBytes = new Counter({ name: 'llm_proxy_request_bytes_total', help: 'Request body bytes received from clients', labelNames: ['domain'], registers });
    this.responseBytes = new Counter({ name: 'llm_proxy_response_bytes_total', help: 'Response body bytes sent to clients', labelNames: ['domain'], registers });
  }

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** One call per ended exchange (proxied or OpenAI-compatible), success or failure. */
  observeExchange(observation: ExchangeObservation): void {
    const domain = this.domainLabel(observation.domain);
    const labels = { domain, status_class: statusClass(observation.status), streamed: observation.streamed ? 'true' : 'false' };
    this.duration.observe(labels, observation.durationMs / 1000);
    if (observation.ttfbMs !== undefined) this.ttfb.observe(labels, observation.ttfbMs / 1000);
    if (observation.requestBytes > 0) this.requestBytes.inc({ domain }, observation.requestBytes);
    if (observation.responseBytes > 0) this.responseBytes.inc({ domain }, observation.responseBytes);
  }

  /** An allowlisted domain as is; anything else (a refused target, a typo) as "other". */
  domainLabel(domain: string | null): string {
    return domain !== null && this.domains.has(domain) ? domain : 'other';
  }

  snapshot() {
    return {
      requests: this.requests,
      in_flight: this.inFlight,
      probes_dropped: this.probesDropped,
      upstream_queue_timeouts: this.upstreamQueueTimeouts,
      upstream_queued: this.upstreamQueued,
      errors: { ...this.errors },
    };
  }
}

function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'none';
}
