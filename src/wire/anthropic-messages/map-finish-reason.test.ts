import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason.js';

describe('anthropic mapFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['model_context_window_exceeded', 'length'],
    [undefined, 'other'],
  ] as const)('%s -> %s', (raw, expected) => {
    expect(mapFinishReason(raw).unified).toBe(expected);
  });
});
