// The proxy's answers to an operator's first mistakes: each says what happened and what to do,
// in the client SDK's error shape (issue 16, "Messages that fix the problem").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_V1_ROUTES } from '../../src/proxy/openai-compat/create-openai-compat-routes.js';
import { startTestProxy, type TestProxy } from '../helpers/start-proxy.js';

let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy({});
});

afterAll(async () => {
  await proxy.close();
});

async function errorOf(path: string, init: RequestInit = {}): Promise<{ status: number; message: string }> {
  const response = await fetch(`${proxy.url}${path}`, init);
  const body = (await response.json()) as { error: { message: string } | string; type?: string };
  const error = body.error;
  return { status: response.status, message: typeof error === 'string' ? error : error.message };
}

const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };

describe('a domain that is not allowlisted', () => {
  it.each([
    ['an Anthropic host', '/anthropic.example.com/v1/messages', 'anthropic.example.com', '{"auth_type":"anthropic","https":true}'],
    ['a Google host', '/us-central1-aiplatform.googleapis.com/v1/projects/p/models', 'us-central1-aiplatform.googleapis.com', '{"auth_type":"google","https":true}'],
    ['an unknown host, by its path', '/llm.example.com/v1/chat/completions', 'llm.example.com', '{"auth_type":"openai","https":true}'],
    ['localhost with a port', '/localhost:11434/v1/chat/completions', 'localhost:11434', '{"auth_type":"openai","https":false}'],
  ])('%s: the 403 suggests the right entry under extra_allowed_domains', async (_name, path, authority, entry) => {
    const { status, message } = await errorOf(path, post);
    expect(status).toBe(403);
    expect(message).toBe(
      `domain "${authority}" is not allowed: it is not in the allowlist. Add it to config.json as {"extra_allowed_domains":{"${authority}":${entry}}} (extra_allowed_domains adds to the built-in list; allowed_domains would replace it), then restart the proxy`,
    );
  });

  it('127.0.0.1:PORT: "https": false, and the IP-literal rule', async () => {
    const { status, message } = await errorOf('/127.0.0.1:8000/v1/chat/completions', post);
    expect(status).toBe(403);
    expect(message).toBe(
      'domain "127.0.0.1:8000" is not allowed: IP address targets are refused unless that exact address is in the allowlist. Add it to config.json as {"extra_allowed_domains":{"127.0.0.1:8000":{"auth_type":"openai","https":false}}} (extra_allowed_domains adds to the built-in list; allowed_domains would replace it), then restart the proxy',
    );
  });
});

describe('URL mistakes', () => {
  it('a scheme in the path: drop it', async () => {
    const { status, message } = await errorOf('/https://api.openai.com/v1/chat/completions?x=1', post);
    expect(status).toBe(400);
    expect(message).toBe(
      'invalid target: drop the scheme: write /api.openai.com/v1/chat/completions, not /https://api.openai.com/v1/chat/completions (the proxy always calls https unless the allowlist entry says "https": false). Use http://<proxy>/{target_domain}/{api_path}, e.g. /api.openai.com/v1/chat/completions',
    );
  });

  it('GET /: the URL form and where the UI is', async () => {
    const { status, message } = await errorOf('/');
    expect(status).toBe(404);
    expect(message).toBe(
      'this is the proxy, not a page: send API requests to /{target_domain}/{api_path}, e.g. /api.openai.com/v1/chat/completions, or use the OpenAI-compatible /v1/chat/completions; the review UI is served on its own port (start --ui-port, default 5000; or the ui command)',
    );
  });

  it('an unserved /v1 path: the served /v1 routes', async () => {
    const { status, message } = await errorOf('/v1/assistants', post);
    expect(status).toBe(404);
    expect(SERVED_V1_ROUTES).toContain('POST /v1/chat/completions');
    expect(message).toBe(
      `POST /v1/assistants is not served: the OpenAI-compatible entry serves ${SERVED_V1_ROUTES.join(', ')}. For any other API put the provider's domain first, e.g. /api.openai.com/v1/assistants`,
    );
  });
});
