// The measurements: autocannon for throughput, a precise sequential loop for added latency,
// and hand-rolled stream clients for first/last byte and chunk gaps.
import autocannon from 'autocannon';
import { createServer } from 'node:net';
import { Agent, Pool, request } from 'undici';

export const CHAT_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Write one sentence about foxes.' },
  ],
});
export const STREAM_BODY = JSON.stringify({ ...JSON.parse(CHAT_BODY), stream: true });

export interface Throughput {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

export async function throughput(url: string, connections: number, seconds: number): Promise<Throughput> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: CHAT_BODY,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** Fires exactly `amount` requests; returns how many were answered 2xx. */
export async function fixedRequests(url: string, amount: number, connections: number): Promise<number> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    amount,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: CHAT_BODY,
  });
  return result['2xx'];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Latency at concurrency 1 with sub-millisecond precision (autocannon rounds to ms). */
export async function sequentialLatency(url: string, count: number): Promise<{ p50: number; p99: number }> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 1 });
  const samples: number[] = [];
  try {
    for (let index = 0; index < count + 50; index++) {
      const started = performance.now();
      const response = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT_BODY });
      await response.body.arrayBuffer();
      if (index >= 50) samples.push(performance.now() - started); // first 50 warm up
    }
  } finally {
    await pool.close();
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export interface StreamFigures {
  ttfbP50: number;
  ttlbP50: number;
  gapP50: number;
  gapP99: number;
  /** Average number of reads per stream: 21 means no chunk was coalesced with another. */
  readsPerStream: number;
  completed: number;
}

/** `count` streams, `concurrency` at a time; chunk gap = client arrival minus upstream send stamp. */
export async function streams(url: string, count: number, concurrency: number): Promise<StreamFigures> {
  const agent = new Agent({ connections: concurrency });
  const ttfb: number[] = [];
  const ttlb: number[] = [];
  const gaps: number[] = [];
  let reads = 0;
  let completed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: STREAM_BODY });
      let first = true;
      let text = '';
      for await (const chunk of response.body) {
        const arrived = performance.timeOrigin + performance.now();
        if (first) {
          ttfb.push(performance.now() - started);
          first = false;
        }
        reads++;
        const piece = (chunk as Buffer).toString();
        text += piece;
        for (const match of piece.matchAll(/"t":([0-9.]+)/g)) gaps.push(arrived - Number(match[1]));
      }
      ttlb.push(performance.now() - started);
      if (text.includes('[DONE]')) completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await agent.close();
  for (const list of [ttfb, ttlb, gaps]) list.sort((a, b) => a - b);
  return {
    ttfbP50: percentile(ttfb, 50),
    ttlbP50: percentile(ttlb, 50),
    gapP50: percentile(gaps, 50),
    gapP99: percentile(gaps, 99),
    readsPerStream: reads / count,
    completed,
  };
}

/** Holds `count` slow streams open at once, sampling `sample()` while they run; returns the peak. */
export async function holdSlowStreams(url: string, count: number, sample: () => number): Promise<{ peak: number; completed: number }> {
  const agent = new Agent({ connections: count, bodyTimeout: 60_000, headersTimeout: 60_000 });
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, sample())), 200);
  let completed = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: STREAM_BODY });
        const text = await response.body.text();
        if (text.includes('[DONE]')) completed++;
      } catch {
        // counted as not completed
      }
    }),
  );
  clearInterval(timer);
  peak = Math.max(peak, sample());
  await agent.close();
  return { peak, completed };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
