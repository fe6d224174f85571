// Streaming is passed through as it arrives, aborts propagate both ways, nothing hangs.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let upstream: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false } } });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

function post(path: string, body = '{"stream":true}'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${proxy.url}/${upstream.authority}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}

describe('streaming pass-through', () => {
  it('delivers each chunk to the client before the upstream sends the next one', async () => {
    // The upstream only sends chunk N+1 after the test saw chunk N arrive at the client: a proxy
    // that buffered (even one chunk) would deadlock here and time out.
    const clientSaw: Array<() => void> = [];
    const waitForClient = (index: number) => new Promise<void>((resolve) => (clientSaw[index] = resolve));
    upstream.on('/lockstep', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let index = 0; index < 5; index++) {
        const seen = waitForClient(index);
        response.write(`data: {"n":${index}}\n\n`);
        await seen;
      }
      response.end('data: [DONE]\n\n');
    });
    const response = await post('/lockstep');
    expect(response.headers['content-type']).toBe('text/event-stream');
    let buffer = '';
    let next = 0;
    for await (const chunk of response) {
      buffer += (chunk as Buffer).toString();
      while (buffer.includes(`{"n":${next}}`)) {
        clientSaw[next]!();
        next++;
      }
    }
    expect(next).toBe(5);
    expect(buffer.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('aborts the upstream request as soon as the client disconnects', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    upstream.on('/endless', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => response.write('data: {"tick":1}\n\n'), 20);
      response.on('close', () => {
        clearInterval(timer);
        upstreamClosed();
      });
    });
    const response = await post('/endless');
    await new Promise<void>((resolve) => response.once('data', () => resolve()));
    response.destroy();
    await closed;
  });

  it('ends the client response when the upstream resets mid-stream', async () => {
    upstream.on('/reset', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"partial":true}\n\n');
      setTimeout(() => response.socket?.destroy(), 30);
    });
    const response = await post('/reset');
    let received = '';
    const outcome = await new Promise<string>((resolve) => {
      response.on('data', (chunk: Buffer) => (received += chunk.toString()));
      response.on('end', () => resolve('end'));
      response.on('error', () => resolve('error'));
      response.on('aborted', () => resolve('aborted'));
      response.on('close', () => resolve('close'));
    });
    expect(['error', 'aborted', 'close']).toContain(outcome);
    expect(received).toContain('"partial":true');
  });

  it('honours backpressure: a slow reader does not make the proxy buffer the whole body', async () => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    let written = 0;
    let upstreamPaused = false;
    upstream.on('/big', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) {
            upstreamPaused = true;
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
    });
    const response = await post('/big', '');
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The upstream had to stop: the proxy paused reading instead of buffering 64 MB.
    expect(upstreamPaused).toBe(true);
    expect(written).toBeLessThan(16 * 1024 * 1024);
    response.destroy();
  });
});
