import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { processExchange, type RawExchange } from './process-exchange.js';

const fixture = (path: string) => readFileSync(new URL(`../wire/${path}`, import.meta.url), 'utf8');

function raw(overrides: Partial<RawExchange>): RawExchange {
  return {
    startedAt: 1_764_000_000_000,
    domain: 'api.example.com',
    method: 'POST',
    pathAndQuery: '/v1/chat/completions',
    requestBody: Buffer.from('{}'),
    status: 200,
    responseContentType: 'application/json',
    responseContentEncoding: undefined,
    responseChunks: [],
    responseTruncated: false,
    ttfbMs: 1.5,
    durationMs: 3.25,
    aborted: false,
    error: null,
    ...overrides,
  };
}

const geminiRequest = Buffer.from(JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Explain AI briefly.' }] }] }));

describe('processExchange', () => {
  it('reassembles Gemini\'s JSON-array stream (no alt=sse) like the non-streamed reply', () => {
    const streamed = processExchange(
      raw({
        domain: 'generativelanguage.googleapis.com',
        pathAndQuery: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
        requestBody: geminiRequest,
        responseChunks: [Buffer.from(fixture('gemini/__fixtures__/text.array-stream.json'))],
      }),
      'A',
    );
    const plain = processExchange(
      raw({
        domain: 'generativelanguage.googleapis.com',
        pathAndQuery: '/v1beta/models/gemini-2.5-flash:generateContent',
        requestBody: geminiRequest,
        responseChunks: [Buffer.from(fixture('gemini/__fixtures__/text.json'))],
      }),
      'B',
    );
    expect(streamed).toMatchObject({ wireFormat: 'gemini', streamed: true, incomplete: false, model: 'gemini-2.5-flash' });
    expect(streamed.sharegpt).toEqual(plain.sharegpt);
    expect(streamed.usage).toEqual(plain.usage);
  });

  it('keeps the whole elements of a JSON-array stream that was cut off', () => {
    const text = fixture('gemini/__fixtures__/text.array-stream.json');
    const cut = text.slice(0, text.lastIndexOf('{'));
    const record = processExchange(
      raw({ pathAndQuery: '/v1beta/models/gemini-2.5-flash:streamGenerateContent', requestBody: geminiRequest, responseChunks: [Buffer.from(cut)], aborted: true }),
      'C',
    );
    expect(record.incomplete).toBe(true);
    expect(JSON.parse(record.responseBody).candidates[0].content.parts[0].text).toContain('Artificial intelligence');
  });

  it('records a non-JSON request body as text, flagged, without a conversation', () => {
    const record = processExchange(raw({ requestBody: Buffer.from('model=x&prompt=hi'), responseChunks: [Buffer.from('{"ok":true}')] }), 'D');
    expect(record).toMatchObject({ requestIsJson: false, requestBody: 'model=x&prompt=hi', sharegpt: null, wireFormat: 'openai-chat' });
  });

  it('decodes a gzip response the upstream compressed anyway', () => {
    const body = fixture('openai-chat/__fixtures__/openai-text.json');
    const record = processExchange(
      raw({
        requestBody: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })),
        responseContentEncoding: 'gzip',
        responseChunks: [gzipSync(body)],
      }),
      'E',
    );
    expect(record.responseBody).toBe(body);
    expect(record.sharegpt?.conversations[0]).toEqual({ from: 'human', value: 'Hi' });
  });

  it("flags whether the final answer carries reasoning, and leaves the flag unknown when the derivation failed", () => {
    const request = Buffer.from(JSON.stringify({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Hi' }] }));
    const answer = (message: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }] }));
    const flagOf = (overrides: Partial<RawExchange>) => processExchange(raw({ requestBody: request, ...overrides }), 'R').responseReasoning;
    expect(flagOf({ responseChunks: [answer({ content: 'Hello.', reasoning_content: 'A greeting.' })] })).toBe(true);
    expect(flagOf({ responseChunks: [answer({ content: 'Hello.' })] })).toBe(false);
    expect(flagOf({ requestBody: Buffer.from('not json'), responseChunks: [answer({ content: 'Hello.' })] })).toBe(false);
    // A response body that is not the gzip it claims to be: capture fails, the export must read the record to know.
    expect(flagOf({ responseContentEncoding: 'gzip', responseChunks: [Buffer.from('not gzip')] })).toBeNull();
  });

  it('redacts credentials in the query and keeps upstream errors with their message', () => {
    const record = processExchange(
      raw({
        pathAndQuery: '/v1/chat/completions?key=AIzaSecret&alt=sse',
        requestBody: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })),
        status: 401,
        responseChunks: [Buffer.from('{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}')],
      }),
      'F',
    );
    expect(record.path).toBe('/v1/chat/completions?key=[redacted]&alt=sse');
    expect(record.error).toEqual({ class: 'http_401', message: 'Incorrect API key provided' });
    expect(record.sharegpt).toBeNull();
  });

  it('classifies embeddings and rerank calls', () => {
    expect(processExchange(raw({ pathAndQuery: '/v1/embeddings', requestBody: Buffer.from('{"model":"e","input":"x"}') }), 'G')).toMatchObject({ apiKind: 'embeddings', model: 'e' });
    expect(processExchange(raw({ pathAndQuery: '/v1/rerank', requestBody: Buffer.from('{"model":"r"}') }), 'H')).toMatchObject({ apiKind: 'rerank', model: 'r' });
  });
});
