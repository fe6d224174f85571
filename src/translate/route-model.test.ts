import { describe, expect, it } from 'vitest';
import { DEFAULT_OPENAI_COMPAT_ROUTES } from '../config/schema.js';
import { createModelRouter, isLiteralModelName, type CompatRoute } from './route-model.js';

const defaults: CompatRoute[] = DEFAULT_OPENAI_COMPAT_ROUTES.map((route) => ({ ...route }));

describe('createModelRouter', () => {
  const router = createModelRouter([
    { match: 'deepseek-*', provider: 'openai', domain: 'api.deepseek.com' },
    { match: 'Qwen/*', provider: 'openai', domain: 'api.siliconflow.cn' },
    { match: '{kimi,moonshot}-*', provider: 'anthropic', domain: 'api.moonshot.cn' },
    ...defaults,
  ]);

  it.each([
    ['gemini-2.5-flash', 'google', 'generativelanguage.googleapis.com'],
    ['gemini-embedding-001', 'google', 'generativelanguage.googleapis.com'],
    ['claude-sonnet-4-5', 'anthropic', 'api.anthropic.com'],
    ['Claude-Opus-4-1', 'anthropic', 'api.anthropic.com'],
    ['gpt-4o-mini', 'openai', 'api.openai.com'],
    ['deepseek-chat', 'openai', 'api.deepseek.com'],
    ['Qwen/Qwen3-8B', 'openai', 'api.siliconflow.cn'],
    ['kimi-k2-0905-preview', 'anthropic', 'api.moonshot.cn'],
    ['meta-llama/llama-4-scout', 'openai', 'api.openai.com'],
    ['.hidden-model', 'openai', 'api.openai.com'],
  ])('routes %s to %s at %s (first match wins)', (model, provider, domain) => {
    expect(router.routeFor(model)).toMatchObject({ provider, domain });
  });

  it('answers undefined when no route matches', () => {
    expect(createModelRouter(defaults.slice(0, 2)).routeFor('gpt-4o')).toBeUndefined();
  });
});

describe('isLiteralModelName', () => {
  it.each([
    ['gemini-2.5-flash', true],
    ['gemini-*', false],
    ['{a,b}', false],
    ['claude-?', false],
  ])('%s → %s', (glob, literal) => {
    expect(isLiteralModelName(glob)).toBe(literal);
  });
});

describe('openai_compat.routes in config.json', () => {
  it('defaults to exactly gemini-* → google, claude-* → anthropic, * → openai', async () => {
    const { parseConfig } = await import('../config/load-config.js');
    expect(parseConfig({}).config.openai_compat.routes).toEqual([
      { match: 'gemini-*', provider: 'google', domain: 'generativelanguage.googleapis.com' },
      { match: 'claude-*', provider: 'anthropic', domain: 'api.anthropic.com' },
      { match: '*', provider: 'openai', domain: 'api.openai.com' },
    ]);
  });

  it('takes ordered routes, lower-cases domains, and refuses a domain with a scheme or path', async () => {
    const { parseConfig } = await import('../config/load-config.js');
    expect(parseConfig({ openai_compat: { routes: [{ match: 'kimi-*', provider: 'openai', domain: 'API.Moonshot.cn' }] } }).config.openai_compat.routes).toEqual([
      { match: 'kimi-*', provider: 'openai', domain: 'api.moonshot.cn' },
    ]);
    expect(() => parseConfig({ openai_compat: { routes: [{ match: '*', provider: 'openai', domain: 'https://api.openai.com/v1' }] } })).toThrow(/openai_compat\.routes\.0\.domain/);
    expect(() => parseConfig({ openai_compat: { routes: [{ match: '*', provider: 'mistral', domain: 'api.mistral.ai' }] } })).toThrow(/provider/);
  });
});
