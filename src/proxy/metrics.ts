// Counters for /health: cheap integer increments on the hot path, read only when asked.
export class ProxyMetrics {
  requests = 0;
  inFlight = 0;
  probesDropped = 0;
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
      errors: { ...this.errors },
    };
  }
}
