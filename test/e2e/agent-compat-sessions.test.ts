// Real coding-agent sessions at the OpenAI-compatible entry (issue 12 §3), replayed: Codex on
// /v1/responses and opencode on /v1/chat/completions, each with a Claude model (extended thinking on)
// and a Gemini 3 model, as recorded from the real CLIs by scripts/record-agent-sessions.ts
// (test/fixtures/agents/compat-<mode>/session.json: what the CLI sent to the entry, and the scripted
// upstream's answers). The CLI's requests go through the real proxy, translated to a loopback fake
// that answers with the recorded answers and refuses, as Anthropic and Gemini 3 do, a tool loop
// whose signed reasoning was lost. Asserted: every answer the client gets, what reached the
// provider (signed reasoning restored, never the refused shape), the records (complete, the compat
// answer as the client received it), the thread, and the exported row field by field.
import { derivedShareGptOf } from '../../src/capture/derive-stored.js';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredExchange } from '../../src/capture/exchange.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { exportRows } from '../../src/export/export-rows.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { ShareGptRow } from '../../src/training/sharegpt-types.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { refusalLikeProviders, SCRIPTED_REASONING, wireOf, type RecordedAgentExchange, type RecordedAgentRequest } from '../helpers/scripted-agent-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

interface CompatSession {
  mode: string;
  cli: 'codex' | 'opencode';
  version: string;
  model: string;
  prompt: string;
  filePath: string;
  finalText: string;
  entry: Array<{ request: RecordedAgentRequest; response: { status: number; contentType: string; body: string } }>;
  upstream: RecordedAgentExchange[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'agents');
const WORKDIR = '/home/dev/project';
const SIGNATURE = 'c2NyaXB0ZWQtc2lnbmF0dXJl';
const sessions = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name.startsWith('compat-'))
  .map((entry) => JSON.parse(readFileSync(join(FIXTURES, entry.name, 'session.json'), 'utf8').replaceAll('{{WORKDIR}}', WORKDIR).replaceAll('{{HOME}}', '/home/dev')) as CompatSession);

/** What the scripted upstream decided for a provider request: the tool call, the final answer, or a side call (no tools). */
function stepOf(path: string, body: Json): RecordedAgentExchange['step'] {
  const wire = wireOf(path);
  if (wire === 'anthropic-messages') {
    const last = asArray(body['messages']).filter(isObject).at(-1);
    if (asArray(last?.['content']).some((block) => isObject(block) && block['type'] === 'tool_result')) return 'final';
    return asArray(body['tools']).length > 0 ? 'tool-call' : 'side';
  }
  const last = asArray(body['contents']).filter(isObject).at(-1);
  if (asArray(last?.['parts']).some((part) => isObject(part) && isObject(part['functionResponse']))) return 'final';
  return asArray(body['tools']).length > 0 ? 'tool-call' : 'side';
}

/** The tool-call ids an answer handed out, in order (chat chunks' `id`, Responses' `call_id`). */
function callIds(answer: string): string[] {
  const ids = [...answer.matchAll(/"tool_calls":\[\{"index":\d+,"id":"([^"]+)"|"call_id":"([^"]+)"/g)].map((match) => match[1] ?? match[2]!);
  return [...new Set(ids)];
}

function completedResponse(answer: string): Json {
  const line = answer.split('\n').find((candidate) => candidate.startsWith('data: {"type":"response.completed"'))!;
  return (JSON.parse(line.slice('data: '.length)) as Json)['response'] as Json;
}
const THINK = /^<think>\n([\s\S]*?)\n<\/think>\n\n/;
const thinkOf = (value: string) => THINK.exec(value)?.[1] ?? null;
const withoutThink = (value: string) => value.replace(THINK, '');

for (const session of sessions) {
  describe(`${session.cli} ${session.version} at the compat entry with ${session.model} (${session.mode})`, () => {
    const toolCall = session.upstream.find((exchange) => exchange.step === 'tool-call')!;
    const final = session.upstream.find((exchange) => exchange.step === 'final')!;
    const claude = session.model.startsWith('claude');
    const endpoint = session.cli === 'codex' ? '/v1/responses' : '/v1/chat/completions';
    let upstream: FakeUpstream;
    let proxy: TestProxy;
    let store: Store;
    const answers: Array<{ status: number; text: string }> = [];
    /** The bodies replayed (the recorded ones, with this run's call ids). */
    const sentBodies: string[] = [];
    let records: StoredExchange[] = [];
    let rows: ShareGptRow[] = [];
    let log = '';

    beforeAll(async () => {
      upstream = await startFakeUpstream();
      const used = new Set<number>();
      upstream.fallback((request, response) => {
        const body = JSON.parse(request.body.toString('utf8')) as Json;
        const refused = refusalLikeProviders(wireOf(request.url), request.url, body);
        if (refused) {
          response.writeHead(refused.status, { 'content-type': refused.contentType });
          response.end(refused.body);
          return;
        }
        const step = stepOf(request.url, body);
        const index = session.upstream.findIndex((exchange, i) => !used.has(i) && exchange.request.path === request.url && exchange.step === step);
        const recorded = session.upstream[index];
        if (!recorded) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: `replay: no recorded ${step} answer for ${request.url}` } }));
          return;
        }
        used.add(index);
        response.writeHead(recorded.response.status, { 'content-type': recorded.response.contentType });
        response.end(recorded.response.body);
      });
      const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-compat-agents-')), 'records.db');
      proxy = await startTestProxy(
        {
          allowed_domains: { [upstream.authority]: { https: false } },
          openai_compat: { routes: [{ match: 'claude-*', provider: 'anthropic', domain: upstream.authority }, { match: 'gemini-*', provider: 'google', domain: upstream.authority }] },
        },
        { logFile: true, recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
      );
      // The client sends back the call ids it got: ids the proxy generates (Gemini has none of its
      // own) differ from the recorded run's, so the recorded requests get this run's ids.
      const renamed = new Map<string, string>();
      for (const [index, { request }] of session.entry.entries()) {
        let body = JSON.stringify(request.body);
        for (const [recorded, replayed] of renamed) body = body.replaceAll(recorded, replayed);
        sentBodies.push(body);
        const response = await fetch(`${proxy.url}${request.path}`, { method: request.method, headers: { ...request.headers, authorization: 'Bearer fake-agent-key' }, body });
        const text = await response.text();
        answers.push({ status: response.status, text });
        const before = callIds(session.entry[index]!.response.body);
        callIds(text).forEach((id, at) => before[at] !== undefined && before[at] !== id && renamed.set(before[at]!, id));
      }
      store = openSqliteStore(dbPath);
      await waitFor(async () => (records = (await store.list({}, { limit: 100 })).items).length >= session.entry.length, 15_000, `${session.entry.length} records`);
      records = await Promise.all([...records].sort((a, b) => a.id.localeCompare(b.id)).map(async (record) => (await store.get(record.id))!));
      for await (const exported of exportRows(store, { formats: ['sharegpt'], filter: { sideCall: false }, status: 'all' })) if (exported.valid) rows.push(exported.row as ShareGptRow);
      // DUMP_AGENT_ROWS=FILE appends the exported rows as JSONL (to run a checker on them by hand).
      const dump = process.env['DUMP_AGENT_ROWS'];
      if (dump) appendFileSync(dump, rows.map((exported) => JSON.stringify(exported) + '\n').join(''));
      await proxy.close();
      log = readFileSync(proxy.logFile!, 'utf8');
    });

    afterAll(async () => {
      await store?.close();
      await upstream?.close();
    });

    it('ran when recorded as it does direct: one tool loop through the entry, no refusal, the scripted answer', () => {
      expect(session.entry.every((exchange) => exchange.request.path === endpoint && exchange.response.status === 200)).toBe(true);
      expect(session.upstream.map((exchange) => exchange.step).filter((step) => step !== 'side')).toEqual(['tool-call', 'final']);
      expect(session.entry.at(-1)!.response.body).toContain(session.finalText.replaceAll('"', '\\"'));
    });

    it('every replayed request gets a 200 and the last one the final answer', () => {
      expect(answers.map((answer) => answer.status)).toEqual(session.entry.map(() => 200));
      expect(answers.at(-1)!.text).toContain(session.finalText);
      expect(upstream.received.map((request) => stepOf(request.url, JSON.parse(request.body.toString('utf8')) as Json))).toEqual(session.upstream.map((exchange) => exchange.step));
    });

    it('the provider got the tool loop with its signed reasoning, thinking on (never the shape it refuses, never the miss fallback)', () => {
      const sent = upstream.received.map((request) => JSON.parse(request.body.toString('utf8')) as Json);
      const last = sent.find((body) => stepOf(final.request.path, body) === 'final')!;
      if (claude) {
        expect(last['thinking']).toMatchObject({ type: 'enabled' });
        const assistant = asArray(last['messages']).filter(isObject).find((message) => message['role'] === 'assistant')!;
        expect(asArray(assistant['content'])[0]).toEqual({ type: 'thinking', thinking: SCRIPTED_REASONING['tool-call'], signature: SIGNATURE });
      } else {
        expect(last['generationConfig']).toMatchObject({ thinkingConfig: { includeThoughts: true } });
        const model = asArray(last['contents']).filter(isObject).find((content) => content['role'] === 'model')!;
        expect(asArray(model['parts']).find((part) => isObject(part) && isObject(part['functionCall']))).toMatchObject({ thoughtSignature: SIGNATURE });
      }
      expect(log).not.toContain('without their signed reasoning');
    });

    if (session.cli === 'opencode') {
      it('opencode sent the call back without its signed reasoning: the proxy put it back from its cache', () => {
        const back = session.entry.find((exchange) => asArray((exchange.request.body as Json)['messages']).some((message) => isObject(message) && message['role'] === 'tool'))!;
        const assistant = asArray((back.request.body as Json)['messages']).filter(isObject).find((message) => message['role'] === 'assistant')!;
        expect(assistant['thinking_blocks']).toBeUndefined();
        for (const call of asArray(assistant['tool_calls']).filter(isObject)) expect(call['extra_content']).toBeUndefined();
      });
    } else {
      it('Codex sent the signed reasoning back in the Responses shape it was handed out in', () => {
        const back = session.entry.at(-1)!.request.body as Json;
        const items = asArray(back['input']).filter(isObject);
        const carrier = claude ? /^llm-proxy\.thinking-blocks\.v1:/ : /^llm-proxy\.thought-signatures\.v1:/;
        expect(items.find((item) => item['type'] === 'reasoning')).toMatchObject({ encrypted_content: expect.stringMatching(carrier) });
        // Call ids stay the plain ids (they reach the exported rows).
        expect(items.find((item) => item['type'] === 'function_call')).toMatchObject({ call_id: expect.stringMatching(/^(toolu|call)_[A-Za-z0-9_-]+$/) });
      });
    }

    it('records every request complete, as the client sent and received it', () => {
      expect(records).toHaveLength(session.entry.length);
      for (const [index, record] of records.entries()) {
        expect(record).toMatchObject({ path: endpoint, wireFormat: session.cli === 'codex' ? 'openai-responses' : 'openai-chat', upstreamProvider: claude ? 'anthropic' : 'google', streamed: true, incomplete: false, error: null, status: 200 });
        expect(record.requestBody).toBe(sentBodies[index]);
        // A stream is stored as the whole answer it adds up to (for Responses: the completed response).
        const stored = JSON.parse(record.responseBody) as Json;
        if (session.cli === 'codex') expect(stored).toEqual(completedResponse(answers[index]!.text));
        else expect(stored).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
        expect(record.client).toBe(session.cli);
      }
      // The signed reasoning the client received is in the stored answer of the tool-call step.
      const step = records.find((record) => record.responseBody.includes('tool_call') || record.responseBody.includes('function_call'))!;
      if (session.cli === 'codex') expect(step.responseBody).toContain(claude ? '"encrypted_content":"llm-proxy.thinking-blocks.v1:' : '"encrypted_content":"llm-proxy.thought-signatures.v1:');
      else expect(step.responseBody).toContain(claude ? `"thinking_blocks":[{"type":"thinking","thinking":${JSON.stringify(SCRIPTED_REASONING['tool-call'])},"signature":"${SIGNATURE}"}]` : `"thought_signature":"${SIGNATURE}"`);
    });

    it('links the tool loop into one thread', () => {
      const loop = records.filter((record) => derivedShareGptOf(record)?.conversations.some((turn) => turn.from === 'function_call'));
      expect(loop.length).toBeGreaterThanOrEqual(2);
      expect(loop.at(-1)!.parentId).toBe(loop[0]!.id);
      expect(loop.at(-1)!.threadId).toBe(loop[0]!.threadId);
    });

    it('exports one row holding every step: the prompt, the call with its reasoning, the result, the answer with its reasoning', () => {
      expect(rows).toHaveLength(1);
      const turns = rows[0]!.conversations;
      expect(turns.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
      expect(turns[0]!.value).toContain(session.prompt);
      expect(thinkOf(turns[1]!.value)).toBe(SCRIPTED_REASONING['tool-call']);
      const called = JSON.parse(withoutThink(turns[1]!.value)) as { name: string; arguments: Json };
      expect(called.name).toBe(/(?:"functionCall":\{|"type":"tool_use",[^}]*?)"name":"([^"]+)"/.exec(toolCall.response.body)?.[1]);
      expect(JSON.stringify(called.arguments)).toContain('hello.txt');
      expect(turns[2]!.value).toContain('The secret word is pineapple.');
      expect(thinkOf(turns[3]!.value)).toBe(SCRIPTED_REASONING.final);
      expect(withoutThink(turns[3]!.value)).toBe(session.finalText);
      const tools = (JSON.parse(rows[0]!.tools) as Array<{ name: string }>).map((tool) => tool.name);
      expect(tools).toContain(called.name);
    });
  });
}
