// The shared agent's connect-time SSRF check, against a real loopback server that counts the TCP
// connections it gets. DNS names are answered by a test resolver injected into the guarded lookup,
// so a name can "resolve" to loopback, 6to4, Teredo or NAT64 addresses.
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { createUpstreamAgent } from './agent.js';
import type { ResolveAll } from './guarded-lookup.js';

let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const ANSWERS: Record<string, LookupAddress[]> = {
  'loopback.test': [{ address: '127.0.0.1', family: 4 }],
  'sixtofour.test': [{ address: '2002:7f00:1::1', family: 6 }],
  'teredo.test': [{ address: '2001:0:4136:e378:8000:63bf:80ff:fffe', family: 6 }],
  'nat64.test': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
  'mixed.test': [{ address: '10.0.0.1', family: 4 }, { address: '127.0.0.1', family: 4 }],
  'local-model.test': [{ address: '127.0.0.1', family: 4 }],
};
const testResolver: ResolveAll = (hostname, callback) => {
  const answer = ANSWERS[hostname];
  if (answer) callback(null, answer);
  else callback(Object.assign(new Error(`no test answer for ${hostname}`), { code: 'ENOTFOUND' }), []);
};

function agentFor(allowed: Record<string, unknown>) {
  const { config } = parseConfig({ allowed_domains: allowed, upstream: { connect_retries: 0, dns_cache_ttl_ms: 0 } });
  return createUpstreamAgent(config, { resolve: testResolver });
}

async function attempt(agent: ReturnType<typeof createUpstreamAgent>, origin: string): Promise<{ status?: number; code?: string }> {
  try {
    const response = await agent.request({ origin, path: '/', method: 'GET' });
    await response.body.text();
    return { status: response.statusCode };
  } catch (error) {
    return { code: (error as { code?: string }).code ?? String(error) };
  }
}

describe('connect-time address check', () => {
  it.each([
    ['an allowlisted loopback literal', '127.0.0.3'],
    ['an allowlisted IPv6 loopback literal', '[::1]'],
    ['an allowlisted IPv4-mapped literal', '[::ffff:127.0.0.1]'],
    ['a name resolving to loopback', 'loopback.test'],
    ['a name resolving to 6to4 of loopback', 'sixtofour.test'],
    ['a name resolving to Teredo with a loopback client', 'teredo.test'],
    ['a name resolving to NAT64 of metadata', 'nat64.test'],
    ['a name resolving only to private addresses', 'mixed.test'],
  ])('refuses %s with https: true before any connection', async (_name, host) => {
    const authority = `${host}:${port}`;
    const agent = agentFor({ [authority]: { https: true } });
    try {
      const before = connections;
      for (const scheme of ['https', 'http']) {
        expect(await attempt(agent, `${scheme}://${authority}`)).toEqual({ code: 'target_blocked' });
      }
      expect(connections).toBe(before);
    } finally {
      await agent.close();
    }
  });

  it('lets a private literal through when its entry says "https": false or "allow_private": true', async () => {
    const plain = agentFor({ [`127.0.0.1:${port}`]: { https: false } });
    const allowed = agentFor({ [`127.0.0.1:${port}`]: { https: true, allow_private: true } });
    try {
      const before = connections;
      expect(await attempt(plain, `http://127.0.0.1:${port}`)).toEqual({ status: 200 });
      expect(await attempt(allowed, `http://127.0.0.1:${port}`)).toEqual({ status: 200 });
      expect(connections).toBe(before + 2);
    } finally {
      await plain.close();
      await allowed.close();
    }
  });

  it('lets a name resolving to loopback through when its entry allows private addresses', async () => {
    const agent = agentFor({ [`local-model.test:${port}`]: { https: false } });
    try {
      expect(await attempt(agent, `http://local-model.test:${port}`)).toEqual({ status: 200 });
    } finally {
      await agent.close();
    }
  });

  it('judges an IPv6 literal by its address, however the allowlist spells it', async () => {
    // [0:0:0:0:0:0:0:1] on the allowlist with https: false is the same host as [::1].
    const agent = agentFor({ [`[0:0:0:0:0:0:0:1]:${port}`]: { https: false } });
    try {
      const result = await attempt(agent, `http://[::1]:${port}`);
      // The server listens on 127.0.0.1 only: the connection is tried (and refused by the OS), not blocked.
      expect(result.code).not.toBe('target_blocked');
    } finally {
      await agent.close();
    }
  });
});
