// The proxy's own errors (refusals, upstream failures) in the error shape of the request's wire
// format, proven by the official SDKs parsing them into their typed errors: OpenAI's shape on
// OpenAI paths, Anthropic's on Messages paths, Google's on Gemini paths.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let upstream: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  upstream.fallback(json(200, { ok: true }));
  proxy = await startTestProxy({
    allowed_domains: { [upstream.authority]: { https: false } },
    max_body_bytes: 2048,
    security: { rate_limit: null },
  });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe('errors the proxy itself returns', () => {
  it('Anthropic SDK: a domain not on the allowlist is a PermissionDeniedError with the fix in its message', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL: `${proxy.url}/api.not-allowed.example`, maxRetries: 0 });
    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, error: { type: 'error', error: { type: 'permission_error', code: 'domain_not_allowed' } } });
    expect((error as Error).message).toContain('allowed_domains');
  });

  it('Anthropic SDK: a body over the limit is a 413 in Anthropic shape', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL: `${proxy.url}/${upstream.authority}`, maxRetries: 0 });
    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(4096) }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ status: 413, error: { type: 'error', error: { type: 'request_too_large', code: 'body_too_large' } } });
  });

  it('Google GenAI SDK: a domain not on the allowlist is an ApiError 403 carrying the message', async () => {
    const client = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: `${proxy.url}/not-allowed.example` } });
    const error = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403 });
    const body = JSON.parse((error as Error).message) as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(body.error.message).toContain('allowed_domains');
  });

  it('Google GenAI SDK: the streaming call gets the same shape', async () => {
    const client = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: `${proxy.url}/not-allowed.example` } });
    const error = await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toContain('PERMISSION_DENIED');
  });

  it('OpenAI SDK: Chat and Responses paths keep OpenAI shape', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${proxy.url}/api.not-allowed.example/v1`, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(chat).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const responses = await client.responses.create({ model: 'x', input: 'x' }).catch((caught: unknown) => caught);
    expect(responses).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(responses).toMatchObject({ status: 403, code: 'domain_not_allowed' });
  });
});
