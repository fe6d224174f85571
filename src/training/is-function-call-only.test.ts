import { describe, expect, it } from 'vitest';
import type { ShareGptRow, ShareGptTurn } from './sharegpt-types.js';
import { isFunctionCallOnly } from './is-function-call-only.js';

const row = (...conversations: ShareGptTurn[]): ShareGptRow => ({ conversations, system: '', tools: '', images: [] });
const call = '{"name":"get_weather","arguments":{"city":"Paris"}}';

describe('isFunctionCallOnly', () => {
  it('is true when the final turn is a tool call', () => {
    expect(isFunctionCallOnly(row({ from: 'human', value: 'weather?' }, { from: 'function_call', value: call }))).toBe(true);
    expect(
      isFunctionCallOnly(
        row(
          { from: 'human', value: 'weather?' },
          { from: 'function_call', value: call },
          { from: 'observation', value: '{"temp":21}' },
          { from: 'function_call', value: `<think>\nneed more\n</think>\n\nLet me check.\n<tool_call>${call}</tool_call>` },
        ),
      ),
    ).toBe(true);
  });

  it('is false when the model answers in text, or for no row', () => {
    expect(
      isFunctionCallOnly(
        row(
          { from: 'human', value: 'weather?' },
          { from: 'function_call', value: call },
          { from: 'observation', value: '{"temp":21}' },
          { from: 'gpt', value: 'It is 21 °C.' },
        ),
      ),
    ).toBe(false);
    expect(isFunctionCallOnly(row({ from: 'human', value: 'x' }, { from: 'gpt', value: 'hi' }))).toBe(false);
    expect(isFunctionCallOnly(row())).toBe(false);
    expect(isFunctionCallOnly(null)).toBe(false);
  });
});
