// The data-growth bench's records: short chats mixed with 20-call tool-using agent sessions that
// resend their whole history on every call (as coding agents do), a quarter of them forked from an
// earlier session's prefix (a retried or branched run). Built from raw request/response bytes
// through processExchange, as the proxy's capture builds them, so thread keys, the derived ShareGPT
// row and the search text are the real ones. Deterministic: the same seed gives the same records.
//
// Search words the bench queries: COMMON_WORD and SECOND_COMMON_WORD occur in nearly every record,
// RARE_WORD in about one record in RARE_EVERY.
import { processExchange, type RawExchange } from '../../src/capture/process-exchange.js';
import type { ExchangeRecord } from '../../src/capture/exchange.js';

export const COMMON_WORD = 'please';
export const SECOND_COMMON_WORD = 'explain';
export const RARE_WORD = 'zebracorn';
export const RARE_EVERY = 5_000;
/** A model the filter figure selects (about a fifth of the records). */
export const FILTER_MODEL = 'gpt-4.1';

const SESSION_CALLS = 20;
const CHAT_SHARE = 0.3;
const ACTIVE_SESSIONS = 4;
const FORK_SHARE = 0.25;
const MODELS = ['gpt-4o-mini', 'gpt-4o-mini', FILTER_MODEL, 'o4-mini', 'deepseek-chat'];
const DOMAINS = ['api.openai.com', 'api.openai.com', 'openrouter.ai', 'api.deepseek.com'];
const WORDS = (
  'the a of to and in is it that for on with as this be by are from or at an was not but can if all ' +
  'retry backoff timeout socket buffer stream parser token cache index query schema migration ' +
  'request response header body status error handler module function return value config option ' +
  'thread session record export import build test bench worker queue spool batch writer reader ' +
  'client server proxy upstream domain model agent tool call result file path line source code'
).split(' ');
const TOOLS = [
  { type: 'function', function: { name: 'read_file', description: 'Reads a file of the repository.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } },
  { type: 'function', function: { name: 'grep', description: 'Searches the repository for a pattern.', parameters: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] } } },
];
const SYSTEM_PROMPT = 'You are a coding agent. Explore the repository with the tools, then answer. ' + 'Keep answers short and cite the files you read. '.repeat(6);

/** mulberry32: a small seeded PRNG (the bench must be reproducible). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Session {
  model: string;
  domain: string;
  messages: unknown[];
  calls: number;
}

export interface RecordMixOptions {
  seed?: number;
  /** startedAt of the first record (epoch ms). */
  start: number;
  /** Milliseconds between successive records (the whole set spans count * stepMs). */
  stepMs: number;
}

/** An endless, deterministic stream of records in time order (ids are ULID-shaped and ascending). */
export function* recordMix(options: RecordMixOptions): Generator<ExchangeRecord> {
  const random = seeded(options.seed ?? 13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const words = (count: number): string => Array.from({ length: count }, () => pick(WORDS)).join(' ');
  const finished: unknown[][] = [];
  const newSession = (): Session => {
    const model = pick(MODELS);
    const domain = pick(DOMAINS);
    if (finished.length > 0 && random() < FORK_SHARE) {
      // A fork: an earlier session's history up to one of its tool results, then its own way.
      const base = pick(finished);
      const cut = 2 + 2 * Math.floor(random() * Math.max(1, (base.length - 2) / 2));
      return { model, domain, messages: base.slice(0, Math.min(cut, base.length)), calls: 0 };
    }
    const task = `${COMMON_WORD} find where the ${words(3)} is handled and ${SECOND_COMMON_WORD} it: ${words(12)}`;
    return { model, domain, messages: [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: task }], calls: 0 };
  };
  const sessions = Array.from({ length: ACTIVE_SESSIONS }, newSession);
  for (let sequence = 0; ; sequence++) {
    const startedAt = options.start + sequence * options.stepMs;
    const id = idOf(startedAt, sequence);
    const rare = sequence % RARE_EVERY === RARE_EVERY - 1 ? ` ${RARE_WORD}` : '';
    if (random() < CHAT_SHARE) {
      const model = pick(MODELS);
      const request = { model, messages: [{ role: 'user', content: `${COMMON_WORD} ${SECOND_COMMON_WORD} ${words(8 + Math.floor(random() * 30))}${rare}` }] };
      const answer = { role: 'assistant', content: words(20 + Math.floor(random() * 120)) };
      yield exchange(id, startedAt, pick(DOMAINS), request, answer, 'stop', 60 + Math.floor(random() * 200));
      continue;
    }
    const slot = Math.floor(random() * sessions.length);
    const session = sessions[slot]!;
    const final = session.calls === SESSION_CALLS - 1;
    const callId = `call_${sequence.toString(36)}`;
    const answer = final
      ? { role: 'assistant', content: `The ${words(3)} ${words(40)}${rare}` }
      : { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: random() < 0.7 ? 'read_file' : 'grep', arguments: JSON.stringify({ path: `src/${pick(WORDS)}/${pick(WORDS)}.ts` }) } }] };
    const request = { model: session.model, messages: session.messages, tools: TOOLS };
    yield exchange(id, startedAt, session.domain, request, answer, final ? 'stop' : 'tool_calls', 200 + 40 * session.messages.length);
    session.calls += 1;
    if (final) {
      finished.push([...session.messages, answer]);
      if (finished.length > 50) finished.shift();
      sessions[slot] = newSession();
    } else {
      const lines = Array.from({ length: 8 + Math.floor(random() * 24) }, () => `  ${words(6 + Math.floor(random() * 8))};`).join('\n');
      session.messages = [...session.messages, answer, { role: 'tool', tool_call_id: callId, content: `// ${pick(WORDS)}.ts\n${lines}` }];
    }
  }
}

function exchange(id: string, startedAt: number, domain: string, request: { model: string; messages: unknown[] }, message: unknown, finish: string, promptTokens: number): ExchangeRecord {
  const response = {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(startedAt / 1000),
    model: request.model,
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: promptTokens, completion_tokens: 40, total_tokens: promptTokens + 40 },
  };
  const raw: RawExchange = {
    startedAt,
    domain,
    method: 'POST',
    pathAndQuery: '/v1/chat/completions',
    requestBody: Buffer.from(JSON.stringify(request)),
    status: 200,
    responseContentType: 'application/json',
    responseContentEncoding: undefined,
    responseChunks: [Buffer.from(JSON.stringify(response))],
    responseTruncated: false,
    ttfbMs: 100 + (startedAt % 400),
    durationMs: 400 + (startedAt % 2_000),
    aborted: false,
    error: null,
  };
  return processExchange(raw, id);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id (48-bit time, then the sequence): ascending in record order, like the proxy's. */
function idOf(time: number, sequence: number): string {
  let out = '';
  let value = time;
  for (let index = 0; index < 10; index++) {
    out = CROCKFORD[value % 32]! + out;
    value = Math.floor(value / 32);
  }
  let tail = '';
  let rest = sequence;
  for (let index = 0; index < 16; index++) {
    tail = CROCKFORD[rest % 32]! + tail;
    rest = Math.floor(rest / 32);
  }
  return out + tail;
}
