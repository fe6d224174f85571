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
