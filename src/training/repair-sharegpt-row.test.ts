// One broken input per repair (each repair is named and counted), and no change at all to the rows
// the converter writes. The repaired rows must pass the acceptance checker (formats.md 1.3, 5.3).
import { describe, expect, it } from 'vitest';
import { conversionCases } from './__fixtures__/conversations.js';
import type { RepairName } from './repair-names.js';
import { REPAIRS } from './repair-names.js';
import { repairShareGptRow } from './repair-sharegpt-row.js';
import { conversationToShareGpt } from './to-sharegpt.js';
import { validateShareGptRow } from './validate-sharegpt.js';

const SEP = '\n</tool_response>\n<tool_response>\n';
const weatherTools = '[{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]';

function row(conversations: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { conversations, system: '', tools: weatherTools, images: [], ...extra };
}

describe('repairShareGptRow leaves converter output alone', () => {
  for (const testCase of conversionCases) {
    it(`${testCase.name}: unchanged, no repair`, () => {
      const { row: derived } = conversationToShareGpt(testCase.conversation);
      const repaired = repairShareGptRow(derived);
      expect(repaired.repairs).toEqual([]);
      expect(repaired.row).toEqual(derived);
    });
  }
});

interface RepairCase {
  repair: RepairName;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
  options?: Parameters<typeof repairShareGptRow>[1];
}

const repairCases: RepairCase[] = [
  {
    repair: 'function-call-openai-wrapper',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'function-call-arguments-parsed',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'function-call-anthropic-input',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'function-call-gemini-args',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'function-call-parameters-renamed',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","parameters":{"city":"Paris"}}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'function-call-arguments-added',
    input: row([
      { from: 'human', value: 'Weather here?' },
      { from: 'function_call', value: '{"name":"get_weather"}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather here?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{}}' },
    ]),
  },
  {
    repair: 'function-call-extra-keys-dropped',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"},"id":"call_9"}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
  },
  {
    repair: 'parallel-calls-merged',
    input: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Lyon"}}' },
      { from: 'observation', value: '18 C' },
      { from: 'observation', value: '21 C' },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
    expected: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: `18 C${SEP}21 C` },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
  },
  {
    repair: 'observations-merged',
    input: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: '18 C' },
      { from: 'observation', value: '21 C' },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
    expected: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: `18 C${SEP}21 C` },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
  },
  {
    repair: 'observations-reordered',
    input: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}' },
      { from: 'function_call', value: '{"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Lyon\\"}"}}' },
      { from: 'observation', value: { role: 'tool', tool_call_id: 'call_b', content: '21 C' } },
      { from: 'observation', value: { role: 'tool', tool_call_id: 'call_a', content: '18 C' } },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
    expected: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: `18 C${SEP}21 C` },
      { from: 'gpt', value: 'Paris 18 C, Lyon 21 C.' },
    ]),
  },
  {
    repair: 'text-merged-into-call',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'gpt', value: 'Let me check.' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: 'Let me check.\n<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>' },
    ]),
  },
  {
    repair: 'same-role-merged',
    input: row([
      { from: 'human', value: 'Hello.' },
      { from: 'human', value: 'Are you there?' },
      { from: 'gpt', value: 'Yes.' },
      { from: 'gpt', value: 'How can I help?' },
    ]),
    expected: row([
      { from: 'human', value: 'Hello.\n\nAre you there?' },
      { from: 'gpt', value: 'Yes.\n\nHow can I help?' },
    ]),
  },
  {
    repair: 'human-merged-into-observation',
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'observation', value: '18 C' },
      { from: 'human', value: 'And is it windy?' },
      { from: 'gpt', value: '18 C, light wind.' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'observation', value: '18 C\n\nAnd is it windy?' },
      { from: 'gpt', value: '18 C, light wind.' },
    ]),
  },
  {
    repair: 'system-turn-moved',
    input: row([
      { from: 'system', value: 'Be brief.' },
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ]),
    expected: row([
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ], { system: 'Be brief.' }),
  },
  {
    repair: 'leading-turns-dropped',
    input: row([
      { from: 'gpt', value: 'Welcome! Ask me anything.' },
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ]),
    expected: row([
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ]),
  },
  {
    repair: 'role-renamed',
    input: row([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
    ]),
    expected: row([
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ]),
  },
  {
    repair: 'value-stringified',
    input: row([
      { from: 'human', value: [{ type: 'text', text: 'Weather in Paris?' }] },
      { from: 'function_call', value: { name: 'get_weather', arguments: { city: 'Paris' } } },
      { from: 'observation', value: { temp_c: 18 } },
      { from: 'gpt', value: '18 C.' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'observation', value: '{"temp_c":18}' },
      { from: 'gpt', value: '18 C.' },
    ]),
  },
  {
    repair: 'extra-keys-dropped',
    input: { ...row([{ from: 'human', value: 'Hi', weight: 1 }, { from: 'gpt', value: 'Hello.' }]), id: 'abc', metadata: { source: 'x' } },
    expected: row([
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello.' },
    ]),
  },
  {
    repair: 'columns-normalised',
    input: { conversations: [{ from: 'human', value: '<image>What is this?' }, { from: 'gpt', value: 'A cat.' }], system: null, images: 'media/a.png' },
    expected: { conversations: [{ from: 'human', value: '<image>What is this?' }, { from: 'gpt', value: 'A cat.' }], system: '', tools: '', images: ['media/a.png'] },
  },
  {
    repair: 'reasoning-normalised',
    input: row([
      { from: 'human', value: '2+2?' },
      { from: 'gpt', value: '<think>Simple sum.</think>4' },
    ]),
    expected: row([
      { from: 'human', value: '2+2?' },
      { from: 'gpt', value: '<think>\nSimple sum.\n</think>\n\n4' },
    ]),
  },
  {
    repair: 'reasoning-double-wrap-removed',
    input: row([
      { from: 'human', value: '2+2?' },
      { from: 'gpt', value: '<think>\n<think>\nSimple sum.\n</think>\n\n\n</think>\n\n4' },
    ]),
    expected: row([
      { from: 'human', value: '2+2?' },
      { from: 'gpt', value: '<think>\nSimple sum.\n</think>\n\n4' },
    ]),
  },
  {
    repair: 'reasoning-dropped',
    options: { reasoning: 'drop' },
    input: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '<think>\nNeed the tool.\n</think>\n\n{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'observation', value: '18 C' },
      { from: 'gpt', value: '<think>\nDone.\n</think>\n\n18 C.' },
    ]),
    expected: row([
      { from: 'human', value: 'Weather in Paris?' },
      { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris"}}' },
      { from: 'observation', value: '18 C' },
      { from: 'gpt', value: '18 C.' },
    ]),
  },
  {
    repair: 'observation-truncated',
    options: { truncateObservation: 5 },
    input: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: `18 C and cloudy${SEP}21 C` },
      { from: 'gpt', value: 'Done.' },
    ]),
    expected: row([
      { from: 'human', value: 'Paris and Lyon?' },
      { from: 'function_call', value: '[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon"}}]' },
      { from: 'observation', value: `18 C \n…[truncated 10 characters]${SEP}21 C` },
      { from: 'gpt', value: 'Done.' },
    ]),
  },
  {
    repair: 'tools-normalised',
    input: row(
      [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello.' }],
      {
        tools: [
          { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } } },
          { name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { level: { type: 'integer', enum: [1, 2] } } } },
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
        ],
      },
    ),
    expected: row(
      [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello.' }],
      {
        tools:
          '[{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}},' +
          '{"name":"lookup","description":"Look up","parameters":{"type":"object","properties":{"level":{"type":"integer","enum":["1","2"]}}}}]',
      },
    ),
  },
  {
    repair: 'tools-derived',
    input: row(
      [
        { from: 'human', value: 'Weather in Paris?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris","days":3}}' },
      ],
      { tools: '' },
    ),
    expected: row(
      [
        { from: 'human', value: 'Weather in Paris?' },
        { from: 'function_call', value: '{"name":"get_weather","arguments":{"city":"Paris","days":3}}' },
      ],
      { tools: '[{"name":"get_weather","description":"","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"]}}]' },
    ),
  },
];

describe('repairShareGptRow: one broken input per repair', () => {
  for (const testCase of repairCases) {
    it(`${testCase.repair}: ${REPAIRS[testCase.repair]}`, () => {
      const before = validateShareGptRow(testCase.input);
      const repaired = repairShareGptRow(testCase.input, testCase.options);
      expect(repaired.row).toEqual(testCase.expected);
      expect(repaired.repairs).toContain(testCase.repair);
      const verdict = validateShareGptRow(repaired.row, { requireLocalImages: true });
      expect(verdict.errors).toEqual([]);
      // Each broken input is one LLaMA-Factory rejects, warns about, or mis-trains on without the repair.
      if (!['reasoning-dropped', 'observation-truncated', 'tools-derived', 'extra-keys-dropped', 'observations-reordered', 'text-merged-into-call', 'same-role-merged', 'system-turn-moved', 'leading-turns-dropped', 'human-merged-into-observation', 'reasoning-double-wrap-removed'].includes(testCase.repair)) {
        expect(before.errors.length + before.warnings.length).toBeGreaterThan(0);
      }
    });
  }

  it('every repair name has a case here', () => {
    const covered = new Set(repairCases.map((testCase) => testCase.repair));
    const openAiOnly: RepairName[] = ['tool-call-ids-assigned', 'assistant-image-dropped'];
    // Made by the export from the thread and the record, not by repairShareGptRow (tested in export/ and test/e2e/agent-trajectory.test.ts).
    const exportLevel: RepairName[] = ['billing-header-removed', 'reasoning-filled-from-thread'];
    expect(Object.keys(REPAIRS).filter((name) => !covered.has(name as RepairName) && !openAiOnly.includes(name as RepairName) && !exportLevel.includes(name as RepairName))).toEqual([]);
  });

  it('repairs a repaired row no further (idempotent)', () => {
    for (const testCase of repairCases) {
      const once = repairShareGptRow(testCase.input, testCase.options).row;
      const twice = repairShareGptRow(once, testCase.options);
      expect(twice.row).toEqual(once);
      expect(twice.repairs.filter((name) => name !== 'tools-derived' && name !== 'observation-truncated' && name !== 'reasoning-dropped')).toEqual([]);
    }
  });

  it('leaves what it cannot read for the validator to explain', () => {
    const broken = row([
      { from: 'human', value: 'Weather?' },
      { from: 'function_call', value: 'call get_weather please' },
      { from: 'tool', value: null },
    ]);
    const repaired = repairShareGptRow(broken);
    expect((repaired.row as { conversations: unknown[] }).conversations).toEqual([
      { from: 'human', value: 'Weather?' },
      { from: 'function_call', value: 'call get_weather please' },
      { from: 'tool', value: null },
    ]);
    const codes = validateShareGptRow(repaired.row).errors.map((error) => error.code);
    expect(codes).toContain('function-call-not-json');
  });

  it('applies the tools policy: no removes, yes keeps only recorded, derive replaces', () => {
    const input = row([
      { from: 'human', value: 'Time?' },
      { from: 'function_call', value: '{"name":"get_time","arguments":{}}' },
    ]);
    expect((repairShareGptRow(input, { toolsSchema: 'no' }).row as { tools: string }).tools).toBe('');
    expect((repairShareGptRow(input, { toolsSchema: 'yes' }).row as { tools: string }).tools).toBe(weatherTools);
    expect((repairShareGptRow(input, { toolsSchema: 'derive' }).row as { tools: string }).tools).toBe(
      '[{"name":"get_time","description":"","parameters":{"type":"object","properties":{}}}]',
    );
    const auto = repairShareGptRow(input, { toolsSchema: 'auto' });
    expect(JSON.parse((auto.row as { tools: string }).tools).map((tool: { name: string }) => tool.name)).toEqual(['get_weather', 'get_time']);
    expect(auto.repairs).toEqual(['tools-derived']);
  });
});
