// Records for the admin API and review UI tests: a realistic mix (plain chat, a tool loop with
// parallel calls, a function-call-only request, reasoning, an image, an upstream error, an
// embeddings call, several models and domains) and an XSS corpus: conversation text written to
// run script if the UI ever rendered it as HTML. Deterministic: fixed times and ids.
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { makeTestRecord, testId, withDerivedListFields } from '../../src/store/test-records.js';
import type { ShareGptRow, ShareGptTurn } from '../../src/training/sharegpt-types.js';

export const REVIEW_BASE_TIME = Date.UTC(2025, 5, 2, 9, 0, 0);

const WEATHER_TOOLS = JSON.stringify([
  {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  },
  {
    name: 'get_time',
    description: 'Local time in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
]);

/** A 1x1 transparent PNG. */
export const TINY_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

interface Spec {
  label: string;
  turns: ShareGptTurn[];
  system?: string;
  tools?: string;
  images?: string[];
  overrides?: Partial<ExchangeRecord>;
}

function row(spec: Spec): ShareGptRow {
  return { conversations: spec.turns, system: spec.system ?? '', tools: spec.tools ?? '', images: spec.images ?? [] };
}

function build(specs: readonly Spec[], firstSeq: number, minutesApart: number): Array<ExchangeRecord & { label: string }> {
  return specs.map((spec, index) => {
    const seq = firstSeq + index;
    const startedAt = REVIEW_BASE_TIME + index * minutesApart * 60_000;
    const sharegpt = spec.overrides?.sharegpt === null ? null : row(spec);
    const text = spec.turns.map((turn) => turn.value).join('\n');
    const firstHuman = spec.turns.find((turn) => turn.from === 'human')?.value ?? text;
    const base = makeTestRecord({ seq, startedAt, userText: firstHuman });
    const record: ExchangeRecord = {
      ...base,
      id: testId(startedAt, seq),
      sharegpt,
      turnCount: spec.turns.length,
      hasTools: (spec.tools ?? '') !== '',
      searchText: `${spec.system ?? ''}\n${text}`,
      requestBody: JSON.stringify({
        model: spec.overrides?.model ?? base.model,
        messages: [
          ...(spec.system ? [{ role: 'system', content: spec.system }] : []),
          { role: 'user', content: firstHuman },
        ],
      }),
      responseBody: JSON.stringify({
        id: `chatcmpl-${seq}`,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: spec.turns[spec.turns.length - 1]?.value ?? '' }, finish_reason: 'stop' }],
      }),
      ...spec.overrides,
    };
    return { ...withDerivedListFields(record), label: spec.label };
  });
}

const weatherCall = '{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}}';

/** The ordinary mix, oldest first, ten minutes apart. */
export function reviewRecords(): Array<ExchangeRecord & { label: string }> {
  return build(
    [
      {
        label: 'markdown',
        system: 'You are a concise senior engineer.',
        turns: [
          { from: 'human', value: 'How do I reverse a linked list in TypeScript without recursion?' },
          {
            from: 'gpt',
            value:
              'Walk the list once and **re-point** each `next`:\n\n```ts\nfunction reverse(head: Node | null): Node | null {\n  let previous: Node | null = null;\n  while (head) {\n    const next = head.next;\n    head.next = previous;\n    previous = head;\n    head = next;\n  }\n  return previous;\n}\n```\n\n| step | cost |\n|---|---|\n| time | O(n) |\n| space | O(1) |\n\nSee [the handbook](https://www.typescriptlang.org/docs/).',
          },
        ],
        overrides: { model: 'gpt-4.1', domain: 'api.openai.com', usage: { inputTokens: 120, outputTokens: 340, totalTokens: 460 } },
      },
      {
        label: 'tool-loop',
        system: 'You can call tools to answer questions about the weather.',
        tools: WEATHER_TOOLS,
        turns: [
          { from: 'human', value: 'What is the weather and the local time in Paris right now?' },
          {
            from: 'function_call',
            value: '[{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}},{"name":"get_time","arguments":{"city":"Paris"}}]',
          },
          { from: 'observation', value: '{"temperature":21,"conditions":"sunny","wind_kmh":12}\n</tool_response>\n<tool_response>\n{"time":"14:05","timezone":"Europe/Paris"}' },
          { from: 'gpt', value: 'It is **21 °C and sunny** in Paris, and the local time is 14:05.' },
        ],
        overrides: { model: 'claude-sonnet-4', domain: 'api.anthropic.com', wireFormat: 'anthropic-messages', path: '/v1/messages' },
      },
      {
        label: 'function-call-only',
        tools: WEATHER_TOOLS,
        turns: [
          { from: 'human', value: 'Check the weather in Paris for my trip.' },
          { from: 'function_call', value: weatherCall },
        ],
        overrides: { model: 'gpt-4o-mini', domain: 'api.openai.com' },
      },
      {
        label: 'reasoning',
        turns: [
          { from: 'human', value: 'Is 1,001 a prime number?' },
          {
            from: 'gpt',
            value: '<think>\n1001 = 7 × 11 × 13, so it has divisors other than 1 and itself.\n</think>\n\nNo. 1,001 = 7 × 11 × 13.',
          },
        ],
        overrides: { model: 'deepseek-reasoner', domain: 'api.deepseek.com', usage: { inputTokens: 30, outputTokens: 200, reasoningTokens: 150, totalTokens: 230 } },
      },
      {
        label: 'image',
        turns: [
          { from: 'human', value: '<image>\nWhat is in this picture?' },
          { from: 'gpt', value: 'A single transparent pixel.' },
        ],
        images: [TINY_PNG],
        overrides: { model: 'gemini-2.5-flash', domain: 'generativelanguage.googleapis.com', wireFormat: 'gemini' },
      },
      {
        label: 'error',
        turns: [{ from: 'human', value: 'Summarise this very long document about vacuum tuning.' }],
        overrides: {
          model: 'gpt-4.1',
          domain: 'api.openai.com',
          status: 504,
          error: { class: 'UpstreamTimeout', message: 'upstream did not answer within 120 s' },
          usage: null,
          durationMs: 120_000,
        },
      },
      {
        label: 'embeddings',
        turns: [],
        overrides: {
          sharegpt: null,
          apiKind: 'embeddings',
          path: '/v1/embeddings',
          model: 'text-embedding-3-small',
          domain: 'api.openai.com',
          turnCount: 0,
          searchText: 'embedding input about penguins',
          requestBody: JSON.stringify({ model: 'text-embedding-3-small', input: 'embedding input about penguins' }),
          responseBody: JSON.stringify({ object: 'list', data: [{ embedding: [0.1, 0.2, 0.3] }] }),
        },
      },
      {
        label: 'pasta',
        turns: [
          { from: 'human', value: 'Give me a quick carbonara recipe.' },
          { from: 'gpt', value: '1. Cook spaghetti.\n2. Whisk eggs with pecorino.\n3. Toss with crisp guanciale off the heat.' },
        ],
        overrides: { model: 'gpt-4o-mini', domain: 'api.openai.com' },
      },
    ],
    100,
    10,
  );
}

/**
 * Text that would run script, or navigate, if rendered as HTML or followed. Each payload sets a
 * window flag (`__xss`) or opens a dialog; the test asserts neither happened.
 */
export const XSS_PAYLOADS: readonly string[] = [
  '<script>window.__xss = "script"; alert("script")</script>',
  '<img src=x onerror="window.__xss=\'img\';alert(\'img\')">',
  '[click me](javascript:window.__xss=%22link%22;alert(1))',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="javascript:window.__xss=\'anchor\'">anchor</a>',
  '<svg onload="window.__xss=\'svg\';alert(\'svg\')"><circle r="5"/></svg>',
  '<svg><script>window.__xss="svg-script"</script></svg>',
  '![pixel](javascript:window.__xss=%22img-md%22)',
  '![svg](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=)',
  '<iframe src="javascript:window.top.__xss=\'iframe\'"></iframe>',
  '<details open ontoggle="window.__xss=\'details\'">x</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=\'mxss\'"></style></mglyph></table></mtext></math>',
  '<form action="javascript:window.__xss=\'form\'"><button>go</button></form>',
  '<p style="background:url(javascript:window.__xss=\'css\')">styled</p>',
  '```html\n<script>window.__xss="fenced"</script>\n```',
  '<object data="javascript:window.__xss=\'object\'"></object>',
  '<div onmouseover="window.__xss=\'hover\'" style="position:fixed;inset:0">cover</div>',
  '"><script>window.__xss="attr"</script>',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=\'meta\'">',
];

/** One record per payload, placed in every kind of turn and in the system prompt, tools and images. */
export function xssRecords(): Array<ExchangeRecord & { label: string }> {
  return build(
    XSS_PAYLOADS.map((payload, index) => ({
      label: `xss-${index}`,
      system: `system ${payload}`,
      tools: JSON.stringify([{ name: `tool_${index}`, description: payload, parameters: { type: 'object', properties: { q: { type: 'string', description: payload } } } }]),
      turns: [
        { from: 'human' as const, value: `xsscorpus human ${payload}` },
        { from: 'function_call' as const, value: JSON.stringify({ name: `tool_${index}`, arguments: { q: payload } }) },
        { from: 'observation' as const, value: payload },
        { from: 'gpt' as const, value: `<think>\n${payload}\n</think>\n\nxsscorpus answer ${payload}` },
      ],
      images: [],
      overrides: {
        model: `xss-model-${index % 3}`,
        domain: 'xss.test',
        error: index % 5 === 0 ? { class: 'Evil<script>', message: payload } : null,
        requestBody: JSON.stringify({ messages: [{ role: 'user', content: payload }] }),
        responseBody: payload,
        path: `/v1/chat/completions?x=${encodeURIComponent(payload)}`,
      },
    })),
    500,
    1,
  ).map((record, index) => withDerivedListFields({
    ...record,
    // Images too: a javascript: URL and an SVG data URL with script, where an image would be shown.
    sharegpt: {
      ...record.sharegpt!,
      conversations: record.sharegpt!.conversations.map((turn) =>
        turn.from === 'human' && index % 2 === 0 ? { ...turn, value: `${turn.value}\n<image>` } : turn,
      ),
      images:
        index % 2 === 0
          ? [index % 4 === 0 ? 'javascript:window.__xss="image-url"' : 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0id2luZG93Ll9feHNzPTEiLz4=']
          : [],
    },
  }));
}
