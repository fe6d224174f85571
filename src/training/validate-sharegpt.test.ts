import { describe, expect, it } from 'vitest';
import { SHAREGPT_REASONS, validateShareGptRow, type ShareGptReasonCode } from './validate-sharegpt.js';

const TOOLS = JSON.stringify([
  { name: 'lookup', description: 'Look a word up', parameters: { type: 'object', properties: { word: { type: 'string' } } } },
]);
const SEP = '\n</tool_response>\n<tool_response>\n';

type Turn = { from: string; value: unknown };
const turn = (from: string, value: unknown): Turn => ({ from, value });
const h = (value: unknown): Turn => turn('human', value);
const g = (value: unknown): Turn => turn('gpt', value);
const fc = (value: unknown): Turn => turn('function_call', value);
const obs = (value: unknown): Turn => turn('observation', value);
const lookup = (word: string): string => JSON.stringify({ name: 'lookup', arguments: { word } });

function row(conversations: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { conversations, system: '', tools: TOOLS, images: [], ...extra };
}

describe('validateShareGptRow accepts well-formed rows', () => {
  const good: [string, unknown][] = [
    ['plain chat', row([h('Hi'), g('Hello')], { tools: '' })],
    ['a leading system turn', row([turn('system', 'Be brief.'), h('Hi'), g('Hello')])],
    ['call, observation, answer', row([h('Define cat'), fc(lookup('cat')), obs('a small feline'), g('A small feline.')])],
    ['parallel calls with joined results', row([h('Define a, b'), fc(`[${lookup('a')},${lookup('b')}]`), obs(`x${SEP}y`), g('Done')])],
    ['parallel calls with a JSON list of results', row([h('Define a, b'), fc(`[${lookup('a')},${lookup('b')}]`), obs('["x","y"]'), g('Done')])],
    ['reasoning prefixes', row([h('Define cat'), fc(`<think>\nLook it up.\n</think>\n\n${lookup('cat')}`), obs('feline'), g('<think>\nok\n</think>\n\nFeline.')])],
    ['a final function_call', row([h('Define cat'), fc(lookup('cat'))])],
    ['an image with its placeholder', row([h('<image>What is it?'), g('A dog.')], { images: ['media/dog.png'] })],
    ['tools in the OpenAI wrapper form', row([h('Hi'), g('Hello')], { tools: JSON.stringify([{ type: 'function', function: JSON.parse(TOOLS)[0] }]) })],
    ['"[]" as no tools', row([h('Hi'), g('Hello')], { tools: '[]' })],
  ];
  for (const [name, value] of good) {
    it(name, () => {
      const verdict = validateShareGptRow(value, { requireLocalImages: true });
      expect(verdict.errors).toEqual([]);
      expect(verdict.warnings).toEqual([]);
      expect(verdict.valid).toBe(true);
    });
  }
});

/** One row per reason code; errors need requireLocalImages only for image-not-local. */
const brokenRows: Record<ShareGptReasonCode, unknown> = {
  'row-not-object': [h('Hi'), g('Hello')],
  'conversations-not-list': { conversations: 'Hi', system: '', tools: '', images: [] },
  'turn-not-object': row([h('Hi'), 'Hello']),
  'system-not-string': row([h('Hi'), g('Hello')], { system: null }),
  'tools-not-string': row([h('Hi'), g('Hello')], { tools: JSON.parse(TOOLS) }),
  'images-not-list': row([h('<image>Hi'), g('Hello')], { images: 'media/a.png' }),
  'image-not-string': row([h('<image>Hi'), g('Hello')], { images: [{ url: 'media/a.png' }] }),
  'value-not-string': row([h('Hi'), g(['Hello'])]),
  'empty-conversation': row([turn('system', 'Only a system turn.')]),
  'unknown-role': row([h('Hi'), turn('assistant', 'Hello')]),
  'role-alternation': row([g('Hello'), h('Hi')]),
  'odd-turn-count': row([h('Hi'), g('Hello'), h('Bye')]),
  'function-call-not-json': row([h('Define cat'), fc('lookup(word="cat")'), obs('feline'), g('Feline.')]),
  'function-call-shape': row([
    h('Define cat'),
    fc(JSON.stringify({ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"word":"cat"}' } })),
    obs('feline'),
    g('Feline.'),
  ]),
  'tools-not-json': row([h('Hi'), g('Hello')], { tools: 'lookup(word)' }),
  'tools-not-list': row([h('Hi'), g('Hello')], { tools: '{"name":"lookup"}' }),
  'tool-schema-invalid': row([h('Hi'), g('Hello')], { tools: JSON.stringify([{ name: 'lookup', input_schema: { type: 'object', properties: {} } }]) }),
  'image-count-mismatch': row([h('<image>Compare'), g('Same.')], { images: ['media/a.png', 'media/b.png'] }),
  'empty-value': row([h('Hi'), g(' \n ')]),
  'empty-call-list': row([h('Define cat'), fc('[]'), obs('nothing'), g('Nothing.')]),
  'arguments-not-object': row([h('Define cat'), fc(JSON.stringify({ name: 'lookup', arguments: '{"word":"cat"}' })), obs('feline'), g('Feline.')]),
  'observation-without-call': row([h('Hi'), g('Hello'), obs('{"x":1}'), g('ok')]),
  'call-without-observation': row([h('Define cat'), fc(lookup('cat')), h('never mind'), g('OK.')]),
  'reasoning-without-answer': row([h('Hi'), g('<think>\nThey greet me.\n</think>\n\n')]),
  'image-not-local': row([h('<image>What is it?'), g('A dog.')], { images: ['https://example.org/dog.png'] }),
  'system-overridden': row([turn('system', 'Be formal.'), h('Hi'), g('Good day.')], { system: 'Be casual.' }),
  'call-tool-undeclared': row([h('Stock?'), fc(JSON.stringify({ name: 'get_stock', arguments: { t: 'X' } })), obs('3'), g('3.')]),
  'calls-without-tools': row([h('Define cat'), fc(lookup('cat')), obs('feline'), g('Feline.')], { tools: '' }),
  'call-extra-keys': row([h('Define cat'), fc(JSON.stringify({ name: 'lookup', arguments: { word: 'cat' }, id: 'c1' })), obs('feline'), g('Feline.')]),
  'observation-count-mismatch': row([h('Define a, b'), fc(`[${lookup('a')},${lookup('b')}]`), obs('x and y'), g('Done')]),
  'empty-observation': row([h('Define cat'), fc(lookup('cat')), obs(''), g('No result.')]),
  'think-not-canonical': row([h('2+2?'), g('<think>easy</think>4')]),
  'think-in-prompt': row([h('<think>\nhidden\n</think>\n\nHi'), g('Hello')]),
  'text-outside-call-json': row([h('Define cat'), fc(`Let me check.\n<tool_call>${lookup('cat')}</tool_call>`), obs('feline'), g('Feline.')]),
  'image-in-model-turn': row([h('<image>Flip it'), g('<image>')], { images: ['media/a.png', 'media/b.png'] }),
  'media-placeholder-unmapped': row([h('<video>What happens?'), g('A cat jumps.')]),
  'tool-schema-warning': row([h('Hi'), g('Hello')], {
    tools: JSON.stringify([{ name: 'look up', parameters: { type: 'object', properties: {} } }]),
  }),
};

describe('validateShareGptRow reasons', () => {
  it('has a broken row for every reason code', () => {
    expect(Object.keys(brokenRows).sort()).toEqual(Object.keys(SHAREGPT_REASONS).sort());
  });

  for (const [code, broken] of Object.entries(brokenRows) as [ShareGptReasonCode, unknown][]) {
    const severity = SHAREGPT_REASONS[code].severity;
    it(`${severity} ${code}`, () => {
      const verdict = validateShareGptRow(broken, { requireLocalImages: code === 'image-not-local' });
      const reasons = severity === 'error' ? verdict.errors : verdict.warnings;
      expect(reasons.map((reason) => reason.code)).toContain(code);
      expect(reasons.find((reason) => reason.code === code)?.message).not.toBe('');
      if (severity === 'error') expect(verdict.valid).toBe(false);
      else expect(verdict.errors).toEqual([]);
    });
  }
});

describe('validateShareGptRow details', () => {
  it('allows URL images by default (capture time)', () => {
    expect(validateShareGptRow(brokenRows['image-not-local']).valid).toBe(true);
  });

  it('treats an unclosed or newline-less <think> in a function_call as not JSON', () => {
    const verdict = validateShareGptRow(row([h('Define cat'), fc(`<think>hm</think>${lookup('cat')}`), obs('feline'), g('Feline.')]));
    expect(verdict.errors.map((error) => error.code)).toEqual(['function-call-not-json']);
    expect(verdict.errors[0]?.message).toContain('<think>');
  });

  it('parses only the first <tool_call> block, keeping a reasoning prefix without a text warning', () => {
    const verdict = validateShareGptRow(
      row([h('Define cat'), fc(`<think>\nCheck.\n</think>\n\n<tool_call>${lookup('cat')}</tool_call>`), obs('feline'), g('Feline.')]),
    );
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toEqual([]);
  });

  it('stops role checks at the first violation, as LLaMA-Factory does', () => {
    const verdict = validateShareGptRow(row([g('a'), g('b'), g('c')]));
    expect(verdict.errors.filter((error) => error.code === 'role-alternation')).toHaveLength(1);
    expect(verdict.errors.map((error) => error.code)).not.toContain('odd-turn-count');
  });

  it('flags non-string enum values in a tool schema', () => {
    const tools = JSON.stringify([{ name: 'level', parameters: { type: 'object', properties: { n: { enum: [1, 2] } } } }]);
    expect(validateShareGptRow(row([h('Hi'), g('Hello')], { tools })).errors.map((error) => error.code)).toEqual(['tool-schema-invalid']);
  });

  it('rejects a tools list given as a list instead of a JSON string', () => {
    expect(validateShareGptRow(row([h('Hi'), g('Hello')], { tools: [] })).errors.map((error) => error.code)).toEqual(['tools-not-string']);
  });
});
