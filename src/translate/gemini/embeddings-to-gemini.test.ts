import { describe, expect, it } from 'vitest';
import { parseEmbeddingsRequest, type EmbeddingsRequest } from '../openai-chat-request.js';
import { UntranslatableRequest } from '../provider-translator.js';
import { embeddingsRequestToGemini, geminiEmbeddingsToOpenAi } from './embeddings-to-gemini.js';
import { geminiModelsToOpenAi } from './gemini-models-to-openai.js';

function embeddings(extra: Record<string, unknown>): EmbeddingsRequest {
  const parsed = parseEmbeddingsRequest({ model: 'gemini-embedding-001', input: 'hello', ...extra });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('embeddingsRequestToGemini', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['one string', {}, { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] } }] }],
    [
      'several strings, with dimensions',
      { input: ['a', 'b'], dimensions: 768 },
      {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 768 },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 768 },
        ],
      },
    ],
  ])('%s', (_name, extra, body) => {
    const translated = embeddingsRequestToGemini(embeddings(extra));
    expect(translated.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(translated.body).toEqual(body);
  });

  it('refuses token-array input and reports unmapped parameters', () => {
    expect(() => embeddingsRequestToGemini(embeddings({ input: [1, 2, 3] }))).toThrow(UntranslatableRequest);
    expect(embeddingsRequestToGemini(embeddings({ user: 'u' })).warnings).toEqual(['parameter "user" is not translated for Gemini and was not sent']);
  });
});

describe('geminiEmbeddingsToOpenAi', () => {
  const body = { embeddings: [{ values: [0.5, -0.25] }, { values: [1, 0] }] };

  it('answers float vectors in OpenAI shape', () => {
    expect(geminiEmbeddingsToOpenAi(body, embeddings({ encoding_format: 'float' }))).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('answers little-endian float32 base64 when asked (the OpenAI SDK default)', () => {
    const answer = geminiEmbeddingsToOpenAi(body, embeddings({ encoding_format: 'base64' }));
    const bytes = Buffer.from(answer.data[0]!.embedding as string, 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([0.5, -0.25]);
  });
});

describe('geminiModelsToOpenAi', () => {
  it('lists models without their models/ prefix', () => {
    expect(geminiModelsToOpenAi({ models: [{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' }, { displayName: 'nameless' }] })).toEqual([
      { id: 'gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' },
    ]);
  });
});
