import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../translate/openai-chat-request.js';
import type { ChatCompletion } from '../../translate/openai-chat-response.js';
import { acceptWithoutSignedReasoning, GEMINI_SKIP_SIGNATURE, SignedReasoningCache } from './signed-reasoning-cache.js';

function completion(id: string, signature: string): ChatCompletion {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, logprobs: null, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: signature } } }] } }],
  };
}

function followUp(id: string): ChatRequest {
  return { model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' } }] }] } as ChatRequest;
}

const signatureOf = (request: ChatRequest) => {
  const message = request.messages[1];
  return message?.role === 'assistant' ? message.tool_calls?.[0]?.extra_content?.google?.thought_signature : undefined;
};

describe('SignedReasoningCache', () => {
  it('restores a dropped signature by tool-call id, and forgets the least recently used past its bound', () => {
    const cache = new SignedReasoningCache(2);
    cache.rememberCompletion(completion('a', 'sig-a'));
    cache.rememberCompletion(completion('b', 'sig-b'));
    const a = followUp('a');
    expect(cache.restore(a)).toBe(1); // `a` is now the most recently used
    expect(signatureOf(a)).toBe('sig-a');
    cache.rememberCompletion(completion('c', 'sig-c'));
    expect(cache.size).toBe(2);
    const b = followUp('b');
    expect(cache.restore(b)).toBe(0);
    expect(signatureOf(b)).toBeUndefined();
    expect(cache.restore(followUp('a'))).toBe(1);
  });

  it('also stops at its character budget (long thinking), oldest first', () => {
    const cache = new SignedReasoningCache(100, 40);
    cache.rememberCompletion(completion('a', 'x'.repeat(20)));
    cache.rememberCompletion(completion('b', 'y'.repeat(20)));
    expect(cache.size).toBe(1);
    expect(cache.restore(followUp('a'))).toBe(0);
    expect(cache.restore(followUp('b'))).toBe(1);
    cache.rememberCompletion(completion('c', 'z'.repeat(100)));
    expect(cache.restore(followUp('c'))).toBe(0);
  });

  it('leaves a signature the client kept as it is', () => {
    const cache = new SignedReasoningCache();
    cache.rememberCompletion(completion('a', 'sig-a'));
    const request = followUp('a');
    const message = request.messages[1]!;
    if (message.role === 'assistant') message.tool_calls![0]!.extra_content = { google: { thought_signature: 'kept' } };
    expect(cache.restore(request)).toBe(0);
    expect(signatureOf(request)).toBe('kept');
  });
});

describe('acceptWithoutSignedReasoning', () => {
  it('turns Anthropic thinking off only when the last assistant tool_use turn has no leading thinking block', () => {
    const unsigned = { thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: [] }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] };
    expect(acceptWithoutSignedReasoning('anthropic', 'claude', unsigned)).toMatch(/thinking turned off/);
    expect(unsigned).not.toHaveProperty('thinking');
    const signed = { thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 's' }, { type: 'tool_use', id: 't', name: 'f', input: {} }] }] };
    expect(acceptWithoutSignedReasoning('anthropic', 'claude', signed)).toBeUndefined();
    expect(signed.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  it('gives the first unsigned functionCall of each Gemini 3 model turn the skip signature; other Gemini models are left alone', () => {
    const body = () => ({ contents: [{ role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }, { functionCall: { name: 'g', args: {} } }] }] });
    const gemini3 = body();
    expect(acceptWithoutSignedReasoning('google', 'gemini-3-pro-preview', gemini3)).toBeDefined();
    expect(gemini3.contents[0]!.parts).toEqual([{ functionCall: { name: 'f', args: {} }, thoughtSignature: GEMINI_SKIP_SIGNATURE }, { functionCall: { name: 'g', args: {} } }]);
    const gemini25 = body();
    expect(acceptWithoutSignedReasoning('google', 'gemini-2.5-pro', gemini25)).toBeUndefined();
    expect(gemini25).toEqual(body());
  });
});
