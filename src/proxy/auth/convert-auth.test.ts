import { describe, expect, it } from 'vitest';
import { convertAuth, type OutgoingHeaders } from './convert-auth.js';
import { detectAuthType } from './detect-auth-type.js';

describe('detectAuthType', () => {
  it.each([
    ['/anthropic/v1/messages', 'anthropic'],
    ['/v1/messages', 'anthropic'],
    ['/v1/chat/completions', 'openai'],
    ['/chat/completions', 'openai'],
    ['/v1/rerank', 'openai'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'google'],
    ['/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'google'],
    ['/v1beta/models', 'google'],
    ['/v1beta/openai/chat/completions', 'openai'],
  ])('%s → %s', (path, expected) => {
    expect(detectAuthType(undefined, path)).toBe(expected);
  });

  it('prefers the configured auth_type', () => {
    expect(detectAuthType('google', '/v1/chat/completions')).toBe('google');
  });
});

describe('convertAuth', () => {
  it('anthropic: Bearer becomes x-api-key, version added', () => {
    const headers: OutgoingHeaders = { authorization: 'Bearer sk-ant-1' };
    convertAuth('anthropic', headers, '');
    expect(headers).toEqual({ 'x-api-key': 'sk-ant-1', 'anthropic-version': '2023-06-01' });
  });

  it('anthropic: an existing x-api-key wins and Authorization is left alone', () => {
    const headers: OutgoingHeaders = { authorization: 'Bearer other', 'x-api-key': 'k', 'anthropic-version': '2024-01-01' };
    convertAuth('anthropic', headers, '');
    expect(headers).toEqual({ authorization: 'Bearer other', 'x-api-key': 'k', 'anthropic-version': '2024-01-01' });
  });

  it('google: Bearer becomes x-goog-api-key', () => {
    const headers: OutgoingHeaders = { authorization: 'bearer AIza-test' };
    convertAuth('google', headers, '');
    expect(headers).toEqual({ 'x-goog-api-key': 'AIza-test' });
  });

  it('google: left alone when the client sent x-goog-api-key, ?key=, or an OAuth token', () => {
    const withHeader: OutgoingHeaders = { authorization: 'Bearer a', 'x-goog-api-key': 'b' };
    convertAuth('google', withHeader, '');
    expect(withHeader).toEqual({ authorization: 'Bearer a', 'x-goog-api-key': 'b' });
    const withQuery: OutgoingHeaders = { authorization: 'Bearer a' };
    convertAuth('google', withQuery, '?alt=sse&key=xyz');
    expect(withQuery).toEqual({ authorization: 'Bearer a' });
    const oauth: OutgoingHeaders = { authorization: 'Bearer ya29.token' };
    convertAuth('google', oauth, '');
    expect(oauth).toEqual({ authorization: 'Bearer ya29.token' });
  });

  it('openai: Authorization passes through', () => {
    const headers: OutgoingHeaders = { authorization: 'Bearer sk-1', 'openai-organization': 'org' };
    convertAuth('openai', headers, '');
    expect(headers).toEqual({ authorization: 'Bearer sk-1', 'openai-organization': 'org' });
  });
});
