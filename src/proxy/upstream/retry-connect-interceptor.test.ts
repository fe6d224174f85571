import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { retryConnectFailures } from './retry-connect-interceptor.js';

/** A loopback port nobody listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let server: Server | null = null;
let hits = 0;
function listenLater(port: number, afterMs: number): void {
  setTimeout(() => {
    server = createServer((_request, response) => {
      hits++;
      response.end('ok');
    });
    server.listen(port, '127.0.0.1');
  }, afterMs);
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  hits = 0;
});

describe('retryConnectFailures', () => {
  it('dispatches again after a refused connect, until the upstream listens', async () => {
    const port = await freePort();
    const agent = new Agent().compose(retryConnectFailures({ retries: 5, backoffMs: 40 }));
    listenLater(port, 60);
    const response = await agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'POST', body: Buffer.from('x') });
    expect(await response.body.text()).toBe('ok');
    expect(hits).toBe(1);
    await agent.close();
  });

  it('gives up after the configured retries with the connect error', async () => {
    const port = await freePort();
    const agent = new Agent().compose(retryConnectFailures({ retries: 2, backoffMs: 5 }));
    await expect(agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await agent.close();
  });

  it('with no retries, fails at once', async () => {
    const port = await freePort();
    const agent = new Agent().compose(retryConnectFailures({ retries: 0, backoffMs: 1000 }));
    listenLater(port, 30);
    const started = Date.now();
    await expect(agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(1000);
    await agent.close();
  });

  it('does not retry an exchange whose response had started', async () => {
    const port = await freePort();
    server = createServer((_request, response) => {
      hits++;
      response.writeHead(200, { 'content-length': '10' });
      response.write('abc');
      setTimeout(() => response.socket?.destroy(), 30);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    const agent = new Agent().compose(retryConnectFailures({ retries: 3, backoffMs: 5 }));
    const response = await agent.request({ origin: `http://127.0.0.1:${port}`, path: '/', method: 'POST', body: Buffer.from('x') });
    await expect(response.body.text()).rejects.toBeDefined();
    expect(hits).toBe(1);
    await agent.close();
  });
});
