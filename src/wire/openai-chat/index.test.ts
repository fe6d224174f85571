import { describe, expect, it } from 'vitest';
import { openaiChatFormat } from './index.js';

describe('openaiChatFormat', () => {
  it('has the openai-chat id', () => {
    expect(openaiChatFormat.id).toBe('openai-chat');
  });

  it.each([
    '/v1/chat/completions',
    '/chat/completions',
    '/compatible-mode/v1/chat/completions',
    '/v1beta/openai/chat/completions',
    '/api/paas/v4/chat/completions',
  ])('matches POST %s', (path) => {
    expect(openaiChatFormat.matchesPath('POST', path)).toBe(true);
  });

  it('does not match other methods or paths', () => {
    expect(openaiChatFormat.matchesPath('GET', '/v1/chat/completions')).toBe(false);
    expect(openaiChatFormat.matchesPath('POST', '/v1/completions')).toBe(false);
    expect(openaiChatFormat.matchesPath('POST', '/v1/chat/completions/abc')).toBe(false);
    expect(openaiChatFormat.matchesPath('POST', '/v1/responses')).toBe(false);
    expect(openaiChatFormat.matchesPath('POST', '/v1/mychat/completions')).toBe(false);
  });

  it('reads the stream flag and the model from the body', () => {
    expect(openaiChatFormat.isStreamRequest('/v1/chat/completions', { stream: true })).toBe(true);
    expect(openaiChatFormat.isStreamRequest('/v1/chat/completions', { stream: 'true' })).toBe(false);
    expect(openaiChatFormat.isStreamRequest('/v1/chat/completions', undefined)).toBe(false);
    expect(openaiChatFormat.modelOf('/v1/chat/completions', { model: 'deepseek-chat' })).toBe('deepseek-chat');
    expect(openaiChatFormat.modelOf('/v1/chat/completions', { model: 3 })).toBeUndefined();
  });

  it('reads the request conversation through the interface', () => {
    const conversation = openaiChatFormat.requestToConversation(
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      '/v1/chat/completions',
    );
    expect(conversation).toEqual({
      model: 'm',
      stream: false,
      system: '',
      tools: [],
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
      warnings: [],
    });
  });
});
