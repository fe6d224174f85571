// A loopback upstream that plays a coding agent's model: each provider's wire format (Anthropic
// Messages SSE, OpenAI Responses SSE, OpenAI chat SSE, Gemini streamGenerateContent SSE) with a
// short scripted tool loop. A request that declares tools and carries no tool result yet is
// answered with one tool call in the client's own vocabulary (read `hello.txt`, or `cat` it where
// the client only has a shell); a request carrying a tool result, or declaring no tools (side calls:
// titles, quota probes), is answered with text. Every request and the bytes answered are kept, with
// credentials removed, so a session can be saved as a fixture and replayed (test/fixtures/agents/).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type AgentWire = 'anthropic-messages' | 'openai-responses' | 'openai-chat' | 'gemini' | 'other';

export interface RecordedAgentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text (empty string: no body). */
  body: unknown;
}

export interface RecordedAgentResponse {
  status: number;
  contentType: string;
  /** The raw body as sent: SSE text or JSON text. */
  body: string;
}

export interface RecordedAgentExchange {
  wire: AgentWire;
  /** Set when the request came as a WebSocket message (Codex's Responses transport): `request.body` is the message, `response.body` the events as SSE, each `data:` one frame. */
  transport?: 'websocket';
  /** What the script decided: a tool call, the final text, or a side answer. */
  step: 'tool-call' | 'final' | 'side' | 'other' | 'refused';
  request: RecordedAgentRequest;
  response: RecordedAgentResponse;
}

export interface ScriptedAgentUpstream {
  port: number;
  authority: string;
  exchanges: RecordedAgentExchange[];
  server: Server;
  close(): Promise<void>;
}

export interface AgentScript {
  /** Absolute path of the file the tool call reads (clients with a read tool want one). */
  filePath: string;
  /** The final answer's text. */
  finalText: string;
  /** Text for side calls (no tools declared). */
  sideText?: string;
}

/** The reasoning each scripted step shows, when the client asked for reasoning. */
export const SCRIPTED_REASONING = { 'tool-call': 'The user wants the file read; I will read hello.txt.', final: 'The tool returned the file; I can answer now.', side: 'A short answer will do.' } as const;

/** Header names never written to a fixture (credentials), and per-run noise. */
const DROPPED_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie', 'chatgpt-account-id', 'host', 'content-length', 'connection']);

export function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

export function wireOf(path: string): AgentWire {
  const bare = path.split('?')[0] ?? '';
  if (/\/messages$/.test(bare)) return 'anthropic-messages';
  if (/\/responses$/.test(bare)) return 'openai-responses';
  if (/\/chat\/completions$/.test(bare)) return 'openai-chat';
  if (/:(stream)?[gG]enerateContent$/.test(bare)) return 'gemini';
  return 'other';
}

export async function startScriptedAgentUpstream(script: AgentScript): Promise<ScriptedAgentUpstream> {
  const exchanges: RecordedAgentExchange[] = [];
  let callCounter = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        if (text !== '') body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      const wire = wireOf(path);
      const answer = chatgptBackendAnswer(path, request.headers) ?? scriptedAnswer(wire, path, body, script, () => `call_${String(++callCounter).padStart(3, '0')}`);
      exchanges.push({
        wire,
        step: answer.step,
        request: { method: request.method ?? '', path, headers: redactHeaders(request.headers), body },
        response: { status: answer.status, contentType: answer.contentType, body: answer.body },
      });
      response.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-cache' });
      response.end(answer.body);
    });
  });
  // The Responses WebSocket transport (Codex's default for the built-in OpenAI provider and ChatGPT
  // logins): one `response.create` message in, the same events as the SSE stream out, one frame each.
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  const openSockets = new Set<import('ws').WebSocket>();
  server.on('upgrade', (request, socket, head) => {
    const path = request.url ?? '';
    if (wireOf(path) !== 'openai-responses') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      openSockets.add(client);
      client.on('close', () => openSockets.delete(client));
      client.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: unknown;
        try {
          message = JSON.parse((data as Buffer).toString('utf8'));
        } catch {
          return;
        }
        if (!isObject(message) || message['type'] !== 'response.create') return;
        const { type: _type, ...body } = message;
        const answer = scriptedAnswer('openai-responses', path, body, script, () => `call_${String(++callCounter).padStart(3, '0')}`);
        exchanges.push({
          wire: 'openai-responses',
          transport: 'websocket',
          step: answer.step,
          request: { method: 'GET', path, headers: redactHeaders(request.headers), body: message },
          response: { status: answer.status, contentType: answer.contentType, body: answer.body },
        });
        for (const event of sseDataOf(answer.body)) client.send(event);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    authority: `127.0.0.1:${port}`,
    exchanges,
    server,
    close() {
      for (const client of openSockets) client.terminate();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  step: RecordedAgentExchange['step'];
  status: number;
  contentType: string;
  body: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A tool the script can call, picked from what the client declared, with arguments for it. */
interface ToolChoice {
  name: string;
  args: Json;
}

/** Tool names per client vocabulary, in order of preference: a read tool first, else a shell. */
function chooseTool(declared: Array<{ name: string; schema: unknown }>, script: AgentScript): ToolChoice | null {
  const byName = new Map(declared.map((tool) => [tool.name, tool.schema]));
  const props = (name: string): string[] => {
    const schema = byName.get(name);
    const properties = isObject(schema) && isObject(schema['properties']) ? schema['properties'] : isObject(schema) && isObject(schema['parametersJsonSchema']) ? {} : {};
    return Object.keys(properties);
  };
  for (const name of ['Read', 'read_file', 'read']) {
    if (!byName.has(name)) continue;
    const keys = props(name);
    const key = ['file_path', 'filePath', 'absolute_path', 'path'].find((candidate) => keys.includes(candidate)) ?? 'file_path';
    return { name, args: { [key]: script.filePath } };
  }
  const command = `cat ${script.filePath}`;
  if (byName.has('exec_command')) return { name: 'exec_command', args: { cmd: command } };
  if (byName.has('shell_command')) return { name: 'shell_command', args: { command } };
  if (byName.has('shell')) return { name: 'shell', args: { command: ['bash', '-lc', command] } };
  for (const name of ['Bash', 'bash', 'run_shell_command']) if (byName.has(name)) return { name, args: { command } };
  return null;
}

/**
 * The ChatGPT backend calls Codex makes beside the model calls when signed in with ChatGPT
 * (`chatgpt_base_url`): the workspace check must list the signed-in account (codex-rs app-server
 * workspace_routing.rs, `get_accounts_check`), the model list may be empty.
 */
function chatgptBackendAnswer(path: string, headers: IncomingMessage['headers']): Answer | null {
  const bare = path.split('?')[0] ?? '';
  if (bare.endsWith('/wham/accounts/check')) {
    const id = String(headers['chatgpt-account-id'] ?? '');
    return jsonAnswer('other', { accounts: [{ id, workspace_backend_origin: 'NO_CONSTRAINT', account_routing_override: 'NO_CONSTRAINT' }] });
  }
  if (bare.endsWith('/codex/models')) return jsonAnswer('other', { models: [] });
  return null;
}

/**
 * Google's Code Assist endpoint (Gemini CLI signed in with Google: `CODE_ASSIST_ENDPOINT`,
 * packages/core/src/code_assist/server.ts and setup.ts): the account set-up calls answered as for an
 * onboarded standard-tier user, and the model calls answered as Gemini, wrapped: the request is
 * `{model, project, user_prompt_id, request}`, each answer `{response, traceId}`.
 */
function codeAssistAnswer(path: string, body: unknown, script: AgentScript, nextId: () => string): Answer {
  const method = /\/v1internal:([A-Za-z]+)/.exec(path)?.[1] ?? '';
  switch (method) {
    case 'loadCodeAssist':
      return jsonAnswer('other', { currentTier: { id: 'standard-tier', name: 'Gemini Code Assist', hasOnboardedPreviously: true }, allowedTiers: [{ id: 'standard-tier', isDefault: true }], cloudaicompanionProject: 'fake-project' });
    case 'onboardUser':
      return jsonAnswer('other', { done: true, response: { cloudaicompanionProject: { id: 'fake-project' } } });
    case 'countTokens':
      return jsonAnswer('other', { totalTokens: 100 });
    case 'retrieveUserQuota':
      return jsonAnswer('other', { buckets: [] });
    case 'streamGenerateContent':
    case 'generateContent': {
      const wrapped = isObject(body) ? body : {};
      const model = String(wrapped['model'] ?? 'gemini');
      const inner = scriptedAnswer('gemini', `/v1beta/models/${model}:${method}`, wrapped['request'] ?? {}, script, nextId);
      const wrap = (chunk: string) => `{"response":${chunk},"traceId":"trace-${nextId()}"}`;
      if (method === 'generateContent') return { ...inner, body: wrap(inner.body) };
      const frames = inner.body.split('\r\n\r\n').filter((frame) => frame.startsWith('data: '));
      return { ...inner, body: frames.map((frame) => `data: ${wrap(frame.slice('data: '.length))}\r\n\r\n`).join('') };
    }
    default:
      return jsonAnswer('other', {});
  }
}

function scriptedAnswer(wire: AgentWire, path: string, body: unknown, script: AgentScript, nextId: () => string): Answer {
  const side = script.sideText ?? 'Reading a file.';
  if (path.includes('/v1internal:')) return codeAssistAnswer(path, body, script, nextId);
  if (!isObject(body) || wire === 'other') {
    if (/count_tokens/.test(path)) return jsonAnswer('other', { input_tokens: 100 });
    return jsonAnswer('other', {});
  }
  const refused = refusalLikeProviders(wire, path, body);
  if (refused) return refused;
  switch (wire) {
    case 'anthropic-messages': {
      const tools = asArray(body['tools']).filter(isObject).map((tool) => ({ name: String(tool['name']), schema: tool['input_schema'] }));
      const messages = asArray(body['messages']).filter(isObject);
      const last = messages.at(-1);
      const hasResult = asArray(last?.['content']).some((block) => isObject(block) && block['type'] === 'tool_result');
      const tool = hasResult || tools.length === 0 ? null : chooseTool(tools, script);
      const model = String(body['model'] ?? 'claude');
      const step = tool ? 'tool-call' : hasResult ? 'final' : 'side';
      const text = step === 'final' ? script.finalText : side;
      const thinking = isObject(body['thinking']) && body['thinking']['type'] === 'enabled' ? SCRIPTED_REASONING[step] : null;
      if (body['stream'] !== true) return jsonAnswer(step, anthropicMessage(model, tool, text, thinking, nextId));
      return sseAnswer(step, anthropicStream(model, tool, text, thinking, nextId));
    }
    case 'openai-responses': {
      const tools = asArray(body['tools']).filter(isObject).flatMap(responsesTools);
      const input = asArray(body['input']).filter(isObject);
      const hasResult = input.some((item) => item['type'] === 'function_call_output' || item['type'] === 'custom_tool_call_output');
      // Codex's WebSocket prewarm (`generate: false`): the response is made and completed with no output.
      if (body['generate'] === false) return sseAnswer('side', responsesPrewarm(String(body['model'] ?? 'gpt'), nextId));
      const tool = hasResult || tools.length === 0 ? null : chooseTool(tools, script);
      const step = tool ? 'tool-call' : hasResult ? 'final' : 'side';
      const reasoning = isObject(body['reasoning']) ? SCRIPTED_REASONING[step] : null;
      return sseAnswer(step, responsesStream(String(body['model'] ?? 'gpt'), tool, step === 'final' ? script.finalText : side, reasoning, nextId));
    }
    case 'openai-chat': {
      const tools = asArray(body['tools']).filter(isObject).map((tool) => {
        const fn = isObject(tool['function']) ? tool['function'] : {};
        return { name: String(fn['name']), schema: fn['parameters'] };
      });
      const last = asArray(body['messages']).filter(isObject).at(-1);
      const hasResult = last?.['role'] === 'tool';
      const tool = hasResult || tools.length === 0 ? null : chooseTool(tools, script);
      const step = tool ? 'tool-call' : hasResult ? 'final' : 'side';
      return sseAnswer(step, chatStream(String(body['model'] ?? 'gpt'), tool, step === 'final' ? script.finalText : side, nextId));
    }
    case 'gemini': {
      const tools = asArray(body['tools'])
        .filter(isObject)
        .flatMap((tool) => asArray(tool['functionDeclarations']).filter(isObject))
        .map((fn) => ({ name: String(fn['name']), schema: fn['parametersJsonSchema'] ?? fn['parameters'] }));
      const last = asArray(body['contents']).filter(isObject).at(-1);
      const hasResult = asArray(last?.['parts']).some((part) => isObject(part) && isObject(part['functionResponse']));
      const tool = hasResult || tools.length === 0 ? null : chooseTool(tools, script);
      const step = tool ? 'tool-call' : hasResult ? 'final' : 'side';
      const model = /models\/([^:/]+):/.exec(path)?.[1] ?? 'gemini';
      const config = isObject(body['generationConfig']) ? body['generationConfig'] : {};
      const thoughts = isObject(config['thinkingConfig']) && config['thinkingConfig']['includeThoughts'] === true ? SCRIPTED_REASONING[step] : null;
      // Gemini 3 signs its function calls whether or not thoughts are shown.
      const chunk = geminiChunk(model, tool, step === 'final' ? script.finalText : side, thoughts, GEMINI_3.test(model));
      if (/:streamGenerateContent/.test(path)) return sseAnswer(step, `data: ${JSON.stringify(chunk)}\r\n\r\n`);
      return jsonAnswer(step, chunk);
    }
  }
}

/** The `data:` payloads of an SSE body, in order: what the WebSocket transport sends as frames. */
export function sseDataOf(body: string): string[] {
  return body
    .replace(/\r\n/g, '\n')
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n'))
    .filter((data) => data !== '' && data !== '[DONE]');
}

function responsesTools(tool: Json): Array<{ name: string; schema: unknown }> {
  if (tool['type'] === 'function') return [{ name: String(tool['name']), schema: tool['parameters'] }];
  // Codex declares some tools inside a namespace.
  if (tool['type'] === 'namespace') return asArray(tool['tools']).filter(isObject).flatMap(responsesTools);
  return [];
}

function jsonAnswer(step: Answer['step'], value: unknown): Answer {
  return { step, status: 200, contentType: 'application/json', body: JSON.stringify(value) };
}

function sseAnswer(step: Answer['step'], body: string): Answer {
  return { step, status: 200, contentType: 'text/event-stream', body };
}

const frame = (event: string | null, data: unknown) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function anthropicMessage(model: string, tool: ToolChoice | null, text: string, thinking: string | null, nextId: () => string): Json {
  const content: Json[] = tool ? [{ type: 'tool_use', id: `toolu_${nextId()}`, name: tool.name, input: tool.args }] : [{ type: 'text', text }];
  if (thinking) content.unshift({ type: 'thinking', thinking, signature: SIGNATURE });
  return { id: `msg_${nextId()}`, type: 'message', role: 'assistant', model, content, stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null, usage: { input_tokens: 100, output_tokens: 20 } };
}

/** A stand-in for a provider's reasoning signature (opaque to clients; sent back as is). */
const SIGNATURE = 'c2NyaXB0ZWQtc2lnbmF0dXJl';

function anthropicStream(model: string, tool: ToolChoice | null, text: string, thinking: string | null, nextId: () => string): string {
  const id = `msg_${nextId()}`;
  let out = frame('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 100, output_tokens: 1 } } });
  let index = 0;
  if (thinking) {
    out += frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    out += frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
    out += frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: SIGNATURE } });
    out += frame('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  if (tool) {
    out += frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${nextId()}`, name: tool.name, input: {} } });
    out += frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.args) } });
  } else {
    out += frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    out += frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }
  out += frame('content_block_stop', { type: 'content_block_stop', index });
  out += frame('message_delta', { type: 'message_delta', delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } });
  out += frame('message_stop', { type: 'message_stop' });
  return out;
}

function responsesStream(model: string, tool: ToolChoice | null, text: string, reasoning: string | null, nextId: () => string): string {
  const id = `resp_${nextId()}`;
  const base = { id, object: 'response', created_at: 1_756_000_000, model, status: 'in_progress', output: [] as unknown[] };
  let seq = 0;
  const ev = (type: string, data: Json) => frame(type, { type, sequence_number: seq++, ...data });
  let out = ev('response.created', { response: base });
  out += ev('response.in_progress', { response: base });
  const output: Json[] = [];
  if (reasoning) {
    const summary = { type: 'summary_text', text: reasoning };
    const item = { id: `rs_${nextId()}`, type: 'reasoning', summary: [summary], encrypted_content: SIGNATURE };
    out += ev('response.output_item.added', { output_index: 0, item: { ...item, summary: [] } });
    out += ev('response.reasoning_summary_part.added', { output_index: 0, item_id: item.id, summary_index: 0, part: { ...summary, text: '' } });
    out += ev('response.reasoning_summary_text.delta', { output_index: 0, item_id: item.id, summary_index: 0, delta: reasoning });
    out += ev('response.reasoning_summary_text.done', { output_index: 0, item_id: item.id, summary_index: 0, text: reasoning });
    out += ev('response.reasoning_summary_part.done', { output_index: 0, item_id: item.id, summary_index: 0, part: summary });
    out += ev('response.output_item.done', { output_index: 0, item });
    output.push(item);
  }
  const at = output.length;
  let item: Json;
  if (tool) {
    const args = JSON.stringify(tool.args);
    item = { id: `fc_${nextId()}`, type: 'function_call', status: 'completed', name: tool.name, call_id: nextId(), arguments: args };
    out += ev('response.output_item.added', { output_index: at, item: { ...item, status: 'in_progress', arguments: '' } });
    out += ev('response.function_call_arguments.delta', { output_index: at, item_id: item['id'], delta: args });
    out += ev('response.function_call_arguments.done', { output_index: at, item_id: item['id'], arguments: args });
  } else {
    const part = { type: 'output_text', text, annotations: [] };
    item = { id: `msg_${nextId()}`, type: 'message', status: 'completed', role: 'assistant', content: [part] };
    out += ev('response.output_item.added', { output_index: at, item: { ...item, status: 'in_progress', content: [] } });
    out += ev('response.content_part.added', { output_index: at, item_id: item['id'], content_index: 0, part: { ...part, text: '' } });
    out += ev('response.output_text.delta', { output_index: at, item_id: item['id'], content_index: 0, delta: text });
    out += ev('response.output_text.done', { output_index: at, item_id: item['id'], content_index: 0, text });
    out += ev('response.content_part.done', { output_index: at, item_id: item['id'], content_index: 0, part });
  }
  out += ev('response.output_item.done', { output_index: at, item });
  out += ev('response.completed', { response: { ...base, status: 'completed', output: [...output, item], usage: { input_tokens: 100, output_tokens: 20, total_tokens: 120, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } } });
  return out;
}

function responsesPrewarm(model: string, nextId: () => string): string {
  const base = { id: `resp_${nextId()}`, object: 'response', created_at: 1_756_000_000, model, status: 'in_progress', output: [] as unknown[] };
  const usage = { input_tokens: 100, output_tokens: 0, total_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } };
  return frame('response.created', { type: 'response.created', sequence_number: 0, response: base }) + frame('response.completed', { type: 'response.completed', sequence_number: 1, response: { ...base, status: 'completed', usage } });
}

function chatStream(model: string, tool: ToolChoice | null, text: string, nextId: () => string): string {
  const id = `chatcmpl-${nextId()}`;
  const chunk = (delta: Json, finish: string | null) => frame(null, { id, object: 'chat.completion.chunk', created: 1_756_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  let out = chunk({ role: 'assistant', content: '' }, null);
  if (tool) out += chunk({ tool_calls: [{ index: 0, id: nextId(), type: 'function', function: { name: tool.name, arguments: JSON.stringify(tool.args) } }] }, null);
  else out += chunk({ content: text }, null);
  out += chunk({}, tool ? 'tool_calls' : 'stop');
  out += frame(null, { id, object: 'chat.completion.chunk', created: 1_756_000_000, model, choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } });
  return out + 'data: [DONE]\n\n';
}

function geminiChunk(model: string, tool: ToolChoice | null, text: string, thought: string | null, signs = false): Json {
  const parts: Json[] = tool ? [{ functionCall: { name: tool.name, args: tool.args }, ...(thought || signs ? { thoughtSignature: SIGNATURE } : {}) }] : [{ text }];
  if (thought) parts.unshift({ text: thought, thought: true });
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
    modelVersion: model,
    responseId: 'resp-scripted',
  };
}

const GEMINI_3 = /gemini-3/i;
/** Google's documented stand-in for a lost Gemini 3 thought signature, which the API accepts. */
const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

/**
 * The refusals the providers give a tool loop that lost its signed reasoning, in their error shapes:
 * Anthropic with extended thinking on, when the last assistant turn holding tool_use does not open
 * with its signed thinking block; Gemini 3, when a model turn's first functionCall part has no
 * thought signature (the one handed out, or Google's skip value).
 */
export function refusalLikeProviders(wire: AgentWire, path: string, body: Json): Answer | null {
  if (wire === 'anthropic-messages' && isObject(body['thinking']) && body['thinking']['type'] === 'enabled') {
    const messages = asArray(body['messages']).filter(isObject);
    const index = messages.map((message) => message['role']).lastIndexOf('assistant');
    const content = asArray(messages[index]?.['content']);
    const first = content[0];
    const signed = isObject(first) && ((first['type'] === 'thinking' && first['signature'] === SIGNATURE) || first['type'] === 'redacted_thinking');
    if (index >= 0 && content.some((block) => isObject(block) && block['type'] === 'tool_use') && !signed) {
      const message = isObject(first) && first['type'] === 'thinking'
        ? `messages.${index}.content.0: Invalid \`signature\` in \`thinking\` block`
        : `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(isObject(first) ? first['type'] : 'text')}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
      return { step: 'refused', status: 400, contentType: 'application/json', body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }) };
    }
  }
  if (wire === 'gemini' && GEMINI_3.test(/models\/([^:/]+):/.exec(path)?.[1] ?? '')) {
    for (const [index, content] of asArray(body['contents']).filter(isObject).entries()) {
      if (content['role'] !== 'model') continue;
      const call = asArray(content['parts']).find((part) => isObject(part) && isObject(part['functionCall']));
      if (!isObject(call)) continue;
      const signature = call['thoughtSignature'];
      if (signature === SIGNATURE || signature === GEMINI_SKIP_SIGNATURE) continue;
      const message = `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String((call['functionCall'] as Json)['name'])}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
      return { step: 'refused', status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }) };
    }
  }
  return null;
}
