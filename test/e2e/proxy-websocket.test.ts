// Codex's Responses WebSocket transport through the dynamic proxy (issue 12): `GET /{domain}/…/responses`
// with `Upgrade: websocket` is carried to the allowlisted upstream under the HTTP rules (allowlist,
// SSRF, auth conversion), frames pass both ways, the upstream's 101 headers and refusals reach the
// client, and each `response.create` → events up to `response.completed` is recorded as one
// streamed `openai-responses` exchange, as `POST /responses` would be, incremental turns
// (`previous_response_id` + new items) recorded with their whole input.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { memoryRecording, type MemoryRecording } from '../helpers/compat-upstream.js';
import { framesOfSse, startFakeResponsesWebSocketUpstream, type FakeResponsesWebSocketUpstream } from '../helpers/fake-responses-websocket-upstream.js';
import { fixtureText } from '../helpers/fixtures.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

const toolCallFrames = framesOfSse(fixtureText('openai-responses', 'openai-responses-tool-call.chunks.txt'));
const textFrames = framesOfSse(fixtureText('openai-responses', 'openai-responses-text.chunks.txt'));
const TOOL_CALL_RESPONSE_ID = 'resp_68ac20f1a2b38190c4d5e6f7a8b9c0d10b2c3d4e5f6a7b8c';
const CALL_ID = 'call_kP4xZ9qW2mN7vB1cR8tY5sLd';

let upstream: FakeResponsesWebSocketUpstream;
let anthropicUpstream: FakeResponsesWebSocketUpstream;
let proxy: TestProxy;
let recording: MemoryRecording;
let seen = 0;
const nextRecord = (): Promise<ExchangeRecord> => recording.nth(++seen);

beforeAll(async () => {
  upstream = await startFakeResponsesWebSocketUpstream();
  anthropicUpstream = await startFakeResponsesWebSocketUpstream();
  recording = memoryRecording();
  proxy = await startTestProxy(
    {
      allowed_domains: {
        [upstream.authority]: { https: false },
        [anthropicUpstream.authority]: { https: false, auth_type: 'anthropic' },
        // Allowlisted but not as a local server: the loopback address it resolves to is refused at connect time.
        [`localhost:${upstream.port}`]: { https: true },
      },
    },
    { recording: async () => recording },
  );
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await anthropicUpstream.close();
});

beforeEach(() => {
  upstream.refuseWith = null;
});

const codexHeaders = {
  authorization: 'Bearer chatgpt-access-token',
  'chatgpt-account-id': 'acct-1',
  'openai-beta': 'responses_websockets=2026-02-06',
  originator: 'codex_exec',
  'user-agent': 'codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) dumb (codex_exec; 0.171.0)',
};

interface Connected {
  socket: WebSocket;
  upgradeHeaders: Record<string, string | string[] | undefined>;
  events: Array<Record<string, unknown>>;
}

function connect(path: string, headers: Record<string, string> = codexHeaders): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}${path}`, { headers, perMessageDeflate: true });
    const connected: Connected = { socket, upgradeHeaders: {}, events: [] };
    socket.on('upgrade', (response) => (connected.upgradeHeaders = response.headers));
    socket.on('message', (data) => connected.events.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>));
    socket.once('open', () => resolve(connected));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(Object.assign(new Error(`refused ${response.statusCode}`), { status: response.statusCode, body, headers: response.headers })));
    });
    socket.once('error', reject);
  });
}

const untilEvent = (connected: Connected, type: string) => waitFor(() => connected.events.some((event) => event['type'] === type), 5_000, type);

const firstTurn = {
  type: 'response.create',
  model: 'gpt-5-codex',
  instructions: 'You are Codex.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] }],
  tools: [{ type: 'function', name: 'get_weather', description: 'Weather of a city', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  store: false,
  stream: true,
  include: [],
};

describe('a Responses WebSocket session (Codex) through the proxy', () => {
  it('carries the handshake both ways and records each response.create as one Responses exchange', async () => {
    upstream.script([{ frames: toolCallFrames }, { frames: textFrames }]);
    const session = await connect(`/${upstream.authority}/backend-api/codex/responses`);
    const handshake = upstream.handshakes.at(-1)!;
    expect(handshake.url).toBe('/backend-api/codex/responses');
    expect(handshake.headers['authorization']).toBe('Bearer chatgpt-access-token');
    expect(handshake.headers['chatgpt-account-id']).toBe('acct-1');
    expect(handshake.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(handshake.headers['host']).toBe(upstream.authority);
    // What Codex reads from the 101 (turn state, reasoning support, server model).
    expect(session.upgradeHeaders['x-codex-turn-state']).toBe('turn-state-1');
    expect(session.upgradeHeaders['x-reasoning-included']).toBe('true');
    expect(session.upgradeHeaders['openai-model']).toBe('gpt-5-codex');

    session.socket.send(JSON.stringify(firstTurn));
    await untilEvent(session, 'response.completed');
    expect(session.events.map((event) => event['type'])).toEqual(toolCallFrames.map((frame) => (JSON.parse(frame) as { type: string }).type));
    expect(upstream.requests.at(-1)).toEqual(firstTurn);

    const first = await nextRecord();
    expect(first).toMatchObject({ wireFormat: 'openai-responses', method: 'POST', path: '/backend-api/codex/responses', model: 'gpt-5-codex', streamed: true, incomplete: false, error: null, status: 200, client: 'codex' });
    const { type: _type, ...firstBody } = firstTurn;
    expect(JSON.parse(first.requestBody)).toEqual(firstBody);
    expect(JSON.parse(first.responseBody)).toMatchObject({ id: TOOL_CALL_RESPONSE_ID, output: [{ type: 'function_call', name: 'get_weather', call_id: CALL_ID }] });
    expect(first.sharegpt?.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call']);

    // The next turn, as Codex sends it on the same connection: the previous response's id and only the new items.
    const toolOutput = { type: 'function_call_output', call_id: CALL_ID, output: 'Sunny, 24°C' };
    session.socket.send(JSON.stringify({ ...firstTurn, previous_response_id: TOOL_CALL_RESPONSE_ID, input: [toolOutput] }));
    await waitFor(() => session.events.filter((event) => event['type'] === 'response.completed').length === 2, 5_000, 'second turn');
    const second = await nextRecord();
    expect(second).toMatchObject({ wireFormat: 'openai-responses', streamed: true, incomplete: false, error: null });
    const secondBody = JSON.parse(second.requestBody) as Record<string, unknown>;
    expect(secondBody).not.toHaveProperty('previous_response_id');
    expect(secondBody['input']).toEqual([...firstTurn.input, expect.objectContaining({ type: 'function_call', call_id: CALL_ID, arguments: '{"city":"Paris"}' }), toolOutput]);
    expect(second.sharegpt?.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    // One thread: the second record continues the first.
    expect(second.parentKey).toBe(first.selfKey);
    session.socket.close();
  });

  it('a client that closes mid-response leaves an incomplete record; the upstream side is closed too', async () => {
    upstream.script([{ frames: textFrames, delayMs: 30 }]);
    const session = await connect(`/${upstream.authority}/v1/responses`);
    session.socket.send(JSON.stringify(firstTurn));
    await waitFor(() => session.events.length >= 3, 5_000, 'some events');
    session.socket.close();
    const record = await nextRecord();
    expect(record).toMatchObject({ wireFormat: 'openai-responses', path: '/v1/responses', incomplete: true });
    await waitFor(() => upstream.openSockets() === 0, 5_000, 'upstream socket closed');
  });

  it('an upstream that closes mid-response leaves an incomplete record that says so, and the client sees the close', async () => {
    upstream.script([{ frames: textFrames, closeAfter: 4 }]);
    const session = await connect(`/${upstream.authority}/v1/responses`);
    const closed = new Promise<number>((resolve) => session.socket.once('close', (code) => resolve(code)));
    session.socket.send(JSON.stringify(firstTurn));
    expect(await closed).toBe(1011);
    const record = await nextRecord();
    expect(record).toMatchObject({ incomplete: true, error: { class: 'upstream_closed' } });
  });

  it('an error frame ends the turn with its status', async () => {
    upstream.script([{ frames: [JSON.stringify({ type: 'error', status: 429, error: { type: 'usage_limit_reached', message: 'The usage limit has been reached' } })] }]);
    const session = await connect(`/${upstream.authority}/v1/responses`);
    session.socket.send(JSON.stringify(firstTurn));
    await untilEvent(session, 'error');
    const record = await nextRecord();
    expect(record.status).toBe(429);
    expect(record.error).not.toBeNull();
    session.socket.close();
  });

  it("the upstream's refusal of the upgrade reaches the client as it was sent (Codex then falls back to HTTP)", async () => {
    upstream.refuseWith = { status: 401, body: '{"error":{"message":"invalid token","type":"invalid_request_error"}}' };
    const refused = await connect(`/${upstream.authority}/v1/responses`).catch((error: { status: number; body: string; headers: Record<string, string> }) => error);
    expect(refused).toMatchObject({ status: 401, body: '{"error":{"message":"invalid token","type":"invalid_request_error"}}' });
    expect((refused as { headers: Record<string, string> }).headers['x-request-id']).toBe('req-refused');
  });

  it('applies the allowlist, the SSRF check and the auth conversion of HTTP requests', async () => {
    const before = upstream.handshakes.length;
    const notAllowed = await connect('/not-allowed.example/v1/responses').catch((error: { status: number; body: string }) => error);
    expect(notAllowed).toMatchObject({ status: 403, body: expect.stringContaining('not allowed') });
    const blocked = await connect(`/localhost:${upstream.port}/v1/responses`).catch((error: { status: number; body: string }) => error);
    expect(blocked).toMatchObject({ status: 403, body: expect.stringContaining('private, loopback or metadata') });
    expect(upstream.handshakes.length).toBe(before);

    // An entry with auth_type anthropic turns the Bearer key into x-api-key, as for HTTP.
    const session = await connect(`/${anthropicUpstream.authority}/v1/responses`, { authorization: 'Bearer plain-api-key' });
    expect(anthropicUpstream.handshakes.at(-1)!.headers['x-api-key']).toBe('plain-api-key');
    expect(anthropicUpstream.handshakes.at(-1)!.headers['authorization']).toBeUndefined();
    session.socket.close();
  });
});

describe('shutdown with WebSockets open', () => {
  it('closes them with 1001 and the proxy finishes closing', async () => {
    const own = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false } } });
    const socket = new WebSocket(`${own.url.replace('http', 'ws')}/${upstream.authority}/v1/responses`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await own.close();
    expect(await closed).toBe(1001);
  });
});

describe('the rate limit', () => {
  it('refuses upgrades past security.rate_limit with 429', async () => {
    const own = await startTestProxy({ allowed_domains: { [upstream.authority]: { https: false } }, security: { rate_limit: { rate: 0.001, burst: 1 } } });
    try {
      const first = new WebSocket(`${own.url.replace('http', 'ws')}/${upstream.authority}/v1/responses`);
      await new Promise((resolve, reject) => first.once('open', resolve).once('error', reject));
      first.close();
      const second = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${own.url.replace('http', 'ws')}/${upstream.authority}/v1/responses`);
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('open', () => reject(new Error('upgraded past the limit')));
      });
      expect(second).toBe(429);
    } finally {
      await own.close();
    }
  });
});
