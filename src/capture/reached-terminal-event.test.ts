import { describe, expect, it } from 'vitest';
import { reachedTerminalEvent } from './reached-terminal-event.js';

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices, ...extra })}\n\n`;

function chat(request: Record<string, unknown>, ...events: string[]): boolean {
  return reachedTerminalEvent({
    method: 'POST',
    pathAndQuery: '/v1/chat/completions',
    requestBody: Buffer.from(JSON.stringify({ model: 'm', stream: true, ...request })),
    contentType: 'text/event-stream',
    chunks: events.map((event) => Buffer.from(event)),
  });
}

describe('reachedTerminalEvent', () => {
  it('chat: finish_reason ends a stream that did not ask for usage', () => {
    expect(chat({}, chunk([{ index: 0, delta: { content: 'a' }, finish_reason: null }]))).toBe(false);
    expect(chat({}, chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]))).toBe(true);
  });

  it('chat: with include_usage, the usage chunk after finish_reason is the end', () => {
    const request = { stream_options: { include_usage: true } };
    const finish = chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { usage: null });
    expect(chat(request, finish)).toBe(false);
    expect(chat(request, finish, chunk([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }))).toBe(true);
  });

  it('chat: with n = 2, both choices must finish; [DONE] always ends', () => {
    expect(chat({ n: 2 }, chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]))).toBe(false);
    expect(chat({ n: 2 }, chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), chunk([{ index: 1, delta: {}, finish_reason: 'length' }]))).toBe(true);
    expect(chat({ n: 2 }, 'data: [DONE]\n\n')).toBe(true);
  });

  it('a whole JSON answer is complete when it parses; a cut one is not', () => {
    const answer = (text: string) =>
      reachedTerminalEvent({ method: 'POST', pathAndQuery: '/v1/messages', requestBody: Buffer.from('{}'), contentType: 'application/json', chunks: [Buffer.from(text)] });
    expect(answer('{"type":"message","content":[]}')).toBe(true);
    expect(answer('{"type":"message","con')).toBe(false);
  });

  it('paths that are no chat format are never judged complete by this check', () => {
    expect(reachedTerminalEvent({ method: 'GET', pathAndQuery: '/v1/models', requestBody: Buffer.alloc(0), contentType: 'application/json', chunks: [Buffer.from('{}')] })).toBe(false);
  });
});
