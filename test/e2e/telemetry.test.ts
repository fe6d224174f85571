// OpenTelemetry, when configured: one span per proxied exchange, exported over OTLP/HTTP (JSON) to
// a loopback collector (a plain HTTP server), with the GenAI semantic-convention attributes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/capture/open-recording.js';
import { parseConfig } from '../../src/config/load-config.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpSpan {
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

let collector: Server;
let collectorUrl: string;
const exports: Array<{ contentType: string | undefined; body: OtlpExport }> = [];
let upstream: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') exports.push({ contentType: request.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;

  upstream = await startFakeUpstream();
  upstream.on(
    '/v1/chat/completions',
    json(200, {
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    }),
  );
  const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-otel-')), 'db.sqlite');
  proxy = await startTestProxy(
    { allowed_domains: { [upstream.authority]: { https: false } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10, telemetry: { otlpEndpoint: collectorUrl, serviceName: 'proxy-under-test', exportDelayMs: 50 } }) },
  );
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await new Promise((resolve) => collector.close(resolve));
});

function attributesOf(list: Array<{ key: string; value: OtlpValue }>): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) result[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue!);
  return result;
}

describe('OpenTelemetry export', () => {
  it('is off unless configured', () => {
    expect(parseConfig({}).config.telemetry).toBeNull();
    expect(parseConfig({ telemetry: { otlp_endpoint: 'http://127.0.0.1:4318/v1/traces' } }).config.telemetry).toEqual({
      otlp_endpoint: 'http://127.0.0.1:4318/v1/traces',
      service_name: 'llm-proxy-sharegpt',
      headers: {},
      export_delay_ms: 5000,
    });
    expect(() => parseConfig({ telemetry: { otlp_endpoint: 'not a url' } })).toThrow(/telemetry\.otlp_endpoint/);
  });

  it('exports one span per proxied exchange with the GenAI attributes', async () => {
    const started = Date.now();
    const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-short' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await waitFor(() => exports.length > 0, 10_000, 'an OTLP export');

    expect(exports[0]!.contentType).toContain('application/json');
    const resourceSpans = exports.flatMap((item) => item.body.resourceSpans);
    const spans = resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(attributesOf(resourceSpans[0]!.resource.attributes)['service.name']).toBe('proxy-under-test');
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(3); // SPAN_KIND_CLIENT
    const attributes = attributesOf(span.attributes);
    expect(attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'server.address': '127.0.0.1',
      'server.port': upstream.port,
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.path': '/v1/chat/completions',
      'llm_proxy.streamed': false,
    });
    // The span covers the exchange: it starts when the request arrived.
    const startMs = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
    expect(Math.abs(startMs - started)).toBeLessThan(5_000);
    expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
    expect(JSON.stringify(exports)).not.toContain('sk-short');
  });
});
