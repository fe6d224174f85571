// Counters for /health: cheap integer increments on the hot path, read only when asked.
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

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
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
