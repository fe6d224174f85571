// Real coding-agent sessions replayed (issue 12, "Tests"): each CLI's requests, as recorded from the
// real client by scripts/record-agent-sessions.ts (test/fixtures/agents/<cli>/session.json), are sent
// through the real proxy to a loopback upstream answering with the scripted answers recorded beside
// them. Asserted: the records (count, complete, the client's User-Agent forwarded), the thread (every
// step linked into one), and the exported ShareGPT row field by field against what the fixture's
// requests and answers say.
import { derivedShareGptOf } from '../../src/capture/derive-stored.js';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/admin/api-types.js';
import type { StoredExchange } from '../../src/capture/exchange.js';
import { openRecording } from '../../src/capture/open-recording.js';
import { createLogger } from '../../src/log/create-logger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { ShareGptRow } from '../../src/training/sharegpt-types.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { SCRIPTED_REASONING, type RecordedAgentExchange } from '../helpers/scripted-agent-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

interface AgentSession {
  cli: string;
  version: string;
  prompt: string;
  workDir: string;
  filePath: string;
  finalText: string;
  exchanges: RecordedAgentExchange[];
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'agents');
/** The workdir the replay substitutes for the recorded `{{WORKDIR}}`: any stable path works. */
const WORKDIR = '/home/dev/project';

function loadSession(cli: string): AgentSession {
  const text = readFileSync(join(FIXTURES, cli, 'session.json'), 'utf8').replaceAll('{{WORKDIR}}', WORKDIR).replaceAll('{{HOME}}', '/home/dev');
  return JSON.parse(text) as AgentSession;
}

// `<cli>-<mode>` folders (WebSocket transport, subscription logins) are replayed by agent-sessions-by-login.test.ts.
const sessions = readdirSync(FIXTURES, { withFileTypes: true })
  // compat-* sessions ran at the OpenAI-compatible entry: test/e2e/agent-compat-sessions.test.ts.
  .filter((entry) => entry.isDirectory() && !entry.name.includes('-'))
  .map((entry) => loadSession(entry.name));

/** The provider each CLI's recorded session speaks (its default provider, as run by scripts/agent-clis.ts). */
const PROVIDER: Record<string, 'anthropic' | 'openai' | 'google'> = { claude: 'anthropic', codex: 'openai', gemini: 'google', opencode: 'anthropic' };
/** What the client's User-Agent starts with. */
/** The client each CLI's records are attributed to (capture/detect-client.ts): name, and version prefix. */
const CLIENT: Record<string, { name: string; version: RegExp }> = {
  claude: { name: 'claude-code', version: /^2\.1\./ },
  codex: { name: 'codex', version: /^0\.171\./ },
  gemini: { name: 'gemini-cli', version: /^0\.61\./ },
  opencode: { name: 'opencode', version: /^1\.18\./ },
};
const USER_AGENT: Record<string, RegExp> = { claude: /^claude-cli\/2\.1\./, codex: /^codex_exec\/0\.171\./, gemini: /^GeminiCLI(-[a-z]+)?\/0\.61\./, opencode: /opencode\/1\.18\./ };

/** The credential header each provider's client sends (the fixture has them removed). */
function credentials(provider: string): Record<string, string> {
  if (provider === 'anthropic') return { 'x-api-key': 'fake-agent-key' };
  if (provider === 'google') return { 'x-goog-api-key': 'fake-agent-key' };
  return { authorization: 'Bearer fake-agent-key' };
}

/** Codex's session again, from an upstream that ends each body 50 ms after its terminal event (§1). */
const codexSession = sessions.find((session) => session.cli === 'codex');
let lateUpstream: FakeUpstream | undefined;
const END_DELAY_MS = 50;

let proxy: TestProxy;
let store: Store;
let admin: AdminServer;
const upstreams = new Map<string, FakeUpstream>();

beforeAll(async () => {
  for (const session of sessions) {
    const upstream = await startFakeUpstream();
    // Answers each request with the next recorded answer to the same method and path (the replay
    // sends them in order; a request the proxy does not forward is skipped over).
    let next = 0;
    upstream.fallback((request, response) => {
      const index = session.exchanges.findIndex((exchange, i) => i >= next && exchange.request.method === request.method && exchange.request.path === request.url);
      const recorded = index >= 0 ? session.exchanges[index] : undefined;
      if (index >= 0) next = index + 1;
      if (!recorded) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `replay: unexpected ${request.method} ${request.url}` } }));
        return;
      }
      response.writeHead(recorded.response.status, { 'content-type': recorded.response.contentType });
      response.end(recorded.response.body);
    });
    upstreams.set(session.cli, upstream);
  }
  if (codexSession) {
    lateUpstream = await startFakeUpstream();
    let next = 0;
    lateUpstream.fallback(async (_request, response) => {
      const recorded = codexSession.exchanges[next++]!;
      response.writeHead(200, { 'content-type': recorded.response.contentType });
      response.write(recorded.response.body);
      await new Promise((resolve) => setTimeout(resolve, END_DELAY_MS));
      if (!response.destroyed) response.end();
    });
  }
  const dbPath = join(mkdtempSync(join(tmpdir(), 'llmproxy-agents-')), 'records.db');
  const allowed: Record<string, unknown> = {};
  if (lateUpstream) allowed[lateUpstream.authority] = { https: false, auth_type: 'openai' };
  for (const session of sessions) allowed[upstreams.get(session.cli)!.authority] = { https: false, auth_type: PROVIDER[session.cli] };
  proxy = await startTestProxy({ allowed_domains: allowed }, { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) });
  store = openSqliteStore(dbPath);
  admin = await startAdminServer({ store, logger: createLogger({ level: 'error', file: null, console: false }), host: '127.0.0.1', port: 0, adminToken: null });
});

afterAll(async () => {
  await admin?.close();
  await proxy?.close();
  await store?.close();
  for (const upstream of upstreams.values()) await upstream.close();
  await lateUpstream?.close();
});

/** Sends the session's requests through the proxy, in order, reading each answer to its end. */
async function replay(session: AgentSession): Promise<void> {
  const upstream = upstreams.get(session.cli)!;
  for (const { request } of session.exchanges) {
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const response = await fetch(`${proxy.url}/${upstream.authority}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...credentials(PROVIDER[session.cli]!) },
      ...(hasBody ? { body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body) } : {}),
    });
    await response.arrayBuffer();
    statuses.push({ method: request.method, path: request.path, status: response.status });
  }
}

/** What the proxy answered to each replayed request. */
const statuses: Array<{ method: string; path: string; status: number }> = [];

async function recordsOf(session: AgentSession, count: number): Promise<StoredExchange[]> {
  const domain = upstreams.get(session.cli)!.authority;
  let items: StoredExchange[] = [];
  await waitFor(async () => {
    items = (await store.list({ domain }, { limit: 100 })).items;
    return items.length >= count;
  }, 15_000, `${count} records of ${session.cli}`);
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}

async function exportedRows(session: AgentSession): Promise<ShareGptRow[]> {
  const domain = upstreams.get(session.cli)!.authority;
  const response = await fetch(`${admin.url}/api/export?format=sharegpt&status=all&sideCall=false&domain=${encodeURIComponent(domain)}`, { headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ShareGptRow);
}

// ---- What a session's last model request says, read from the fixture per wire format ----------

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

interface Expected {
  /** Every system text the client sent, in order (blocks, instructions, systemInstruction parts). */
  systemParts: string[];
  tools: Array<{ name: string; description: string; parameters: unknown }>;
  /** Tools declared inside a Codex `namespace` tool. */
  namespacedTools: Array<{ name: string; description: string; parameters: unknown }>;
  call: { name: string; arguments: unknown };
  result: string;
  /** The text of the user's first message (every part). */
  userParts: string[];
}

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : asArray(value).map((part) => (isObject(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');

function expectedFrom(session: AgentSession): Expected {
  const final = session.exchanges.find((exchange) => exchange.step === 'final')!;
  const body = final.request.body as Json;
  switch (final.wire) {
    case 'anthropic-messages': {
      const messages = asArray(body['messages']).filter(isObject);
      const toolUse = messages.flatMap((m) => asArray(m['content'])).find((b) => isObject(b) && b['type'] === 'tool_use') as Json;
      const toolResult = messages.flatMap((m) => asArray(m['content'])).find((b) => isObject(b) && b['type'] === 'tool_result') as Json;
      const system = body['system'];
      return {
        systemParts: typeof system === 'string' ? [system] : asArray(system).map(textOf.bind(null)).map((_, i) => String((asArray(system)[i] as Json)['text'])),
        tools: asArray(body['tools']).filter(isObject).map((t) => ({ name: String(t['name']), description: String(t['description'] ?? ''), parameters: t['input_schema'] })),
        namespacedTools: [],
        call: { name: String(toolUse['name']), arguments: toolUse['input'] },
        result: textOf(toolResult['content']),
        userParts: asArray(messages[0]?.['content']).length > 0 ? asArray(messages[0]?.['content']).map((b) => (isObject(b) ? String(b['text'] ?? '') : '')) : [String(messages[0]?.['content'])],
      };
    }
    case 'openai-responses': {
      const input = asArray(body['input']).filter(isObject);
      const call = input.find((item) => item['type'] === 'function_call')!;
      const output = input.find((item) => item['type'] === 'function_call_output')!;
      const tools = asArray(body['tools']).filter(isObject);
      const fn = (t: Json) => ({ name: String(t['name']), description: String(t['description'] ?? ''), parameters: t['parameters'] });
      const systemParts = [String(body['instructions'] ?? '')].filter((s) => s !== '');
      // Each part on its own: the row joins the parts of one message with a blank line (text runs
      // as sent, issue 11), which a join here would have to copy.
      for (const item of input) {
        if (item['role'] !== 'developer' && item['role'] !== 'system') continue;
        const content = item['content'];
        if (typeof content === 'string') systemParts.push(content);
        else for (const part of asArray(content)) if (isObject(part) && typeof part['text'] === 'string') systemParts.push(part['text']);
      }
      return {
        systemParts,
        tools: tools.filter((t) => t['type'] === 'function').map(fn),
        namespacedTools: tools.filter((t) => t['type'] === 'namespace').flatMap((t) => asArray(t['tools']).filter(isObject).map(fn)),
        call: { name: String(call['name']), arguments: JSON.parse(String(call['arguments'])) },
        result: typeof output['output'] === 'string' ? output['output'] : textOf(output['output']),
        userParts: input.filter((item) => item['role'] === 'user').map((item) => textOf(item['content'])),
      };
    }
    case 'gemini': {
      const contents = asArray(body['contents']).filter(isObject);
      const parts = contents.flatMap((c) => asArray(c['parts']).filter(isObject));
      const call = parts.find((p) => isObject(p['functionCall']))!['functionCall'] as Json;
      const response = parts.find((p) => isObject(p['functionResponse']))!['functionResponse'] as Json;
      const system = isObject(body['systemInstruction']) ? body['systemInstruction'] : {};
      return {
        systemParts: asArray(system['parts']).map((p) => (isObject(p) ? String(p['text'] ?? '') : '')),
        tools: asArray(body['tools'])
          .filter(isObject)
          .flatMap((t) => asArray(t['functionDeclarations']).filter(isObject))
          .map((f) => ({ name: String(f['name']), description: String(f['description'] ?? ''), parameters: f['parametersJsonSchema'] ?? f['parameters'] })),
        namespacedTools: [],
        call: { name: String(call['name']), arguments: call['args'] },
        // Gemini CLI answers {output: text}; the row's observation is that text (formats.md 1.5).
        result: (() => {
          const value = response['response'];
          return isObject(value) && Object.keys(value).length === 1 && typeof value['output'] === 'string' ? value['output'] : JSON.stringify(value);
        })(),
        userParts: asArray(contents[0]?.['parts']).map((p) => (isObject(p) ? String(p['text'] ?? '') : '')),
      };
    }
    default:
      throw new Error(`no expectations for wire ${final.wire}`);
  }
}

const BILLING_LINE = /^x-anthropic-billing-header:/;
/** An assistant turn's value: optional `<think>\n…\n</think>\n\n` prefix (formats.md 1.4), then the content. */
const THINK = /^<think>\n([\s\S]*?)\n<\/think>\n\n/;
const withoutThink = (value: string) => value.replace(THINK, '');
const thinkOf = (value: string) => THINK.exec(value)?.[1] ?? null;
const INJECTED_CONTEXT = /<system-reminder>|<environment_context>|<session_context>|<user_instructions>/;

for (const session of sessions) {
  describe(`${session.cli} ${session.version}: its recorded session through the proxy`, () => {
    const modelSteps = session.exchanges.filter((exchange) => exchange.wire !== 'other');
    // Claude Code's HEAD / connectivity probe is forwarded but, having no body, not recorded.
    const recordedRequests = session.exchanges.filter((exchange) => exchange.request.method === 'POST');
    const toolSteps = session.exchanges.filter((exchange) => exchange.step === 'tool-call' || exchange.step === 'final');
    let records: StoredExchange[] = [];
    let modelRecords: StoredExchange[] = [];
    let rows: ShareGptRow[] = [];
    /** The session's row: the one holding the tool loop (side calls such as titles export apart today). */
    let row: ShareGptRow;
    let expected: Expected;

    beforeAll(async () => {
      await replay(session);
      records = await recordsOf(session, recordedRequests.length);
      modelRecords = records.filter((record) => record.wireFormat !== 'other');
      rows = await exportedRows(session);
      // DUMP_AGENT_ROWS=FILE appends the exported rows as JSONL (to run a checker on them by hand).
      const dump = process.env['DUMP_AGENT_ROWS'];
      if (dump) appendFileSync(dump, rows.map((exported) => JSON.stringify(exported) + '\n').join(''));
      expected = expectedFrom(session);
      row = rows.find((candidate) => candidate.conversations.some((turn) => turn.from === 'function_call')) ?? rows[0]!;
    });

    it('ran one tool loop when recorded: a tool call, then the final answer', () => {
      expect(toolSteps.map((exchange) => exchange.step)).toEqual(['tool-call', 'final']);
    });

    it('records every request, each complete, with the status the client got', () => {
      expect(records).toHaveLength(recordedRequests.length);
      expect(modelRecords).toHaveLength(modelSteps.length);
      for (const record of modelRecords) {
        expect(record).toMatchObject({ incomplete: false, error: null, status: 200 });
        expect(derivedShareGptOf(record)).not.toBeNull();
      }
    });

    it("forwards the client's own User-Agent upstream", () => {
      const received = upstreams.get(session.cli)!.received.filter((request) => request.method === 'POST');
      expect(received.length).toBeGreaterThan(0);
      for (const request of received) expect(String(request.headers['user-agent'])).toMatch(USER_AGENT[session.cli]!);
    });

    if (session.exchanges.some((exchange) => exchange.request.method === 'HEAD')) {
      // The proxy answers `HEAD /{domain}/` itself (404, not forwarded); Claude Code does not wait on
      // the probe's answer, so the session runs the same.
      it('its HEAD / reachability probe gets an answer (not a 5xx) and is not recorded', () => {
        const head = statuses.find((entry) => entry.method === 'HEAD' && upstreams.get(session.cli) !== undefined);
        expect(head?.status).toBeLessThan(500);
        expect(records.every((record) => record.method === 'POST')).toBe(true);
      });
    }

    // §4 "Each record knows its client (from User-Agent and other headers)".
    it('each record knows its client (issue 12 §4: client from User-Agent)', () => {
      for (const record of modelRecords) {
        expect(record.client).toBe(CLIENT[session.cli]!.name);
        expect(record.clientVersion).toMatch(CLIENT[session.cli]!.version);
      }
    });

    it('links the tool loop into one thread: the final step is the child of the tool-call step', () => {
      const loop = modelRecords.filter((record) => record.hasTools && derivedShareGptOf(record)?.conversations.some((turn) => turn.from === 'function_call'));
      expect(loop.length).toBeGreaterThanOrEqual(2);
      const [first, last] = [loop[0]!, loop.at(-1)!];
      expect(last.parentId).toBe(first.id);
      expect(last.threadId).toBe(first.threadId);
    });

    // Did the scripted upstream answer with reasoning (the client asked for it), and does the client
    // send the tool-call step's reasoning back in the next request?
    const reasoned = toolSteps.every((exchange) => exchange.response.body.includes(SCRIPTED_REASONING[exchange.step as 'tool-call' | 'final']));
    const resendsReasoning = JSON.stringify(toolSteps[1]?.request.body ?? '').includes(SCRIPTED_REASONING['tool-call']);
    if (reasoned) {
      it('the final answer carries the reasoning of the record that produced it', () => {
        expect(thinkOf(row.conversations[3]!.value)).toBe(SCRIPTED_REASONING.final);
      });
      const toolCallReasoning = () => expect(thinkOf(row.conversations[1]!.value)).toBe(SCRIPTED_REASONING['tool-call']);
      if (resendsReasoning) it("the tool call carries its step's reasoning (the client sent it back)", toolCallReasoning);
      // §4 "When the client does not resend reasoning (Gemini CLI …), the thread's exported row takes
      // each assistant step's reasoning from the record that produced it".
      else it("the tool call carries its step's reasoning, taken from the record that produced it (issue 12 §4: reasoning from the producing record)", toolCallReasoning);
    }

    const sideCalls = session.exchanges.filter((exchange) => exchange.step === 'side');
    const oneRow = () => {
      expect(rows).toHaveLength(1);
      expect(rows[0]).toBe(row);
    };
    if (sideCalls.length === 0) it('exports the session as one row', oneRow);
    // §4 "Side calls that are not the session (session-title generation, …) are recognised and marked":
    // today the side call exports as a row of its own.
    else it('exports the session as one row, its side calls left out (issue 12 §4: side calls recognised and marked)', oneRow);

    it('the row holds the prompt, the tool call, its result and the final answer, in order', () => {
      const turns = row.conversations;
      expect(turns.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
      expect(turns[0]!.value).toContain(session.prompt);
      expect(JSON.parse(withoutThink(turns[1]!.value))).toEqual({ name: expected.call.name, arguments: expected.call.arguments });
      expect(turns[2]!.value).toBe(expected.result);
      expect(withoutThink(turns[3]!.value)).toBe(session.finalText);
    });

    it("the row's tools are the client's function tools, each with its schema", () => {
      const tools = JSON.parse(row.tools) as Array<{ name: string; description: string; parameters: unknown }>;
      const declared = new Map(tools.map((tool) => [tool.name, tool]));
      for (const tool of expected.tools) {
        expect(declared.get(tool.name), tool.name).toBeDefined();
        expect(declared.get(tool.name)!.description).toBe(tool.description);
        expect(declared.get(tool.name)!.parameters).toEqual(tool.parameters);
      }
      expect(declared.has(expected.call.name)).toBe(true);
    });

    if (session.exchanges.some((exchange) => exchange.wire === 'openai-responses')) {
      // §4 "Tools declared inside a Codex namespace tool are flattened into the row's tools".
      it("tools declared inside a namespace are in the row's tools (issue 12 §4: Codex namespace tools flattened)", () => {
        const names = (JSON.parse(row.tools) as Array<{ name: string }>).map((tool) => tool.name);
        for (const tool of expected.namespacedTools) expect(names).toContain(tool.name);
      });
    }

    const systemTest = () => {
      for (const part of expected.systemParts.filter((text) => !BILLING_LINE.test(text))) expect(row.system).toContain(part.trim());
    };
    it("the row's system prompt holds every system text the client sent (billing line aside)", systemTest);

    if (expected_hasBilling(session)) {
      // §4 "the per-version x-anthropic-billing-header line that opens every Claude Code system prompt is removed on export".
      it('the x-anthropic-billing-header line is not in the exported system prompt (issue 12 §4: billing header removed)', () => {
        expect(row.system).not.toMatch(/x-anthropic-billing-header/);
      });
    }

    if (expectedFrom(session).userParts.some((text) => INJECTED_CONTEXT.test(text))) {
      // Chosen (README, "Coding agents"): the context blocks a client puts before the prompt
      // (<system-reminder>, <environment_context>…) are what the model read and answered from,
      // so the training row keeps them as sent; only the review list's preview skips them.
      it("the human turn keeps the client's context blocks as sent, followed by the user's own words", () => {
        const human = row.conversations[0]!.value;
        expect(human).toMatch(INJECTED_CONTEXT);
        for (const part of expected.userParts.filter((text) => text.trim() !== '')) expect(human).toContain(part.trim());
        expect(human.trimEnd().endsWith(session.prompt.trim())).toBe(true);
      });
    }
  });
}

function expected_hasBilling(session: AgentSession): boolean {
  return session.exchanges.some((exchange) => /x-anthropic-billing-header/.test(JSON.stringify(exchange.request.body)));
}

if (codexSession) {
  describe('codex: the client hangs up at response.completed, the upstream ends its body 50 ms later (issue 12 §1)', () => {
    let records: StoredExchange[] = [];
    let rows: ShareGptRow[] = [];

    beforeAll(async () => {
      const domain = lateUpstream!.authority;
      for (const { request } of codexSession.exchanges) {
        // As Codex does: read until the terminal event, then close the connection.
        const controller = new AbortController();
        const response = await fetch(`${proxy.url}/${domain}${request.path}`, {
          method: 'POST',
          headers: { ...request.headers, authorization: 'Bearer fake-agent-key' },
          body: JSON.stringify(request.body),
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        while (!/event: response\.completed\ndata: .*\n\n/.test(text)) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        controller.abort();
      }
      await waitFor(async () => (records = (await store.list({ domain }, { limit: 10 })).items).length >= codexSession.exchanges.length, 15_000, 'the late-ending codex records');
      const response = await fetch(`${admin.url}/api/export?format=sharegpt&status=all&sideCall=false&domain=${encodeURIComponent(domain)}`, { headers: { [CSRF_HEADER]: CSRF_HEADER_VALUE } });
      rows = (await response.text()).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ShareGptRow);
    });

    it('records every step complete', () => {
      expect(records).toHaveLength(codexSession.exchanges.length);
      for (const record of records) expect(record).toMatchObject({ incomplete: false, error: null, status: 200 });
    });

    it('exports the whole session: tool call, result and final answer', () => {
      expect(rows).toHaveLength(1);
      expect(rows[0]!.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
      expect(withoutThink(rows[0]!.conversations[3]!.value)).toBe(codexSession.finalText);
    });
  });
}
