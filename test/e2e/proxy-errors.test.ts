// Every refusal and upstream failure: status code, a JSON body in the client SDK's shape, no hang,
// nothing sent upstream when the request was refused.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let upstream: FakeUpstream;
let proxy: TestProxy;
let deadPort: number;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { ok: true }));
  upstream.on('/slow', (_request, response) => {
    setTimeout(() => {
      if (!response.destroyed) json(200, { late: true })(_request, response);
    }, 1_500);
  });
  upstream.on('/redirect', (_request, response) => {
    response.writeHead(302, { location: `http://127.0.0.1:${upstream.port}/elsewhere`, 'content-type': 'application/json' });
    response.end('{"moved":true}');
  });
  upstream.on('/hop', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', connection: 'close, x-secret-hop', 'x-secret-hop': 'drop me', 'keep-alive': 'timeout=5', 'x-request-id': 'req_1' });
    response.end('{}');
  });
  // A port nobody listens on: bind, note the port, close.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));

  proxy = await startTestProxy(
    {
      allowed_domains: {
        [upstream.authority]: { https: false },
        [`localhost:${upstream.port}`]: { https: false, auth_type: 'google' },
        [`127.0.0.1:${deadPort}`]: { https: false },
        'no-such-host.invalid': { https: false },
      },
      max_body_bytes: 1024,
      upstream: { headers_timeout_ms: 300, connect_retries: 2, retry_backoff_ms: 10 },
      security: { rate_limit: null },
    },
    { logFile: true },
  );
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${proxy.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe('refusals', () => {
  it('403 for a domain not on the allowlist, naming it and how to allow it, nothing sent', async () => {
    const before = upstream.received.length;
    const result = await call('/api.evil.example/v1/chat/completions', { method: 'POST', body: '{}' });
    expect(result.status).toBe(403);
    expect(result.body?.error.code).toBe('domain_not_allowed');
    expect(result.body?.error.message).toContain('api.evil.example');
    expect(result.body?.error.message).toContain('allowed_domains');
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
    expect(upstream.received.length).toBe(before);
  });

  it('renders errors in the Anthropic shape on Anthropic paths and the Google shape on Gemini paths', async () => {
    const anthropic = await call(`/127.0.0.1:${deadPort}/v1/messages`, { method: 'POST', body: '{}' });
    expect(anthropic.status).toBe(502);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'api_error', code: 'upstream_unreachable' } });
    const big = 'x'.repeat(2048);
    const google = await call(`/localhost:${upstream.port}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: big });
    expect(google.status).toBe(413);
    expect(google.body?.error).toMatchObject({ code: 413, status: 'INVALID_ARGUMENT' });
  });

  it('the openai SDK raises a typed error with the message', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${proxy.url}/api.not-allowed.example/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 403,
      code: 'domain_not_allowed',
    });
  });

  it('413 when Content-Length exceeds the limit, before reading the body', async () => {
    const before = upstream.received.length;
    const result = await call(`/${upstream.authority}/v1/chat/completions`, { method: 'POST', body: 'y'.repeat(5000) });
    expect(result.status).toBe(413);
    expect(result.body?.error.code).toBe('body_too_large');
    expect(upstream.received.length).toBe(before);
  });

  it('413 when a chunked body (no Content-Length) grows past the limit', async () => {
    const before = upstream.received.length;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${proxy.url}/${upstream.authority}/v1/chat/completions`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      const piece = 'z'.repeat(600);
      request.write(piece);
      request.write(piece);
      // Keep sending: the proxy must answer without waiting for the end.
      const timer = setInterval(() => {
        if (request.destroyed) clearInterval(timer);
        else request.write(piece, () => undefined);
      }, 10);
      request.on('close', () => clearInterval(timer));
    });
    expect(status).toBe(413);
    expect(upstream.received.length).toBe(before);
  });

  it('413 when Content-Length lies (smaller than the bytes actually sent)', async () => {
    const before = upstream.received.length;
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(proxy.app.proxy.port, '127.0.0.1', () => {
        socket.write(`POST /${upstream.authority}/v1/x HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n${'a'.repeat(10)}`);
        // Extra bytes beyond the declared length are parsed as a new (malformed) request, never as body.
        socket.write('b'.repeat(4000));
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      setTimeout(() => socket.destroy(), 1000);
    });
    // The extra bytes are a malformed second request (400), never body: at most the declared
    // 10 bytes reach the upstream.
    expect(reply).toMatch(/HTTP\/1\.1 (200|400)/);
    for (const received of upstream.received.slice(before)) {
      expect(received.body.length).toBeLessThanOrEqual(10);
      expect(received.body.toString()).not.toContain('b');
    }
  });

  it('404, quietly, for probes: blocked paths, prefixes, scanners, methods', async () => {
    expect((await call('/')).status).toBe(404);
    expect((await call('/favicon.ico')).status).toBe(404);
    expect((await call('/.well-known/security.txt')).status).toBe(404);
    expect((await call(`/${upstream.authority}/x`, { headers: { 'user-agent': 'Mozilla/5.0 CensysInspect/1.1' } })).status).toBe(404);
    expect((await call(`/${upstream.authority}/x`, { method: 'TRACE' }).catch(() => ({ status: 404 }))).status).toBe(404);
  });

  it('400 for malformed targets', async () => {
    const result = await call('/not_a_domain/v1/x');
    expect(result.status).toBe(400);
    expect(result.body?.error.code).toBe('invalid_target');
  });
});

describe('upstream failures', () => {
  it('502 when the upstream refuses connections, after bounded retries', async () => {
    const started = Date.now();
    const result = await call(`/127.0.0.1:${deadPort}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(result.status).toBe(502);
    expect(result.body?.error.code).toBe('upstream_unreachable');
    // Two retries with 10 ms and 20 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('502 when the upstream host does not resolve (DNS failure)', async () => {
    const result = await call('/no-such-host.invalid/v1/chat/completions', { method: 'POST', body: '{}' });
    expect(result.status).toBe(502);
    expect(result.body?.error.code).toBe('upstream_unreachable');
  });

  it('504 when the upstream does not answer in time', async () => {
    const result = await call(`/${upstream.authority}/slow`, { method: 'POST', body: '{}' });
    expect(result.status).toBe(504);
    expect(result.body?.error.code).toBe('upstream_timeout');
  });

  it('passes redirects back to the client instead of following them', async () => {
    const before = upstream.received.length;
    const response = await fetch(`${proxy.url}/${upstream.authority}/redirect`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('/elsewhere');
    expect(upstream.received.length).toBe(before + 1);
  });

  it('drops hop-by-hop headers, including those named in Connection', async () => {
    const result = await call(`/${upstream.authority}/hop`);
    expect(result.status).toBe(200);
    expect(result.headers.get('x-secret-hop')).toBeNull();
    // Node writes its own keep-alive for the client connection; the upstream's never passes.
    expect(result.headers.get('keep-alive')).not.toBe('timeout=5');
    expect(result.headers.get('x-request-id')).toBe('req_1');
    // Passed-through responses keep the upstream's headers: the proxy's own security headers are not added.
    expect(result.headers.get('x-frame-options')).toBeNull();
    expect(result.headers.get('content-security-policy')).toBeNull();
  });

  it('does not send hop-by-hop request headers upstream', async () => {
    const before = upstream.received.length;
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${proxy.url}/${upstream.authority}/echo`, { headers: { connection: 'x-private', 'x-private': '1', te: 'trailers', 'x-forwarded-for': '10.0.0.1' } }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end();
    });
    const headers = upstream.received[before]!.headers;
    expect(headers['x-private']).toBeUndefined();
    expect(headers['te']).toBeUndefined();
    expect(headers['x-forwarded-for']).toBeUndefined();
  });
});

describe('health and logs', () => {
  it('GET /health reports status, version, uptime and counters', async () => {
    const result = await call('/health');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'ok', version: expect.any(String), uptime_s: expect.any(Number), in_flight: expect.any(Number) });
    expect(result.body?.errors.domain_not_allowed).toBeGreaterThan(0);
    expect(result.body?.errors.upstream_unreachable).toBeGreaterThan(0);
  });

  it('writes one access log line per proxied request, without the key', async () => {
    await call(`/${upstream.authority}/v1/models?key=AIzaSecretInQuery`, { headers: { authorization: 'Bearer sk-log-secret-123' } });
    // Scanner noise (probe_filter's default patterns) is answered but kept out of the log.
    expect((await call('/wp-login.php')).status).toBe(403);
    expect((await call('/.env')).status).toBe(400);
    await proxy.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(proxy.logFile!, 'utf8');
    expect(log).not.toContain('sk-log-secret-123');
    expect(log).not.toContain('AIzaSecretInQuery');
    const lines = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.find((line) => line['msg'] === 'proxied' && line['path'] === '/v1/models');
    expect(access).toMatchObject({ method: 'GET', domain: upstream.authority, status: 200, streamed: false });
    // Probes leave no trace.
    expect(log).not.toContain('CensysInspect');
    expect(log).not.toContain('favicon');
    expect(log).not.toContain('wp-login');
    expect(log).not.toContain('.env');
    // A refused request that is not noise is logged.
    expect(log).toContain('api.evil.example');
  });
});
