// Reading and writing model turns (formats.md 1.4, 1.8): every recorded call shape, every <think>
// spelling, written back in the one canonical layout.
import { describe, expect, it } from 'vitest';
import { mergeModelTurns, readFunctionCallValue, readGptValue, renderModelTurn } from './model-turn.js';
import { splitLeadingReasoning, withReasoningPrefix } from './reasoning-prefix.js';

describe('splitLeadingReasoning', () => {
  it.each([
    ['canonical', '<think>\nx\n</think>\n\nanswer', 'x', 'answer', false],
    ['no newlines', '<think>x</think>answer', 'x', 'answer', false],
    ['leading whitespace and blank lines', '  <think>\n\n x \n\n</think>\n\n\nanswer', 'x', 'answer', false],
    ['nested', '<think>\n<think>\nx\n</think>\n\n\n</think>\n\nanswer', 'x', 'answer', true],
    ['repeated', '<think>\nx\n</think>\n\n<think>\ny\n</think>\n\nanswer', 'x\n\ny', 'answer', true],
    ['empty block', '<think></think>answer', '', 'answer', false],
  ])('%s', (_name, value, reasoning, rest, doubleWrapped) => {
    expect(splitLeadingReasoning(value)).toEqual({ reasoning, rest, doubleWrapped });
  });

  it('leaves an unclosed block and text before a block alone', () => {
    expect(splitLeadingReasoning('<think>never closed')).toEqual({ reasoning: null, rest: '<think>never closed', doubleWrapped: false });
    expect(splitLeadingReasoning('Sure. <think>x</think>')).toEqual({ reasoning: null, rest: 'Sure. <think>x</think>', doubleWrapped: false });
  });

  it('writes the canonical prefix, never for empty reasoning', () => {
    expect(withReasoningPrefix('x', '  answer')).toBe('<think>\nx\n</think>\n\nanswer');
    expect(withReasoningPrefix('', 'answer')).toBe('answer');
    expect(withReasoningPrefix(null, 'answer')).toBe('answer');
  });
});

describe('readGptValue', () => {
  it('needs no repair for plain text or a canonical prefix', () => {
    expect(readGptValue('Hello.').repairs).toEqual([]);
    expect(readGptValue('<think>\nx\n</think>\n\nHello.').repairs).toEqual([]);
  });

  it('names the repair of a non-canonical or double-wrapped block', () => {
    expect(readGptValue('<think>x</think>Hello.').repairs).toEqual(['reasoning-normalised']);
    expect(readGptValue('<think>\n<think>\nx\n</think>\n\n</think>\n\nHello.').repairs).toEqual(['reasoning-double-wrap-removed']);
  });
});

describe('readFunctionCallValue', () => {
  const paris = { name: 'get_weather', arguments: { city: 'Paris' } };

  it.each([
    ['canonical object', '{"name":"get_weather","arguments":{"city":"Paris"}}', []],
    ['OpenAI wrapper', '{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}', ['function-call-openai-wrapper']],
    ['string arguments', '{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}', ['function-call-arguments-parsed']],
    ['Anthropic tool_use', '{"type":"tool_use","id":"t","name":"get_weather","input":{"city":"Paris"}}', ['function-call-anthropic-input']],
    ['Gemini functionCall', '{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}', ['function-call-gemini-args']],
    ['Gemini name/args', '{"name":"get_weather","args":{"city":"Paris"}}', ['function-call-gemini-args']],
    ['llama3 parameters', '{"name":"get_weather","parameters":{"city":"Paris"}}', ['function-call-parameters-renamed']],
  ])('%s', (_name, value, repairs) => {
    const read = readFunctionCallValue(value);
    expect(read?.repairs).toEqual(repairs);
    expect(read?.turn.calls?.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual([paris]);
    expect(renderModelTurn(read!.turn)).toBe('{"name":"get_weather","arguments":{"city":"Paris"}}');
  });

  it('keeps the recorded call ids (to order results) without writing them', () => {
    const read = readFunctionCallValue('[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"type":"tool_use","id":"b","name":"g","input":{}}]');
    expect(read?.turn.calls).toEqual([
      { name: 'f', arguments: {}, id: 'a' },
      { name: 'g', arguments: {}, id: 'b' },
    ]);
    expect(renderModelTurn(read!.turn)).toBe('[{"name":"f","arguments":{}},{"name":"g","arguments":{}}]');
  });

  it('reads qwen-style <tool_call> blocks (one per call) with text and reasoning around them', () => {
    const read = readFunctionCallValue('<think>Two calls.</think>Checking.\n<tool_call>\n{"name":"f","arguments":{}}\n</tool_call>\n<tool_call>\n{"name":"g","arguments":{"x":1}}\n</tool_call>');
    expect(read?.repairs).toEqual(['reasoning-normalised', 'parallel-calls-merged']);
    expect(renderModelTurn(read!.turn)).toBe('<think>\nTwo calls.\n</think>\n\nChecking.\n<tool_call>[{"name":"f","arguments":{}},{"name":"g","arguments":{"x":1}}]</tool_call>');
  });

  it('returns null for what it cannot read: no JSON, no name, an unclosed <tool_call>', () => {
    expect(readFunctionCallValue('call the weather tool')).toBeNull();
    expect(readFunctionCallValue('{"arguments":{}}')).toBeNull();
    expect(readFunctionCallValue('<tool_call>{"name":"f","arguments":{}}')).toBeNull();
    expect(readFunctionCallValue(42)).toBeNull();
  });

  it('keeps arguments that are not JSON as the raw string (the validator rejects them)', () => {
    expect(readFunctionCallValue('{"name":"f","arguments":"{\\"city\\": \\"Par"}')?.turn.calls).toEqual([{ name: 'f', arguments: '{"city": "Par' }]);
  });
});

describe('mergeModelTurns', () => {
  it('joins reasoning and text with a blank line and concatenates calls', () => {
    expect(
      mergeModelTurns({ reasoning: 'a', text: 'Let me look.', calls: null }, { reasoning: 'b', text: '', calls: [{ name: 'f', arguments: {} }] }),
    ).toEqual({ reasoning: 'a\n\nb', text: 'Let me look.', calls: [{ name: 'f', arguments: {} }] });
  });
});
