// The review UI's reading of ShareGPT values (ui/src/parse-turn.ts): reasoning, calls after text,
// parallel results, image placeholders. Pure, so it runs here without a browser.
import { describe, expect, it } from 'vitest';
import { callShape, parseModelTurn, parseObservation, splitImages, splitReasoning } from '../ui/src/parse-turn.js';

describe('ui parse-turn', () => {
  it('splits the canonical reasoning prefix from the answer', () => {
    expect(splitReasoning('<think>\nstep one\n</think>\n\nThe answer.')).toEqual({ reasoning: 'step one', rest: 'The answer.' });
    expect(splitReasoning('No reasoning here.')).toEqual({ reasoning: null, rest: 'No reasoning here.' });
  });

  it('reads a bare call, a parallel call list, and text before <tool_call>', () => {
    expect(parseModelTurn('function_call', '{"name":"a","arguments":{"x":1}}')).toEqual({
      reasoning: null,
      text: '',
      calls: [{ name: 'a', arguments: { x: 1 } }],
      unparsedCalls: null,
    });
    expect(parseModelTurn('function_call', '[{"name":"a","arguments":{}},{"name":"b","arguments":{}}]').calls).toHaveLength(2);
    const mixed = parseModelTurn('function_call', '<think>\nhm\n</think>\n\nLet me look.\n<tool_call>{"name":"a","arguments":{}}</tool_call>');
    expect(mixed).toMatchObject({ reasoning: 'hm', text: 'Let me look.', calls: [{ name: 'a', arguments: {} }] });
    expect(parseModelTurn('function_call', '{broken').unparsedCalls).toBe('{broken');
    expect(callShape({ name: 'a', arguments: { q: 1 } })).toEqual({ name: 'a', arguments: { q: 1 } });
    expect(callShape('nope')).toBeNull();
  });

  it('splits parallel tool results and parses the JSON ones', () => {
    expect(parseObservation('{"t":21}\n</tool_response>\n<tool_response>\nplain text')).toEqual([{ json: { t: 21 } }, { text: 'plain text' }]);
  });

  it('places images at their <image> placeholders, numbered across the conversation', () => {
    expect(splitImages('before <image> between <image>', 3)).toEqual({
      segments: [{ text: 'before ' }, { image: 3 }, { text: ' between ' }, { image: 4 }],
      count: 2,
    });
  });
});
