import { describe, expect, it } from 'vitest';
import { openaiResponsesFormat } from './index.js';

describe('openaiResponsesFormat', () => {
  it('has the openai-responses id', () => {
    expect(openaiResponsesFormat.id).toBe('openai-responses');
  });

  it.each(['/v1/responses', '/responses', '/openai/v1/responses', '/backend-api/codex/responses'])(
    'matches POST %s',
    (path) => {
      expect(openaiResponsesFormat.matchesPath('POST', path)).toBe(true);
    },
  );

  it('does not match other methods or paths', () => {
    expect(openaiResponsesFormat.matchesPath('GET', '/v1/responses')).toBe(false);
    expect(openaiResponsesFormat.matchesPath('POST', '/v1/responses/resp_123/cancel')).toBe(false);
    expect(openaiResponsesFormat.matchesPath('POST', '/v1/chat/completions')).toBe(false);
    expect(openaiResponsesFormat.matchesPath('POST', '/v1/myresponses')).toBe(false);
  });

  it('reads the stream flag and the model from the body', () => {
    expect(openaiResponsesFormat.isStreamRequest('/v1/responses', { stream: true })).toBe(true);
    expect(openaiResponsesFormat.isStreamRequest('/v1/responses', {})).toBe(false);
    expect(openaiResponsesFormat.modelOf('/v1/responses', { model: 'gpt-5' })).toBe('gpt-5');
    expect(openaiResponsesFormat.modelOf('/v1/responses', null)).toBeUndefined();
  });
});
