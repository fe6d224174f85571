// GET /metrics in one process: parsed by a Prometheus text-format parser and checked against the
// traffic this test sent (requests, errors by code, latency/TTFB histograms by domain, status
// class and streamed, bytes, probes, the recording store). `--workers 2`: cli-operator.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/capture/open-recording.js';
import { json, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { parseScrape } from '../helpers/prometheus.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

let upstream: FakeUpstream;
let proxy: TestProxy;

const COMPLETION = { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] };
const FRAMES = [
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n',
  'data: [DONE]\n\n',
];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.on('/v1/chat/completions', (request, response) => {
    const body = JSON.parse(request.body.toString()) as { stream?: boolean };
    return body.stream ? sse(FRAMES)(request, response) : json(200, COMPLETION)(request, response);
  });
  const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-metrics-')), 'db.sqlite');
  proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function chat(stream: boolean): Promise<{ sent: number; received: number }> {
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hello' }] });
  const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const received = Buffer.byteLength(await response.text());
  expect(response.status).toBe(200);
  return { sent: Buffer.byteLength(body), received };
}

describe('GET /metrics', () => {
  it('counts what was sent, with bounded labels', async () => {
    const exchanges = [...(await Promise.all([chat(false), chat(false), chat(false)])), ...(await Promise.all([chat(true), chat(true)]))];
    expect((await fetch(`${proxy.url}/not-listed.example.com/v1/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await fetch(`${proxy.url}/v1/assistants`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${proxy.url}/favicon.ico`)).status).toBe(404);
    await waitFor(async () => ((await (await fetch(`${proxy.url}/health`)).json()) as { store: { records_written: number } }).store.records_written >= 5, 10_000, 'the records written');

    const response = await fetch(`${proxy.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    const scrape = parseScrape(text);
    const domain = upstream.authority;

    expect(scrape.family('llm_proxy_requests_total').type).toBe('COUNTER');
    expect(scrape.value('llm_proxy_requests_total')).toBe(7);
    expect(scrape.value('llm_proxy_in_flight_requests')).toBe(0);
    expect(scrape.value('llm_proxy_probes_dropped_total')).toBe(1);
    expect(scrape.value('llm_proxy_errors_total', { code: 'domain_not_allowed' })).toBe(1);
    expect(scrape.value('llm_proxy_errors_total', { code: 'not_found' })).toBe(1);

    expect(scrape.family('llm_proxy_upstream_duration_seconds').type).toBe('HISTOGRAM');
    expect(scrape.histogramCount('llm_proxy_upstream_duration_seconds', { domain, status_class: '2xx', streamed: 'false' })).toBe(3);
    expect(scrape.histogramCount('llm_proxy_upstream_duration_seconds', { domain, status_class: '2xx', streamed: 'true' })).toBe(2);
    expect(scrape.histogramCount('llm_proxy_upstream_ttfb_seconds', { domain })).toBe(5);
    expect(scrape.histogramCount('llm_proxy_upstream_duration_seconds', { domain: 'other', status_class: '4xx' })).toBe(2);
    expect(scrape.value('llm_proxy_request_bytes_total', { domain })).toBe(exchanges.reduce((total, exchange) => total + exchange.sent, 0));
    expect(scrape.value('llm_proxy_response_bytes_total', { domain })).toBe(exchanges.reduce((total, exchange) => total + exchange.received, 0));
    // The refused domain and the invented /v1 path never become label values.
    expect([...scrape.histogramLabels('llm_proxy_upstream_duration_seconds', 'domain')].sort()).toEqual([domain, 'other'].sort());

    expect(scrape.value('llm_proxy_records_written_total')).toBe(5);
    expect(scrape.value('llm_proxy_recording_queue_depth')).toBe(0);
    expect(scrape.value('llm_proxy_spool_bytes')).toBe(0);
    expect(scrape.value('llm_proxy_recording_up')).toBe(1);
    expect(scrape.histogramCount('llm_proxy_store_write_seconds')).toBeGreaterThanOrEqual(1);
  });
});
