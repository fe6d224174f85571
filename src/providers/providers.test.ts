import { describe, expect, it } from 'vitest';
import type { OutgoingHeaders, ProviderId } from './provider.js';
import { CREDENTIAL_HEADERS, PROVIDERS, providerById, providerFor } from './registry.js';

const detectAuthType = (configured: ProviderId | undefined, path: string) => providerFor(configured, path).id;
const convertAuth = (id: ProviderId, headers: OutgoingHeaders, query: string) => providerById(id).convertAuth(headers, query);

describe('providerFor (allowlist entries without auth_type)', () => {
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
    ['/v1internal:streamGenerateContent', 'google'],
    ['/backend-api/codex/responses', 'openai'],
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

  it('anthropic: an OAuth access token (Claude subscription) passes through as a Bearer', () => {
    const token = 'sk-ant-oat01-' + 'x'.repeat(8);
    const headers: OutgoingHeaders = { authorization: `Bearer ${token}`, 'anthropic-beta': 'oauth-2025-04-20,claude-code-20250219' };
    convertAuth('anthropic', headers, '');
    expect(headers).toEqual({ authorization: `Bearer ${token}`, 'anthropic-beta': 'oauth-2025-04-20,claude-code-20250219', 'anthropic-version': '2023-06-01' });
    const byBeta: OutgoingHeaders = { authorization: 'Bearer opaque', 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14, oauth-2025-04-20' };
    convertAuth('anthropic', byBeta, '');
    expect(byBeta['authorization']).toBe('Bearer opaque');
    expect(byBeta['x-api-key']).toBeUndefined();
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

describe('the provider registry', () => {
  it('lists each provider once, with its wire format and default domains', () => {
    expect(PROVIDERS.map((provider) => [provider.id, provider.wireFormat])).toEqual([
      ['anthropic', 'anthropic-messages'],
      ['google', 'gemini'],
      ['openai', 'openai-chat'],
    ]);
    const domains = PROVIDERS.flatMap((provider) => provider.defaultDomains);
    expect(new Set(domains).size).toBe(domains.length);
    expect(providerById('google').defaultDomains).toContain('cloudcode-pa.googleapis.com');
    expect(providerById('openai').defaultDomains).toContain('chatgpt.com');
  });

  it('gives one list of credential headers', () => {
    expect([...CREDENTIAL_HEADERS].sort()).toEqual(['authorization', 'x-api-key', 'x-goog-api-key']);
  });

  it('translates only to providers that do not speak OpenAI', () => {
    expect(providerById('openai').translator).toBeUndefined();
    expect(providerById('anthropic').translator).toBeDefined();
    expect(providerById('google').translator).toBeDefined();
  });
});
