// The review UI reads model turns with the export's own reader (src/training/model-turn.ts), so a
// reviewer sees what training gets: a <think> in the middle of an answer stays text, and every
// value the converter writes reads back into the parts it was written from.
import { describe, expect, it } from 'vitest';
import { renderModelTurn } from '../src/training/model-turn.js';
import { parseModelTurn } from '../ui/src/parse-turn.js';

describe('ui parse-turn reads model turns as the export does', () => {
  it('keeps a <think> block in the middle of an answer as text, not reasoning', () => {
    const value = 'Use the tag like this: <think>plan</think> and then answer.';
    expect(parseModelTurn('gpt', value)).toEqual({ reasoning: null, text: value, calls: null, unparsedCalls: null });
  });

  it('reads back every layout the converter writes', () => {
    const layouts = [
      { reasoning: 'Two steps.', text: 'The answer.', calls: null },
      { reasoning: null, text: '', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      { reasoning: 'Both cities.', text: 'Checking both.', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Lyon' } }] },
    ];
    for (const turn of layouts) {
      const parsed = parseModelTurn(turn.calls === null ? 'gpt' : 'function_call', renderModelTurn(turn));
      expect(parsed).toEqual({ reasoning: turn.reasoning, text: turn.text, calls: turn.calls, unparsedCalls: null });
    }
  });
});
