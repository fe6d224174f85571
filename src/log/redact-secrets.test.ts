import { describe, expect, it } from 'vitest';
import { isSecretQueryParameter, redactQuery, SECRET_QUERY_PARAMETERS } from './redact-secrets.js';

describe('redactQuery', () => {
  it('keeps the name and drops the value of every listed parameter', () => {
    for (const name of SECRET_QUERY_PARAMETERS) {
      expect(redactQuery(`/v1/x?alt=sse&${name}=abc123&n=1`)).toBe(`/v1/x?alt=sse&${name}=[redacted]&n=1`);
    }
  });

  it('judges names that say key, token, secret or signature, in any case or encoding', () => {
    for (const name of ['apiKey', 'X-Amz-Signature', 'sas_token', 'my_secret', 'api%2Dkey', 'API+KEY', 'Ocp-Apim-Subscription-Key']) {
      expect(isSecretQueryParameter(name), name).toBe(true);
    }
    for (const name of ['alt', 'model', 'n', 'stream', 'api-version', '%zz']) expect(isSecretQueryParameter(name), name).toBe(false);
  });

  it('leaves paths without secrets untouched and drops a fragment', () => {
    expect(redactQuery('/v1/models')).toBe('/v1/models');
    expect(redactQuery('/v1/models?alt=sse&flag&key=')).toBe('/v1/models?alt=sse&flag&key=');
    expect(redactQuery('/v1/x?key=abc#frag')).toBe('/v1/x?key=[redacted]');
  });
});
