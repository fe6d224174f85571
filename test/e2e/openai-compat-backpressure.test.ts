// The translated stream honours backpressure: while the client does not read, the proxy stops
// reading the upstream (the upstream's writes stall) instead of buffering the stream; once the
// client reads again, everything arrives, in order, ending with [DONE].
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCompatUpstream, type CompatUpstream } from '../helpers/compat-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

let fake: CompatUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  fake = await startCompatUpstream();
  proxy = await startTestProxy({
    allowed_domains: { [fake.domain]: { https: false } },
    openai_compat: { routes: [{ match: 'gemini-*', provider: 'google', domain: fake.domain }] },
  });
});

afterAll(async () => {
  await proxy.close();
  await fake.close();
});

const PIECE = 'x'.repeat(64 * 1024);
const LIMIT_BYTES = 48 * 1024 * 1024;

it('stops reading the upstream while the client is not reading, and resumes when it does', async () => {
  let stalledAfter = 0;
  let frames = 0;
  fake.answer('gemini-2.5-flash-flood', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const frame = `data: ${JSON.stringify({ candidates: [{ index: 0, content: { role: 'model', parts: [{ text: PIECE }] } }] })}\n\n`;
    let written = 0;
    while (written < LIMIT_BYTES) {
      frames++;
      written += frame.length;
      if (response.write(frame)) continue;
      const drained = await Promise.race([once(response, 'drain').then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 500))]);
      if (!drained) {
        // Nobody has read for half a second: the proxy has stopped pulling from us.
        stalledAfter ||= written;
        await once(response, 'drain');
      }
    }
    response.end(`data: ${JSON.stringify({ candidates: [{ index: 0, content: { role: 'model', parts: [{ text: '.' }] }, finishReason: 'STOP' }] })}\n\n`);
  });

  const body = JSON.stringify({ model: 'gemini-2.5-flash-flood', stream: true, messages: [{ role: 'user', content: 'Flood me.' }] });
  const url = new URL(`${proxy.url}/v1/chat/completions`);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' } }, resolve);
    request.on('error', reject);
    request.end(body);
  });
  expect(response.statusCode).toBe(200);
  response.pause();
  await waitFor(() => stalledAfter > 0, 20_000, 'the upstream writes to stall');
  expect(stalledAfter).toBeLessThan(LIMIT_BYTES);

  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    text += chunk;
  });
  response.resume();
  await once(response, 'end');
  const events = text.split('\n\n').filter((event) => event !== '');
  expect(events.at(-1)).toBe('data: [DONE]');
  const content = events
    .slice(0, -1)
    .map((event) => JSON.parse(event.slice('data: '.length)) as { choices: Array<{ delta: { content?: string } }> })
    .map((chunk) => chunk.choices[0]?.delta.content ?? '')
    .join('');
  expect(content.length).toBe(frames * PIECE.length + 1);
});
