// Hand-built canonical conversations and the ShareGPT rows they must become (formats.md 5.2).
// Shared by to-sharegpt.test.ts (golden rows) and sharegpt-acceptance.test.ts (validator).
import type {
  AssistantMessage,
  ContentPart,
  Conversation,
  Message,
  ToolCall,
  ToolMessage,
  ToolResult,
  ToolSchema,
  UserMessage,
} from '../../conversation/model.js';
import type { ShareGptRow } from '../sharegpt-types.js';
import type { ShareGptReasonCode } from '../validate-sharegpt.js';

// ---------------------------------------------------------------------------------------------
// builders

export const text = (value: string): ContentPart => ({ type: 'text', text: value });
export const image = (url: string): ContentPart => ({ type: 'image', url });

export function user(...parts: (string | ContentPart)[]): UserMessage {
  return { role: 'user', parts: parts.map((part) => (typeof part === 'string' ? text(part) : part)) };
}

export function assistant(
  content: string | ContentPart[],
  extra: { reasoning?: string; calls?: ToolCall[] } = {},
): AssistantMessage {
  const message: AssistantMessage = {
    role: 'assistant',
    parts: typeof content === 'string' ? (content === '' ? [] : [text(content)]) : content,
    toolCalls: extra.calls ?? [],
  };
  if (extra.reasoning !== undefined) message.reasoning = extra.reasoning;
  return message;
}

export function call(name: string, args: unknown, id?: string): ToolCall {
  return id === undefined ? { name, arguments: args } : { id, name, arguments: args };
}

export function result(content: string, match: { callId?: string; name?: string } = {}): ToolResult {
  return { ...match, content };
}

export function toolMessage(results: ToolResult[], ...parts: (string | ContentPart)[]): ToolMessage {
  return { role: 'tool', results, parts: parts.map((part) => (typeof part === 'string' ? text(part) : part)) };
}

export function conversation(messages: Message[], extra: Partial<Conversation> = {}): Conversation {
  return { system: '', tools: [], messages, complete: true, warnings: [], finishReason: { unified: 'stop', raw: undefined }, ...extra };
}

// ---------------------------------------------------------------------------------------------
// tools

export const weatherTool: ToolSchema = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
  },
};
export const timeTool: ToolSchema = {
  name: 'get_time',
  description: 'Local time for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
/** What toolsToJson writes for [weatherTool, timeTool]. */
export const weatherAndTimeToolsJson =
  '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}},' +
  '{"name":"get_time","description":"Local time for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]';

const SEP = '\n</tool_response>\n<tool_response>\n';
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

// ---------------------------------------------------------------------------------------------
// cases

export interface ConversionCase {
  name: string;
  conversation: Conversation;
  row: ShareGptRow;
  /** Substrings each expected in some note. */
  notes?: string[];
  /** Deliberately unacceptable rows: the validator must fail them with this code. */
  rejectedWith?: ShareGptReasonCode;
}

export const conversionCases: ConversionCase[] = [
  {
    name: 'plain chat',
    conversation: conversation([user('Hi there'), assistant('Hello! What can I do for you?')]),
    row: {
      conversations: [
        { from: 'human', value: 'Hi there' },
        { from: 'gpt', value: 'Hello! What can I do for you?' },
      ],
      system: '',
      tools: '',
      images: [],
    },
  },
  {
    name: 'multi-turn with a system prompt',
    conversation: conversation(
      [user('Pick an even number.'), assistant('4'), user('And an odd one?'), assistant('9')],
      { system: 'Answer with one number.' },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Pick an even number.' },
        { from: 'gpt', value: '4' },
        { from: 'human', value: 'And an odd one?' },
        { from: 'gpt', value: '9' },
      ],
      system: 'Answer with one number.',
      tools: '',
      images: [],
    },
  },
  {
    name: 'user text parts joined by a newline, consecutive user messages by a blank line',
    conversation: conversation([user('First line', 'second line'), user('Another message'), assistant('Noted.')]),
    row: {
      conversations: [
        { from: 'human', value: 'First line\nsecond line\n\nAnother message' },
        { from: 'gpt', value: 'Noted.' },
      ],
      system: '',
      tools: '',
      images: [],
    },
  },
  {
    name: 'images become <image> placeholders in place, urls listed in order',
    conversation: conversation([
      user(image(PNG), 'Which bird is this?'),
      assistant('A robin.'),
      user('Compare with', image('https://example.org/b.jpg'), image('https://example.org/c.jpg')),
      assistant('Both are sparrows.'),
    ]),
    row: {
      conversations: [
        { from: 'human', value: '<image>Which bird is this?' },
        { from: 'gpt', value: 'A robin.' },
        { from: 'human', value: 'Compare with<image><image>' },
        { from: 'gpt', value: 'Both are sparrows.' },
      ],
      system: '',
      tools: '',
      images: [PNG, 'https://example.org/b.jpg', 'https://example.org/c.jpg'],
    },
  },
  {
    name: 'single call, observation, final answer',
    conversation: conversation(
      [
        user('Weather in Lyon?'),
        assistant('', { calls: [call('get_weather', { city: 'Lyon' }, 'call_1')] }),
        toolMessage([result('{"temp_c":17,"sky":"cloudy"}', { callId: 'call_1' })]),
        assistant('It is 17 °C and cloudy in Lyon.'),
      ],
      { tools: [weatherTool, timeTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Lyon?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Lyon"}}' },
        { from: 'observation', value: '{"temp_c":17,"sky":"cloudy"}' },
        { from: 'gpt', value: 'It is 17 °C and cloudy in Lyon.' },
      ],
      system: '',
      tools: weatherAndTimeToolsJson,
      images: [],
    },
  },
  {
    name: 'parallel calls, results out of order matched by id (one tool message per result)',
    conversation: conversation(
      [
        user('Weather in Quito and time in Perth?'),
        assistant('', {
          calls: [call('get_weather', { city: 'Quito' }, 'call_a'), call('get_time', { city: 'Perth' }, 'call_b')],
        }),
        toolMessage([result('{"time":"22:05"}', { callId: 'call_b' })]),
        toolMessage([result('{"temp_c":14}', { callId: 'call_a' })]),
        assistant('14 °C in Quito; 22:05 in Perth.'),
      ],
      { tools: [weatherTool, timeTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Quito and time in Perth?' },
        {
          from: 'function_call',
          value: '[{"name":"get_weather","arguments":{"city":"Quito"}},{"name":"get_time","arguments":{"city":"Perth"}}]',
        },
        { from: 'observation', value: `{"temp_c":14}${SEP}{"time":"22:05"}` },
        { from: 'gpt', value: '14 °C in Quito; 22:05 in Perth.' },
      ],
      system: '',
      tools: weatherAndTimeToolsJson,
      images: [],
    },
  },
  {
    name: 'parallel results without ids matched by name, then by position',
    conversation: conversation(
      [
        user('Time in Oslo, weather in Oslo and Bergen?'),
        assistant('', {
          calls: [
            call('get_time', { city: 'Oslo' }),
            call('get_weather', { city: 'Oslo' }),
            call('get_weather', { city: 'Bergen' }),
          ],
        }),
        toolMessage([
          result('8 C', { name: 'get_weather' }),
          result('6 C', { name: 'get_weather' }),
          result('10:00', { name: 'get_time' }),
        ]),
        assistant('10:00; 8 °C in Oslo, 6 °C in Bergen.'),
      ],
      { tools: [weatherTool, timeTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Time in Oslo, weather in Oslo and Bergen?' },
        {
          from: 'function_call',
          value:
            '[{"name":"get_time","arguments":{"city":"Oslo"}},{"name":"get_weather","arguments":{"city":"Oslo"}},{"name":"get_weather","arguments":{"city":"Bergen"}}]',
        },
        { from: 'observation', value: `10:00${SEP}8 C${SEP}6 C` },
        { from: 'gpt', value: '10:00; 8 °C in Oslo, 6 °C in Bergen.' },
      ],
      system: '',
      tools: weatherAndTimeToolsJson,
      images: [],
    },
  },
  {
    name: 'text next to calls goes in front of <tool_call>, after the reasoning prefix',
    conversation: conversation(
      [
        user('Is it warm in Rome?'),
        assistant(' Let me look that up. ', {
          reasoning: 'I should check the weather.',
          calls: [call('get_weather', { city: 'Rome' }, 'c1')],
        }),
        toolMessage([result('{"temp_c":29}', { callId: 'c1' })]),
        assistant('Yes, 29 °C.'),
      ],
      { tools: [weatherTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Is it warm in Rome?' },
        {
          from: 'function_call',
          value:
            '<think>\nI should check the weather.\n</think>\n\nLet me look that up.\n<tool_call>{"name":"get_weather","arguments":{"city":"Rome"}}</tool_call>',
        },
        { from: 'observation', value: '{"temp_c":29}' },
        { from: 'gpt', value: 'Yes, 29 °C.' },
      ],
      system: '',
      tools:
        '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}]',
      images: [],
    },
    notes: ['<tool_call>'],
  },
  {
    name: 'reasoning on a function_call turn and on the final gpt turn',
    conversation: conversation(
      [
        user('Umbrella in Hamburg today?'),
        assistant('', { reasoning: '  Need the forecast.\n', calls: [call('get_weather', { city: 'Hamburg' }, 'c1')] }),
        toolMessage([result('rain, 11 C', { callId: 'c1' })]),
        assistant('\n\nYes, it is raining.', { reasoning: 'Rain is reported.' }),
      ],
      { tools: [weatherTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Umbrella in Hamburg today?' },
        {
          from: 'function_call',
          value: '<think>\nNeed the forecast.\n</think>\n\n{"name":"get_weather","arguments":{"city":"Hamburg"}}',
        },
        { from: 'observation', value: 'rain, 11 C' },
        { from: 'gpt', value: '<think>\nRain is reported.\n</think>\n\nYes, it is raining.' },
      ],
      system: '',
      tools:
        '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}]',
      images: [],
    },
  },
  {
    name: '<think> already in the content is normalised, never double-wrapped',
    conversation: conversation([
      user('Is 57 prime?'),
      assistant('<think>57 = 3 * 19</think>No, 57 = 3 × 19.'),
      user('And 59?'),
      assistant('<think>\nNo divisor up to 7.\n</think>\n\nYes, 59 is prime.', { reasoning: 'No divisor up to 7.' }),
    ]),
    row: {
      conversations: [
        { from: 'human', value: 'Is 57 prime?' },
        { from: 'gpt', value: '<think>\n57 = 3 * 19\n</think>\n\nNo, 57 = 3 × 19.' },
        { from: 'human', value: 'And 59?' },
        { from: 'gpt', value: '<think>\nNo divisor up to 7.\n</think>\n\nYes, 59 is prime.' },
      ],
      system: '',
      tools: '',
      images: [],
    },
    notes: ['normalised'],
  },
  {
    name: 'user text in the tool-result message is appended to the observation',
    conversation: conversation(
      [
        user('Weather in Nice?'),
        assistant('', { calls: [call('get_weather', { city: 'Nice' }, 'toolu_1')] }),
        toolMessage([result('sunny, 24 C', { callId: 'toolu_1' })], 'Answer in French, please.'),
        assistant('Il fait beau, 24 °C.'),
      ],
      { tools: [weatherTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Nice?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Nice"}}' },
        { from: 'observation', value: 'sunny, 24 C\n\nAnswer in French, please.' },
        { from: 'gpt', value: 'Il fait beau, 24 °C.' },
      ],
      system: '',
      tools:
        '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}]',
      images: [],
    },
  },
  {
    name: 'a user message right after tool results (OpenAI style, with an image) joins the observation',
    conversation: conversation(
      [
        user(image('https://example.org/a.png'), 'Crop this.'),
        assistant('', { calls: [call('crop', { x: 10 }, 'call_1')] }),
        toolMessage([result('cropped', { callId: 'call_1' })]),
        user('Here is the result:', image(PNG)),
        assistant('Done.'),
      ],
      { tools: [{ name: 'crop', parameters: { type: 'object', properties: { x: { type: 'integer' } } } }] },
    ),
    row: {
      conversations: [
        { from: 'human', value: '<image>Crop this.' },
        { from: 'function_call', value: '{"name":"crop","arguments":{"x":10}}' },
        { from: 'observation', value: 'cropped\n\nHere is the result:<image>' },
        { from: 'gpt', value: 'Done.' },
      ],
      system: '',
      tools: '[{"name":"crop","description":"","parameters":{"type":"object","properties":{"x":{"type":"integer"}}}}]',
      images: ['https://example.org/a.png', PNG],
    },
    notes: ['appended to the observation'],
  },
  {
    name: 'leading model turns before the first human turn are dropped',
    conversation: conversation([assistant('Welcome! Ask me anything.'), user('Hi'), assistant('Hello.')]),
    row: {
      conversations: [
        { from: 'human', value: 'Hi' },
        { from: 'gpt', value: 'Hello.' },
      ],
      system: '',
      tools: '',
      images: [],
    },
    notes: ['dropped a leading model turn'],
  },
  {
    name: 'a final function_call is a valid ending',
    conversation: conversation(
      [user('Weather in Oslo?'), assistant('', { calls: [call('get_weather', { city: 'Oslo' }, 'call_9')] })],
      { tools: [weatherTool, timeTool], finishReason: { unified: 'tool_calls', raw: undefined } },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Oslo?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Oslo"}}' },
      ],
      system: '',
      tools: weatherAndTimeToolsJson,
      images: [],
    },
  },
  {
    name: 'tools normalised: parameters always with properties, enum values stringified, types lower-cased',
    conversation: conversation([user('Ping'), assistant('Pong')], {
      tools: [
        { name: 'ping', parameters: {} },
        {
          name: 'set_level',
          description: 'Set a level',
          parameters: { type: 'OBJECT', properties: { level: { type: 'INTEGER', enum: [1, 2, 3], default: 1 } } },
        },
      ],
    }),
    row: {
      conversations: [
        { from: 'human', value: 'Ping' },
        { from: 'gpt', value: 'Pong' },
      ],
      system: '',
      tools:
        '[{"name":"ping","description":"","parameters":{"type":"object","properties":{}}},' +
        '{"name":"set_level","description":"Set a level","parameters":{"type":"object","properties":{"level":{"type":"integer","enum":["1","2","3"],"default":1}}}}]',
      images: [],
    },
  },
  // --- deliberately unacceptable rows
  {
    name: 'invalid call arguments are kept raw (rejected)',
    conversation: conversation(
      [
        user('Weather in Paris?'),
        assistant('', { calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Par', argumentsInvalid: true }] }),
      ],
      { tools: [weatherTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Paris?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":"{\\"city\\": \\"Par"}' },
      ],
      system: '',
      tools:
        '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}]',
      images: [],
    },
    notes: ['not valid JSON'],
    rejectedWith: 'arguments-not-object',
  },
  {
    name: 'no model answer: the row ends with the human turn (rejected)',
    conversation: conversation([user('Hello?')], { complete: false, finishReason: { unified: 'error', raw: undefined } }),
    row: { conversations: [{ from: 'human', value: 'Hello?' }], system: '', tools: '', images: [] },
    notes: ['incomplete', 'ends with human'],
    rejectedWith: 'odd-turn-count',
  },
  {
    name: 'reasoning without an answer (rejected)',
    conversation: conversation([user('Think about it.'), assistant('', { reasoning: 'Hmm.' })], { finishReason: { unified: 'length', raw: undefined } }),
    row: {
      conversations: [
        { from: 'human', value: 'Think about it.' },
        { from: 'gpt', value: '<think>\nHmm.\n</think>\n\n' },
      ],
      system: '',
      tools: '',
      images: [],
    },
    notes: ['"length"'],
    rejectedWith: 'reasoning-without-answer',
  },
  {
    name: 'a call whose result was never recorded, followed by a user turn (rejected)',
    conversation: conversation(
      [
        user('Weather in Turin?'),
        assistant('', { calls: [call('get_weather', { city: 'Turin' }, 'call_1')] }),
        user('Never mind.'),
        assistant('OK.'),
      ],
      { tools: [weatherTool] },
    ),
    row: {
      conversations: [
        { from: 'human', value: 'Weather in Turin?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Turin"}}' },
        { from: 'human', value: 'Never mind.' },
        { from: 'gpt', value: 'OK.' },
      ],
      system: '',
      tools:
        '[{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}}]',
      images: [],
    },
    rejectedWith: 'call-without-observation',
  },
];
