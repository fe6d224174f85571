// SSRF: malicious targets, table-driven. A listening upstream on loopback counts every request it
// gets; none of these may reach it. Plus the per-IP rate limit.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let upstream: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { reached: true }));
  proxy = await startTestProxy({
    allowed_domains: {
      'api.openai.com': { auth_type: 'openai', https: true },
      // Allowlisted, but resolves to loopback with https: true and no allow_private: refused at connect.
      [`localhost:${upstream.port}`]: { https: true },
      localhost: { https: true },
    },
    upstream: { connect_retries: 0 },
  });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** Sends the raw request target as-is (fetch would normalise it). */
function rawRequest(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.app.proxy.port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nhost: proxy\r\nconnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const port = () => upstream.port;

const MALICIOUS: Array<[string, () => string]> = [
  ['loopback literal', () => `/127.0.0.1:${port()}/v1/x`],
  ['loopback literal, no port', () => '/127.0.0.1/v1/x'],
  ['short-form IPv4', () => `/127.1:${port()}/v1/x`],
  ['decimal IPv4', () => `/2130706433:${port()}/v1/x`],
  ['hex IPv4', () => `/0x7f000001:${port()}/v1/x`],
  ['dotted hex IPv4', () => `/0x7f.0x0.0x0.0x1:${port()}/v1/x`],
  ['octal IPv4', () => `/0177.0.0.1:${port()}/v1/x`],
  ['zero address', () => `/0.0.0.0:${port()}/v1/x`],
  ['metadata IP', () => '/169.254.169.254/latest/meta-data/'],
  ['metadata IP decimal', () => '/2852039166/latest/meta-data/'],
  ['private 10/8', () => '/10.0.0.1/v1/x'],
  ['private 192.168', () => '/192.168.1.1/v1/x'],
  ['private 172.16', () => '/172.16.0.1/v1/x'],
  ['IPv6 loopback', () => `/[::1]:${port()}/v1/x`],
  ['IPv6 mapped v4', () => `/[::ffff:127.0.0.1]:${port()}/v1/x`],
  ['IPv6 mapped hex', () => `/[::ffff:7f00:1]:${port()}/v1/x`],
  ['IPv6 link-local', () => '/[fe80::1]/v1/x'],
  ['IPv6 unterminated', () => '/[::1/v1/x'],
  ['userinfo', () => `/api.openai.com@127.0.0.1:${port()}/v1/x`],
  ['userinfo with colon', () => `/user:pass@127.0.0.1:${port()}/v1/x`],
  ['encoded @', () => `/api.openai.com%40127.0.0.1:${port()}/v1/x`],
  ['encoded slash in host', () => `/127.0.0.1:${port()}%2F.api.openai.com/v1/x`],
  ['encoded dot in host', () => '/api%2eopenai.com/v1/x'],
  ['backslash in host', () => `/api.openai.com\\@127.0.0.1:${port()}/v1/x`],
  ['empty host', () => '//v1/x'],
  ['double slash to other host', () => `//127.0.0.1:${port()}/v1/x`],
  ['CR/LF encoded in path', () => '/api.openai.com/v1/x%0d%0aHost:%20127.0.0.1'],
  ['NUL encoded', () => '/api.openai.com%00.127.0.0.1/v1/x'],
  ['dot-segment escape', () => `/api.openai.com/../127.0.0.1:${port()}/v1/x`],
  ['encoded dot-segment', () => `/api.openai.com/%2e%2e/127.0.0.1:${port()}/v1/x`],
  ['encoded slash in path', () => `/api.openai.com/..%2f127.0.0.1:${port()}/v1/x`],
  ['allowlisted name resolving to loopback', () => `/localhost:${port()}/v1/x`],
  ['allowlisted localhost without port', () => '/localhost/v1/x'],
  ['localhost not allowlisted with other port', () => '/localhost:1/v1/x'],
  ['trailing-dot host', () => `/localhost.:${port()}/v1/x`],
  ['suffix trick', () => '/api.openai.com.evil.example/v1/x'],
  ['prefix trick', () => '/evilapi.openai.com/v1/x'],
  ['port smuggling', () => `/api.openai.com:${port()}/v1/x`],
  ['bad port', () => '/api.openai.com:99999/v1/x'],
  ['non-numeric port', () => '/api.openai.com:80a/v1/x'],
  ['fragment in host', () => `/127.0.0.1:${port()}#.api.openai.com/v1/x`],
  ['space in host', () => '/api.openai.com%20127.0.0.1/v1/x'],
  ['absolute-form URL', () => `http://127.0.0.1:${port()}/v1/x`],
  ['scheme in domain segment', () => `/http:/127.0.0.1:${port()}/v1/x`],
  ['unicode homoglyph', () => '/api.openaі.com/v1/x'],
];

describe('SSRF guard', () => {
  it(`has at least 40 malicious cases (${MALICIOUS.length})`, () => {
    expect(MALICIOUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MALICIOUS)('refuses %s', async (_name, target) => {
    const before = upstream.received.length;
    const result = await rawRequest(target());
    expect([400, 403, 404]).toContain(result.status);
    expect(upstream.received.length).toBe(before);
  });

  it('answers a target that resolves to loopback with 403 target_blocked and a fix', async () => {
    const result = await rawRequest(`/localhost:${port()}/v1/x`);
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body).error.code).toBe('target_blocked');
    expect(JSON.parse(result.body).error.message).toContain('allow_private');
  });
});

describe('rate limit', () => {
  it('answers 429 past the burst, per client address', async () => {
    const limited = await startTestProxy({
      allowed_domains: { [upstream.authority]: { https: false } },
      security: { rate_limit: { rate: 0.001, burst: 3 } },
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index++) {
        statuses.push((await fetch(`${limited.url}/${upstream.authority}/v1/models`)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

/** A TCP listener that counts connections: a refused target must not even get a SYN answered. */
async function startConnectionCounter(host: string): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  let connections = 0;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.on('connection', (socket) => {
    connections++;
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    count: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('allowlisted IP literals with "https": true', () => {
  it.each([
    ['127.0.0.3', '127.0.0.3'],
    ['[::1]', '::1'],
  ])('refuses %s at connect time (403 target_blocked, no connection)', async (literal, listenOn) => {
    const counter = await startConnectionCounter(listenOn);
    const authority = `${literal}:${counter.port}`;
    const strict = await startTestProxy({ allowed_domains: { [authority]: { auth_type: 'openai', https: true } }, upstream: { connect_retries: 0 } });
    try {
      const response = await fetch(`${strict.url}/${authority}/v1/models`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('target_blocked');
      expect(counter.count()).toBe(0);
    } finally {
      await strict.close();
      await counter.close();
    }
  });

  it('refuses the metadata address allowlisted with "https": true as target_blocked, not as unreachable', async () => {
    const strict = await startTestProxy({ allowed_domains: { '169.254.169.254': { https: true } }, upstream: { connect_retries: 0 } });
    try {
      const response = await fetch(`${strict.url}/169.254.169.254/latest/meta-data/`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('target_blocked');
    } finally {
      await strict.close();
    }
  });

  it('connects to the same literal when its entry says "allow_private": true', async () => {
    const counter = await startConnectionCounter('127.0.0.3');
    const authority = `127.0.0.3:${counter.port}`;
    const allowed = await startTestProxy({ allowed_domains: { [authority]: { https: false, allow_private: true } }, upstream: { connect_retries: 0 } });
    try {
      expect((await fetch(`${allowed.url}/${authority}/v1/models`)).status).toBe(200);
      expect(counter.count()).toBe(1);
    } finally {
      await allowed.close();
      await counter.close();
    }
  });
});

describe('OpenAI-compatible entry routes to an allowlisted private literal', () => {
  let counter: Awaited<ReturnType<typeof startConnectionCounter>>;
  let compat: TestProxy;

  beforeAll(async () => {
    counter = await startConnectionCounter('::1');
    const authority = `[::1]:${counter.port}`;
    compat = await startTestProxy({
      allowed_domains: { [authority]: { https: true } },
      openai_compat: {
        routes: [
          { match: 'gemini-*', provider: 'google', domain: authority },
          { match: 'claude-*', provider: 'anthropic', domain: authority },
          { match: '*', provider: 'openai', domain: authority },
        ],
      },
      upstream: { connect_retries: 0 },
    });
  });

  afterAll(async () => {
    await compat.close();
    await counter.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${compat.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      body: JSON.stringify(body),
    });

  it.each([
    ['chat (translated, Gemini)', '/v1/chat/completions', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }],
    ['chat (translated, Anthropic)', '/v1/chat/completions', { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] }],
    ['chat (pass-through)', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }],
    ['embeddings', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hi' }],
  ])('refuses %s with target_blocked and no connection', async (_name, path, body) => {
    const response = await post(path, body);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('target_blocked');
    expect(counter.count()).toBe(0);
  });

  it('lists the routes for GET /v1/models without connecting to any of them', async () => {
    const response = await fetch(`${compat.url}/v1/models`, { headers: { authorization: 'Bearer test-key' } });
    expect(response.status).toBe(200);
    const ids = ((await response.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
    expect(ids).toEqual(['gemini-*', 'claude-*', '*']);
    expect(counter.count()).toBe(0);
  });
});
