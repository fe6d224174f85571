import { describe, expect, it } from 'vitest';
import { isStreamRequest, matchesPath, modelOf } from './match-request.js';

describe('anthropic request matching', () => {
  it.each([
    '/v1/messages',
    '/api.anthropic.com/v1/messages',
    '/api.moonshot.ai/anthropic/v1/messages',
    '/api.deepseek.com/anthropic/v1/messages',
    '/anthropic/v1/messages',
    '/anthropic/messages',
  ])('matches POST %s', (path) => {
    expect(matchesPath('POST', path)).toBe(true);
    expect(matchesPath('post', path)).toBe(true);
  });

  it.each([
    '/v1/messages/count_tokens',
    '/v1/messages/batches',
    '/v1/messages/batches/msgbatch_1/results',
    '/v1/threads/thread_1/messages',
    '/v1/chat/completions',
    '/messages',
  ])('does not match POST %s', (path) => {
    expect(matchesPath('POST', path)).toBe(false);
  });

  it('only matches POST', () => {
    expect(matchesPath('GET', '/v1/messages')).toBe(false);
  });

  it('reads the stream flag and the model from the body', () => {
    expect(isStreamRequest('/v1/messages', { stream: true })).toBe(true);
    expect(isStreamRequest('/v1/messages', { stream: 'true' })).toBe(false);
    expect(isStreamRequest('/v1/messages', null)).toBe(false);
    expect(modelOf('/v1/messages', { model: 'claude-opus-4-1' })).toBe('claude-opus-4-1');
    expect(modelOf('/v1/messages', { model: 7 })).toBeUndefined();
  });
});
