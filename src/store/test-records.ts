// Test-only factory for realistic ExchangeRecords: an OpenAI chat request and response as the
// proxy would have seen them (a few KB), and the ShareGPT row derived from them. Deterministic:
// ids come from a counter over a fixed clock unless the caller passes its own.
import type { ExchangeRecord } from './exchange-record.js';
import { isFunctionCallOnly } from '../training/is-function-call-only.js';
import { previewOf } from '../training/preview-of.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id from a time and a sequence number: sortable by (time, seq), no randomness. */
export function testId(time: number, seq: number): string {
  let timePart = '';
  let remaining = time;
  for (let index = 0; index < 10; index += 1) {
    timePart = CROCKFORD[remaining % 32]! + timePart;
    remaining = Math.floor(remaining / 32);
  }
  let seqPart = '';
  let seqRemaining = seq;
  for (let index = 0; index < 16; index += 1) {
    seqPart = CROCKFORD[seqRemaining % 32]! + seqPart;
    seqRemaining = Math.floor(seqRemaining / 32);
  }
  return timePart + seqPart;
}

const TOPICS = [
  'How do I reverse a linked list in TypeScript without recursion?',
  'Explain the difference between TCP and UDP for a game server.',
  'Résume ce texte en trois phrases, s’il te plaît : « Le café était froid. »',
  '请用中文解释一下什么是向量数据库，以及它适合哪些场景？',
  'Write a haiku about PostgreSQL vacuuming at night. 🐘🌙',
  'What is the weather in Paris right now? Use the tool.',
];

// Answers are sentences drawn from this vocabulary by a seeded generator: varied enough that they
// compress like real prose (about 3:1), unlike a repeated paragraph.
const WORDS = (
  'the a an of to in and or but is are was be it this that with for on as by at from we you they ' +
  'node list pointer head tail value next previous function return loop index array map set key ' +
  'database index query table row column transaction lock write read commit rollback page cache ' +
  'request response stream token model prompt answer tool call result error retry timeout server ' +
  'client proxy header body json field type string number object null true false async await ' +
  'first then finally because however therefore example consider careful simple fast slow large ' +
  'small memory disk time space linear constant complexity invariant structure pattern test case ' +
  'user assistant system message content role thread parent child batch queue spool replay file ' +
  'compress decompress encode decode bytes text unicode search word prefix filter order limit'
).split(' ');

function seededRandom(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

function prose(seed: number, chars: number): string {
  const random = seededRandom(seed + 1);
  const sentences: string[] = [];
  let length = 0;
  while (length < chars) {
    const count = 6 + Math.floor(random() * 14);
    const words = Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]!);
    const sentence = `${words.join(' ')}.`;
    sentences.push(sentence.charAt(0).toUpperCase() + sentence.slice(1));
    length += sentence.length + 1;
  }
  return sentences.join(random() < 0.2 ? '\n\n' : ' ');
}

export interface TestRecordOptions {
  seq?: number;
  startedAt?: number;
  /** Text of the user's first message (default: a topic picked by `seq`). */
  userText?: string;
  parentKey?: string | null;
  selfKey?: string | null;
  /** Roughly how many characters of assistant text to generate (default ~1,500). */
  answerChars?: number;
}

export function makeTestRecord(
  options: TestRecordOptions = {},
  overrides: Partial<ExchangeRecord> = {},
): ExchangeRecord {
  const seq = options.seq ?? 0;
  const startedAt = options.startedAt ?? 1_750_000_000_000 + seq * 10;
  const userText = options.userText ?? TOPICS[seq % TOPICS.length]!;
  const answerChars = options.answerChars ?? 1_500;
  const answer = prose(seq, answerChars);
  const system = 'You are a helpful assistant. Answer precisely and cite sources when you can.';
  const model = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4'][seq % 3]!;
  const hasTools = seq % 6 === 5;
  const tools = hasTools
    ? [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city.',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ]
    : undefined;

  const requestBody = JSON.stringify({
    model,
    stream: seq % 2 === 0,
    temperature: 0.2,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: userText },
    ],
    ...(tools ? { tools } : {}),
  });
  const responseBody = JSON.stringify({
    id: `chatcmpl-${seq}`,
    object: 'chat.completion',
    created: Math.floor(startedAt / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 42 + seq, completion_tokens: 300, total_tokens: 342 + seq },
  });
  const sharegpt: ShareGptRow = {
    conversations: [
      { from: 'human', value: userText },
      { from: 'gpt', value: answer },
    ],
    system,
    tools: tools ? JSON.stringify(tools.map((tool) => tool.function)) : '',
    images: [],
  };

  const record: Omit<ExchangeRecord, 'preview' | 'functionCallOnly'> & Partial<ExchangeRecord> = {
    id: testId(startedAt, seq),
    startedAt,
    domain: seq % 4 === 0 ? 'api.anthropic.com' : 'api.openai.com',
    method: 'POST',
    path: '/v1/chat/completions',
    apiKind: 'chat',
    wireFormat: 'openai-chat',
    model,
    upstreamProvider: null,
    streamed: seq % 2 === 0,
    status: 200,
    durationMs: 1_200 + (seq % 50),
    ttfbMs: 180 + (seq % 20),
    usage: { inputTokens: 42 + seq, outputTokens: 300, totalTokens: 342 + seq },
    error: null,
    incomplete: false,
    requestBody,
    requestIsJson: true,
    responseBody,
    sharegpt,
    converterVersion: 1,
    parentKey: options.parentKey ?? null,
    selfKey: options.selfKey ?? `self-${seq}`,
    turnCount: 2,
    hasTools,
    searchText: `${userText}\n${answer}`,
    ...overrides,
  };
  // As capture computes them, from the final row (unless an override sets them).
  return {
    ...record,
    preview: overrides.preview ?? previewOf(record),
    functionCallOnly: overrides.functionCallOnly ?? isFunctionCallOnly(record.sharegpt),
  };
}

/** A changed record with its list fields computed again, as capture would (for tests that replace `sharegpt` or `searchText`). */
export function withDerivedListFields<T extends ExchangeRecord>(record: T): T {
  return { ...record, preview: previewOf(record), functionCallOnly: isFunctionCallOnly(record.sharegpt) };
}

/** `count` records with consecutive sequence numbers starting at `firstSeq`. */
export function makeTestRecords(count: number, firstSeq = 0, options: TestRecordOptions = {}): ExchangeRecord[] {
  return Array.from({ length: count }, (_, index) => makeTestRecord({ ...options, seq: firstSeq + index }));
}
