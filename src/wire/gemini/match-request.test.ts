import { describe, expect, it } from 'vitest';
import { isStreamRequest, matchesPath, modelOf } from './match-request.js';

describe('gemini request matching', () => {
  it.each([
    '/v1beta/models/gemini-2.5-flash:generateContent',
    '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    '/generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent',
    '/v1/models/gemini-2.0-flash:generateContent',
    '/v1alpha/models/gemini-2.0-flash-thinking-exp:streamGenerateContent',
    '/v1beta/tunedModels/my-tuned-model-abc123:generateContent',
    '/us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent',
  ])('matches POST %s', (path) => {
    expect(matchesPath('POST', path)).toBe(true);
  });

  it.each([
    '/v1beta/models/gemini-2.5-flash:countTokens',
    '/v1beta/models/text-embedding-004:embedContent',
    '/v1beta/models/gemini-2.5-flash',
    '/v1beta/models',
    '/v1/chat/completions',
  ])('does not match POST %s', (path) => {
    expect(matchesPath('POST', path)).toBe(false);
  });

  it('only matches POST', () => {
    expect(matchesPath('GET', '/v1beta/models/gemini-2.5-flash:generateContent')).toBe(false);
  });

  it('knows a stream from the path', () => {
    expect(isStreamRequest('/v1beta/models/g:streamGenerateContent', {})).toBe(true);
    expect(isStreamRequest('/v1beta/models/g:generateContent', { stream: true })).toBe(false);
  });

  it('reads the model from the path, else from the body', () => {
    expect(modelOf('/v1beta/models/gemini-2.5-flash:generateContent', { model: 'other' })).toBe('gemini-2.5-flash');
    expect(modelOf('/v1beta/tunedModels/my-model:generateContent', {})).toBe('tunedModels/my-model');
    expect(modelOf('/v1beta/models/gemini-2.5-flash%40001:generateContent', {})).toBe('gemini-2.5-flash@001');
    expect(modelOf('/somewhere', { model: 'models/gemini-2.5-pro' })).toBe('gemini-2.5-pro');
    expect(modelOf('/somewhere', {})).toBeUndefined();
  });
});
