// Real coding-agent sessions on other logins and transports (issue 12 §2), replayed through the real
// proxy from what the real CLIs sent (scripts/record-agent-sessions.ts --mode=…, fixtures in
// test/fixtures/agents/<cli>-<mode>/): Claude Code on a Claude subscription (OAuth Bearer),
// Gemini CLI signed in with Google (Code Assist, wrapped Gemini), Codex on its Responses WebSocket
// transport (prewarm, then incremental `previous_response_id` turns). Asserted: the credentials
// reach the upstream unchanged, the records (wire format, unwrapped or whole input), and the one
// exported ShareGPT row holding the call, its result and the answer.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/admin/api-types.js';
import type { StoredExchange } from '../../src/capture/exchange.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { createLogger } from '../../src/log/create-logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { ShareGptRow } from '../../src/training/sharegpt-types.js';
import { startFakeResponsesWebSocketUpstream, type FakeResponsesWebSocketUpstream } from '../helpers/fake-responses-websocket-upstream.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { sseDataOf, type RecordedAgentExchange } from '../helpers/scripted-agent-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

interface AgentSession {
  cli: string;
  mode: string;
  finalText: string;
  exchanges: RecordedAgentExchange[];
}

const WORKDIR = '/home/dev/project';
const FILE_TEXT = 'The secret word is pineapple.';
function loadSession(name: string): AgentSession {
  const text = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'agents', name, 'session.json'), 'utf8').replaceAll('{{WORKDIR}}', WORKDIR).replaceAll('{{HOME}}', '/home/dev');
  return JSON.parse(text) as AgentSession;
}
const claude = loadSession('claude-subscription');
const gemini = loadSession('gemini-subscription');
const codex = loadSession('codex-websocket');

/** Fake subscription credentials, as scripts/agent-clis.ts hands them to the CLIs (short: not real-looking). */
const CLAUDE_OAUTH = 'Bearer sk-ant-oat01-fake';
const GOOGLE_OAUTH = 'Bearer ya29.fake-access-token';

let proxy: TestProxy;
let store: Store;
let admin: AdminServer;
let claudeUpstream: FakeUpstream;
let geminiUpstream: FakeUpstream;
let codexUpstream: FakeResponsesWebSocketUpstream;

/** Answers each request with the next recorded answer to the same method and path. */
function replayAnswers(upstream: FakeUpstream, session: AgentSession): void {
  let next = 0;
  upstream.fallback((request, response) => {
    const index = session.exchanges.findIndex((exchange, i) => i >= next && exchange.request.method === request.method && exchange.request.path === request.url);
    if (index < 0) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `replay: unexpected ${request.method} ${request.url}` } }));
      return;
    }
    next = index + 1;
    const recorded = session.exchanges[index]!;
    response.writeHead(recorded.response.status, { 'content-type': recorded.response.contentType });
    response.end(recorded.response.body);
  });
}

beforeAll(async () => {
  claudeUpstream = await startFakeUpstream();
  geminiUpstream = await startFakeUpstream();
  codexUpstream = await startFakeResponsesWebSocketUpstream();
  replayAnswers(claudeUpstream, claude);
  replayAnswers(geminiUpstream, gemini);
  codexUpstream.script(codex.exchanges.map((exchange) => ({ frames: sseDataOf(exchange.response.body) })));
  const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-agents-login-')), 'records.db');
  proxy = await startTestProxy(
    {
      allowed_domains: {
        [claudeUpstream.authority]: { https: false, auth_type: 'anthropic' },
        [geminiUpstream.authority]: { https: false, auth_type: 'google' },
        [codexUpstream.authority]: { https: false, auth_type: 'openai' },
      },
    },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  store = openSqliteStore(dbPath);
  admin = await startAdminServer({ store, logger: createLogger({ level: 'error', file: null, console: false }), host: '127.0.0.1', port: 0, adminToken: null });
});

afterAll(async () => {
  await admin?.close();
  await proxy?.close();
  await store?.close();
  await claudeUpstream?.close();
  await geminiUpstream?.close();
  await codexUpstream?.close();
});

async function replayHttp(session: AgentSession, upstream: FakeUpstream, credential: string): Promise<number[]> {
  const statuses: number[] = [];
  for (const { request } of session.exchanges) {
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const response = await fetch(`${proxy.url}/${upstream.authority}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, authorization: credential },
      ...(hasBody ? { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {}),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

async function recordsAt(domain: string, count: number): Promise<StoredExchange[]> {
  let items: StoredExchange[] = [];
  await waitFor(async () => {
    items = (await store.list({ domain }, { limit: 100 })).items;
    return items.length >= count;
  }, 15_000, `${count} records of ${domain}`);
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}

async function exportedRows(domain: string): Promise<ShareGptRow[]> {
  const response = await fetch(`${admin.url}/api/export?format=sharegpt&status=all&sideCall=false&domain=${encodeURIComponent(domain)}`, { headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ShareGptRow);
}

const answerOf = (row: ShareGptRow | undefined) => row?.conversations.at(-1)?.value.replace(/^<think>\n[\s\S]*?\n<\/think>\n\n/, '');

describe('Claude Code on a Claude subscription (OAuth token)', () => {
  it('passes the OAuth Bearer through unchanged, records Anthropic Messages, exports one row', async () => {
    const statuses = await replayHttp(claude, claudeUpstream, CLAUDE_OAUTH);
    // HEAD / first (Claude Code's reachability probe, answered by the proxy itself), then the two model calls.
    expect(claude.exchanges.map((exchange) => exchange.request.method)).toEqual(['HEAD', 'POST', 'POST']);
    expect(statuses.slice(1)).toEqual([200, 200]);
    const models = claudeUpstream.received.filter((request) => request.method === 'POST');
    expect(models).toHaveLength(2);
    for (const request of models) {
      expect(request.headers['authorization']).toBe(CLAUDE_OAUTH);
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(request.headers['anthropic-beta']).toContain('oauth-2025-04-20');
    }
    const records = await recordsAt(claudeUpstream.authority, 2);
    expect(records.map((record) => [record.wireFormat, record.incomplete, record.client])).toEqual([
      ['anthropic-messages', false, 'claude-code'],
      ['anthropic-messages', false, 'claude-code'],
    ]);
    const rows = await exportedRows(claudeUpstream.authority);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(rows[0]!.conversations[2]!.value).toContain(FILE_TEXT);
    expect(answerOf(rows[0])).toBe(claude.finalText);
  });
});

describe('Gemini CLI signed in with Google (Code Assist)', () => {
  it('passes the OAuth Bearer through, records the model calls as Gemini unwrapped and the rest as other, exports one row', async () => {
    const statuses = await replayHttp(gemini, geminiUpstream, GOOGLE_OAUTH);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(geminiUpstream.received.every((request) => request.headers['authorization'] === GOOGLE_OAUTH)).toBe(true);
    const records = await recordsAt(geminiUpstream.authority, gemini.exchanges.length);
    const models = records.filter((record) => record.path.startsWith('/v1internal:streamGenerateContent'));
    expect(models).toHaveLength(2);
    for (const record of models) expect(record).toMatchObject({ wireFormat: 'gemini', model: 'gemini-2.5-flash', streamed: true, incomplete: false, client: 'gemini-cli' });
    expect(records.filter((record) => record.wireFormat === 'other').map((record) => record.path.split(':')[1])).toEqual(['loadCodeAssist', 'retrieveUserQuota', 'listExperiments', 'retrieveUserQuota', 'retrieveUserQuota']);
    const [detail] = await Promise.all([store.get(models[1]!.id)]);
    // Unwrapped: the Gemini request ({model, …request}) and the Gemini answer, not {response}.
    expect(JSON.parse(detail!.requestBody)).toHaveProperty('contents');
    expect(JSON.parse(detail!.requestBody)).not.toHaveProperty('request');
    expect(JSON.parse(detail!.responseBody)).toHaveProperty('candidates');
    const rows = await exportedRows(geminiUpstream.authority);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(rows[0]!.conversations[2]!.value).toContain(FILE_TEXT);
    expect(answerOf(rows[0])).toBe(gemini.finalText);
  });
});

describe('Codex on the Responses WebSocket transport', () => {
  it('carries the session over one WebSocket, records each response.create whole, exports one row', async () => {
    const first = codex.exchanges[0]!.request;
    const socket = new WebSocket(`${proxy.url.replace('http', 'ws')}/${codexUpstream.authority}${first.path}`, { headers: { ...first.headers, authorization: 'Bearer fake-agent-key' }, perMessageDeflate: true });
    const events: Array<{ type: string; response?: { id?: string } }> = [];
    socket.on('message', (data) => events.push(JSON.parse((data as Buffer).toString('utf8')) as { type: string }));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    for (const [index, exchange] of codex.exchanges.entries()) {
      socket.send(JSON.stringify(exchange.request.body));
      await waitFor(() => events.filter((event) => event.type === 'response.completed').length === index + 1, 5_000, `turn ${index + 1}`);
    }
    socket.close();
    expect(codexUpstream.handshakes.at(-1)!.headers['authorization']).toBe('Bearer fake-agent-key');
    expect(codexUpstream.handshakes.at(-1)!.headers['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(codexUpstream.requests).toEqual(codex.exchanges.map((exchange) => exchange.request.body));

    const records = await recordsAt(codexUpstream.authority, 3);
    expect(records.map((record) => [record.wireFormat, record.path, record.streamed, record.incomplete, record.client, record.sideCall ?? null])).toEqual([
      ['openai-responses', '/v1/responses', true, false, 'codex', 'prewarm'],
      ['openai-responses', '/v1/responses', true, false, 'codex', null],
      ['openai-responses', '/v1/responses', true, false, 'codex', null],
    ]);
    // The last turn was sent as previous_response_id + the tool output; its record holds the whole input.
    const sent = codex.exchanges[2]!.request.body as { previous_response_id?: string; input: unknown[] };
    expect(sent.previous_response_id).toBeDefined();
    expect(sent.input).toHaveLength(1);
    const last = await store.get(records[2]!.id);
    const body = JSON.parse(last!.requestBody) as { input: Array<{ type: string; role?: string }>; previous_response_id?: string; type?: string };
    expect(body.previous_response_id).toBeUndefined();
    expect(body.type).toBeUndefined();
    expect(body.input.map((item) => item.type)).toEqual(['message', 'message', 'message', 'message', 'reasoning', 'function_call', 'function_call_output']);

    const rows = await exportedRows(codexUpstream.authority);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(rows[0]!.conversations[2]!.value).toContain(FILE_TEXT);
    expect(answerOf(rows[0])).toBe(codex.finalText);
  });
});
