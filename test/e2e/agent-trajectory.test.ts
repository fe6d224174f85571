// Issue 12 section 4 end to end: coding-agent requests (bodies and headers modelled on what
// Gemini CLI 0.61, Claude Code 2.1 and Codex 0.171 send) go through the proxy to a loopback fake,
// are recorded in a real SQLite file, and are exported with runExport. Asserts the record's client
// and side-call mark, the preview, and the exported rows: reasoning of every Gemini step, no
// billing-header line, Codex namespace tools, and side calls left out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecording } from '../../src/capture/open-recording.js';
import { runExport } from '../../src/export/run-export.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

let upstream: FakeUpstream;
let proxy: TestProxy;
let store: Store;
let root: string;
let dbPath: string;

const SESSION_CONTEXT = '<session_context>\nThis is the Gemini CLI. We are setting up the context for our chat.\nToday\'s date is Tuesday, December 1, 2026.\nMy operating system is: linux\n</session_context>';
const readCall = { name: 'read_file', args: { absolute_path: '/work/app/package.json' } };

const geminiAnswers = [
  {
    candidates: [{ content: { role: 'model', parts: [{ text: 'I should read package.json to find the name.', thought: true }, { functionCall: readCall, thoughtSignature: 'c2lnLTE=' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 120, candidatesTokenCount: 12, thoughtsTokenCount: 9, totalTokenCount: 141 },
    modelVersion: 'gemini-2.5-pro',
  },
  {
    candidates: [{ content: { role: 'model', parts: [{ text: 'The file names the package; answer directly.', thought: true }, { text: 'The package is named "app".' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 160, candidatesTokenCount: 8, thoughtsTokenCount: 7, totalTokenCount: 175 },
    modelVersion: 'gemini-2.5-pro',
  },
];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  let geminiCalls = 0;
  upstream.on('/v1beta/models/gemini-2.5-pro:generateContent', (request, response) => json(200, geminiAnswers[geminiCalls++ % 2])(request, response));
  upstream.on('/v1/messages', (request, response) => {
    const body = JSON.parse(request.body.toString('utf8')) as { max_tokens: number };
    const text = body.max_tokens === 1 ? 'Q' : 'Done: the test passes now.';
    return json(200, { id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text }], stop_reason: body.max_tokens === 1 ? 'max_tokens' : 'end_turn', stop_sequence: null, usage: { input_tokens: 30, output_tokens: 9 } })(request, response);
  });
  upstream.on('/v1/responses', json(200, {
    id: 'resp_01', object: 'response', status: 'completed', model: 'gpt-5.1-codex',
    output: [{ type: 'message', id: 'msg_01', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Three files.', annotations: [] }] }],
    usage: { input_tokens: 50, output_tokens: 4, total_tokens: 54 },
  }));
  root = mkdtempSync(join(tmpdir(), 'agent-trajectory-'));
  dbPath = join(root, 'records.db');
  proxy = await startTestProxy(
    { allowed_domains: { [`localhost:${upstream.port}`]: { https: false } } },
    { recording: (logger) => openRecording({ dbPath, logger, flushIntervalMs: 10 }) },
  );
  store = openSqliteStore(dbPath);
});

afterAll(async () => {
  await proxy.close();
  await store.close();
  await upstream.close();
});

async function post(path: string, headers: Record<string, string>, body: unknown): Promise<void> {
  const response = await fetch(`${proxy.url}/localhost:${upstream.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
}

describe('coding-agent sessions as training rows', () => {
  it('records client, side calls and previews, and exports one faithful row per session', async () => {
    // Gemini CLI: the second request sends the model turn back without its thought.
    const gemini = { 'user-agent': 'GeminiCLI/0.61.0 (linux; x64)', 'x-goog-api-key': 'test-google-key', 'x-goog-api-client': 'google-genai-sdk/1.30.0 gl-node/v20.19.0' };
    const system = { parts: [{ text: 'You are an interactive CLI agent specializing in software engineering tasks.' }] };
    const tools = [{ functionDeclarations: [{ name: 'read_file', description: 'Reads a file', parametersJsonSchema: { type: 'object', properties: { absolute_path: { type: 'string' } }, required: ['absolute_path'] } }] }];
    const firstTurn = { role: 'user', parts: [{ text: SESSION_CONTEXT }, { text: 'What is the package name?' }] };
    await post('/v1beta/models/gemini-2.5-pro:generateContent', gemini, { contents: [firstTurn], systemInstruction: system, tools, generationConfig: { thinkingConfig: { includeThoughts: true } } });
    await post('/v1beta/models/gemini-2.5-pro:generateContent', gemini, {
      contents: [firstTurn, { role: 'model', parts: [{ functionCall: readCall, thoughtSignature: 'c2lnLTE=' }] }, { role: 'user', parts: [{ functionResponse: { name: 'read_file', response: { output: '{"name":"app"}' } } }] }],
      systemInstruction: system,
      tools,
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    });

    // Claude Code: the quota probe, then the session step; every system prompt opens with the billing line.
    const claude = { 'user-agent': 'claude-cli/2.1.197 (external, cli)', 'x-app': 'cli', 'x-api-key': 'test-anthropic-key', 'anthropic-version': '2023-06-01' };
    const billing = { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.197.a3f; cc_entrypoint=cli; cch=7d1e2;' };
    await post('/v1/messages?beta=true', claude, { model: 'claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }], metadata: { user_id: 'user_x_session_1' } });
    await post('/v1/messages?beta=true', claude, {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      system: [billing, { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: '<system-reminder>\nThis is a reminder that your todo list is currently empty.\n</system-reminder>' }, { type: 'text', text: 'Make the failing test pass' }] }],
      stream: false,
    });

    // Codex: an MCP server's tools inside a namespace.
    await post('/v1/responses', { 'user-agent': 'codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) dumb (codex_exec; 0.171.0)', originator: 'codex_exec', authorization: 'Bearer test-openai-key' }, {
      model: 'gpt-5.1-codex',
      instructions: 'You are Codex, based on GPT-5.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/work/app</cwd>\n  <shell>bash</shell>\n</environment_context>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How many files are in src?' }] },
      ],
      tools: [
        { type: 'function', name: 'shell', description: 'Runs a shell command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
        { type: 'namespace', name: 'mcp__files__', description: 'files MCP server', tools: [{ type: 'function', name: 'list_dir', description: 'Lists a directory', strict: false, parameters: { type: 'object', properties: { path: { type: 'string' } } } }] },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: false,
      include: ['reasoning.encrypted_content'],
    });

    await waitFor(async () => (await store.count()) >= 5, 10_000, '5 records');
    const summaries = (await store.listSummaries({}, { limit: 10 })).items.reverse();
    expect(summaries.map((item) => [item.client, item.clientVersion, item.sideCall ?? null])).toEqual([
      ['gemini-cli', '0.61.0', null],
      ['gemini-cli', '0.61.0', null],
      ['claude-code', '2.1.197', 'quota-probe'],
      ['claude-code', '2.1.197', null],
      ['codex', '0.171.0', null],
    ]);
    expect(summaries.map((item) => item.preview)).toEqual(['What is the package name?', 'What is the package name?', 'quota', 'Make the failing test pass', 'How many files are in src?']);
    expect(summaries[1]!.parentId).toBe(summaries[0]!.id);
    expect((await store.facets()).clients).toEqual([
      { value: 'claude-code', count: 2 },
      { value: 'gemini-cli', count: 2 },
      { value: 'codex', count: 1 },
    ]);

    const outDir = join(root, 'out');
    const { report } = await runExport({ dbPath, outDir, rows: { formats: ['sharegpt', 'openai-messages'], filter: { sideCall: false }, status: 'all', threads: 'longest' } });
    const rows = readFileSync(join(outDir, 'sharegpt.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { conversations: Array<{ from: string; value: string }>; system: string; tools: string });
    expect(rows).toHaveLength(3);
    const [geminiRow, claudeRow, codexRow] = rows as [typeof rows[number], typeof rows[number], typeof rows[number]];
    expect(geminiRow.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(geminiRow.conversations[1]!.value.startsWith('<think>\nI should read package.json to find the name.\n</think>\n\n')).toBe(true);
    expect(geminiRow.conversations[3]!.value).toBe('<think>\nThe file names the package; answer directly.\n</think>\n\nThe package is named "app".');
    expect(claudeRow.system).toBe("You are Claude Code, Anthropic's official CLI for Claude.");
    expect(JSON.parse(codexRow.tools).map((tool: { name: string }) => tool.name)).toEqual(['shell', 'list_dir']);
    expect(report.records.read).toBe(3);
    expect(report.records.byClient).toEqual({ 'gemini-cli': 1, 'claude-code': 1, codex: 1 });
    expect(report.formats.sharegpt!.repairs).toMatchObject({ 'billing-header-removed': 1, 'reasoning-filled-from-thread': 1 });
    expect(report.repairs['billing-header-removed']).toContain('x-anthropic-billing-header');
    expect(report.formats.sharegpt!.content.withReasoning).toBe(1);
    const messages = readFileSync(join(outDir, 'openai-messages.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { messages: Array<Record<string, unknown>> });
    expect(messages[0]!.messages.filter((message) => message['role'] === 'assistant').map((message) => message['reasoning_content'])).toEqual([
      'I should read package.json to find the name.',
      'The file names the package; answer directly.',
    ]);
    expect(messages[1]!.messages[0]).toEqual({ role: 'system', content: "You are Claude Code, Anthropic's official CLI for Claude." });
  });
});
