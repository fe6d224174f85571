// Optional per-IP token bucket (`security.rate_limit: {rate, burst}`, rate in requests/second).
export type RateLimiter = (clientIp: string, nowMs: number) => boolean;

export function createRateLimiter(settings: { rate: number; burst: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; updated: number }>();
  let lastSweep = 0;
  return (clientIp, nowMs) => {
    if (nowMs - lastSweep > 60_000) {
      // Forget idle clients so the map cannot grow without bound.
      for (const [ip, bucket] of buckets) if (nowMs - bucket.updated > 60_000) buckets.delete(ip);
      lastSweep = nowMs;
    }
    let bucket = buckets.get(clientIp);
    if (!bucket) {
      bucket = { tokens: settings.burst, updated: nowMs };
      buckets.set(clientIp, bucket);
    } else {
      bucket.tokens = Math.min(settings.burst, bucket.tokens + ((nowMs - bucket.updated) / 1000) * settings.rate);
      bucket.updated = nowMs;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}
