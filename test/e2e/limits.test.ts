// Limits that hold under abuse, against real loopback servers: a full per-origin pool answers 503
// with Retry-After after a bounded wait (and counts it), and slow or stalled clients are cut loose
// (trickled body, unfinished headers, an idle connection, a client that stops reading).
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(config: Record<string, unknown>): Promise<{ upstream: FakeUpstream; proxy: TestProxy }> {
  const upstream = await startFakeUpstream();
  const proxy = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false, auth_type: 'openai' } }, ...config });
  cleanups.push(() => upstream.close(), () => proxy.close());
  return { upstream, proxy };
}

/** Opens a raw connection to the proxy; resolves `closed` when the proxy ends or resets it. */
function rawClient(proxy: TestProxy): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const opened = Date.now();
    const socket = connect(proxy.app.proxy.port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - opened)));
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

describe('per-origin connection pool', () => {
  it('answers 503 upstream_busy with Retry-After after queue_wait_ms, counts it, and serves a request that got a slot in time', async () => {
    const { upstream, proxy } = await setup({ upstream: { connections_per_origin: 2, queue_wait_ms: 400, connect_retries: 0 } });
    const held: ServerResponse[] = [];
    upstream.fallback((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {}\n\n');
      held.push(response);
    });
    const url = `${proxy.url}/${upstream.authority}/v1/chat/completions`;
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","stream":true}' });

    const streams = [await post(), await post()];
    await waitFor(async () => held.length === 2, 5_000, 'two held streams');

    const started = Date.now();
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('upstream_busy');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(upstream.received).toHaveLength(2);
    expect(proxy.app.metrics.upstreamQueueTimeouts).toBe(1);
    expect(proxy.app.metrics.snapshot()).toMatchObject({ upstream_queue_timeouts: 1, errors: { upstream_busy: 1 } });

    // A request that finds the pool full but gets a connection within the wait is served.
    const waiting = post();
    await waitFor(async () => proxy.app.metrics.upstreamQueued === 1, 2_000, 'one queued request');
    held.shift()!.end();
    await streams[0]!.text();
    await waitFor(async () => held.length === 2, 2_000, 'the queued request reached the upstream');
    held.shift()!.end();
    held.shift()!.end();
    const served = await waiting;
    expect(served.status).toBe(200);
    await served.text();
    await streams[1]!.text();
    expect(proxy.app.metrics.upstreamQueueTimeouts).toBe(1);
  });
});

describe('slow clients', () => {
  it('cuts a request body trickling in below min_body_bytes_per_second with 408', async () => {
    const { upstream, proxy } = await setup({ server: { min_body_bytes_per_second: 100 } });
    const client = await rawClient(proxy);
    client.socket.write(`POST /${upstream.authority}/v1/chat/completions HTTP/1.1\r\nhost: proxy\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n`);
    const trickle = setInterval(() => client.socket.writable && client.socket.write('{'), 500);
    try {
      const closedAfterMs = await client.closed;
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.received()).toContain('"code":"request_timeout"');
      expect(closedAfterMs).toBeLessThan(9_000);
      expect(upstream.received).toHaveLength(0);
    } finally {
      clearInterval(trickle);
    }
  }, 15_000);

  it('closes a connection whose headers never finish after headers_timeout_ms', async () => {
    const { proxy } = await setup({ server: { headers_timeout_ms: 1_000 } });
    const client = await rawClient(proxy);
    client.socket.write('GET /api.openai.com/v1/models HTTP/1.1\r\nhost: proxy\r\n');
    const closedAfterMs = await client.closed;
    expect(closedAfterMs).toBeLessThan(4_000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection with no traffic in either direction after idle_timeout_ms', async () => {
    const { upstream, proxy } = await setup({ server: { idle_timeout_ms: 800 } });
    upstream.fallback((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {}\n\n'); // then silence
    });
    const client = await rawClient(proxy);
    client.socket.write(`GET /${upstream.authority}/v1/models HTTP/1.1\r\nhost: proxy\r\n\r\n`);
    const closedAfterMs = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it('closes an idle keep-alive connection after keep_alive_timeout_ms', async () => {
    const { upstream, proxy } = await setup({ server: { keep_alive_timeout_ms: 800 } });
    upstream.fallback((_request, response) => {
      response.writeHead(200, { 'content-length': '2' }).end('{}');
    });
    const client = await rawClient(proxy);
    client.socket.write(`GET /${upstream.authority}/v1/models HTTP/1.1\r\nhost: proxy\r\n\r\n`);
    const closedAfterMs = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it('disconnects a client that stops reading its response after write_timeout_ms, and lets go of the upstream', async () => {
    const { upstream, proxy } = await setup({ server: { write_timeout_ms: 1_000 } });
    let upstreamClosed = false;
    upstream.fallback((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const frame = `data: ${'x'.repeat(64 * 1024)}\n\n`;
      const pump = () => {
        while (!response.destroyed && response.write(frame));
      };
      response.on('drain', pump);
      response.once('close', () => (upstreamClosed = true));
      pump();
    });
    const client = await rawClient(proxy);
    client.socket.pause(); // never reads: the proxy's socket buffer fills up
    client.socket.write(`POST /${upstream.authority}/v1/chat/completions HTTP/1.1\r\nhost: proxy\r\ncontent-length: 2\r\n\r\n{}`);
    await waitFor(async () => upstreamClosed, 12_000, 'the upstream stream let go');
  }, 15_000);

  it('does not cut a long response with request_timeout_ms (it bounds receiving the request only)', async () => {
    const { upstream, proxy } = await setup({ server: { request_timeout_ms: 1_000, headers_timeout_ms: 1_000 } });
    upstream.fallback(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let index = 0; index < 5; index++) {
        response.write(`data: {"n":${index}}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      response.end('data: [DONE]\n\n');
    });
    const response = await fetch(`${proxy.url}/${upstream.authority}/v1/chat/completions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('[DONE]');
  });
});
