import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_DOMAINS } from './defaults.js';
import { ConfigError, loadConfig, parseConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'llmproxy-config-'));

describe('loadConfig', () => {
  it('falls back to the built-in defaults when the default file is missing', async () => {
    const loaded = await loadConfig(undefined, join(dir, 'absent.json'));
    expect(loaded.source).toBeNull();
    expect(Object.keys(loaded.config.allowed_domains).sort()).toEqual(Object.keys(DEFAULT_ALLOWED_DOMAINS).sort());
    expect(loaded.config.allowed_domains['generativelanguage.googleapis.com']).toEqual({ auth_type: 'google', https: true });
    expect(loaded.config.max_body_bytes).toBe(8 * 1024 * 1024);
    expect(loaded.config.probe_request.path_blocklist).toEqual(['/', '/favicon.ico']);
    expect(loaded.config.probe_request.allowed_methods).toEqual(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  });

  it('refuses a missing explicit file', async () => {
    await expect(loadConfig(join(dir, 'absent.json'))).rejects.toThrow(ConfigError);
  });

  it('reads the seed format: allowed_domains replaces the built-in list, keys lower-cased', async () => {
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify({ allowed_domains: { 'LocalHost:11434': { auth_type: 'openai', https: false } } }));
    const loaded = await loadConfig(file);
    expect(loaded.source).toBe(file);
    expect(loaded.config.allowed_domains).toEqual({ 'localhost:11434': { auth_type: 'openai', https: false } });
  });

  it('names the key of a wrong type or an unknown auth_type', () => {
    expect(() => parseConfig({ max_body_bytes: 'big' })).toThrow(/max_body_bytes/);
    expect(() => parseConfig({ allowed_domains: { 'a.example': { auth_type: 'azure' } } })).toThrow(/allowed_domains\.a\.example\.auth_type/);
    expect(() => parseConfig({ probe_filter: { custom_patterns: ['(unclosed'] } })).toThrow(/probe_filter\.custom_patterns\.0/);
  });

  it('warns about unknown keys, nested ones too', () => {
    const { warnings } = parseConfig({ alowed_domains: {}, probe_request: { path_blocklst: [] }, allowed_domains: { 'a.example': { https: true, auth: 'x' } } });
    expect(warnings).toEqual([
      'unknown config key "alowed_domains" is ignored; did you mean "allowed_domains"?',
      'unknown config key "probe_request.path_blocklst" is ignored; did you mean "probe_request.path_blocklist"?',
      'unknown config key "allowed_domains.a.example.auth" is ignored; did you mean "allowed_domains.a.example.auth_type"?',
      // a.example replaced the built-in list: the built-in /v1 routes lost their domains.
      expect.stringContaining('openai_compat route "gemini-*"'),
      expect.stringContaining('openai_compat route "claude-*"'),
      expect.stringContaining('openai_compat route "*"'),
    ]);
    expect(parseConfig({ zzz_totally_else: 1 }).warnings).toEqual(['unknown config key "zzz_totally_else" is ignored']);
  });

  it('adds extra_allowed_domains to the built-in list instead of replacing it', () => {
    const { config, warnings } = parseConfig({ extra_allowed_domains: { 'LocalHost:11434': { auth_type: 'openai', https: false } } });
    expect(warnings).toEqual([]);
    expect(config.allowed_domains['localhost:11434']).toEqual({ auth_type: 'openai', https: false });
    expect(config.allowed_domains['api.anthropic.com']).toEqual({ auth_type: 'anthropic', https: true });
    expect(Object.keys(config.allowed_domains)).toHaveLength(Object.keys(DEFAULT_ALLOWED_DOMAINS).length + 1);
    // Both keys: the configured list plus the extras.
    const both = parseConfig({ allowed_domains: { 'a.example': {} }, extra_allowed_domains: { 'b.example': {} } }).config;
    expect(Object.keys(both.allowed_domains).sort()).toEqual(['a.example', 'b.example']);
  });

  it('refuses at start an openai_compat route to a domain that is not allowlisted', () => {
    expect(() => parseConfig({ openai_compat: { routes: [{ match: 'llama-*', provider: 'openai', domain: 'llm.example.com' }] } })).toThrow(
      'openai_compat.routes.0 ("llama-*") sends to "llm.example.com", which is not allowlisted; add it to config.json as {"extra_allowed_domains": {"llm.example.com": {"https": true}}}, or change the route\'s domain',
    );
    const allowed = parseConfig({
      extra_allowed_domains: { 'llm.example.com': {} },
      openai_compat: { routes: [{ match: 'llama-*', provider: 'openai', domain: 'llm.example.com' }] },
    });
    expect(allowed.warnings).toEqual([]);
  });

  it('refuses invalid JSON with the file name', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    await expect(loadConfig(file)).rejects.toThrow(/bad\.json is not valid JSON/);
  });
});

describe('the README', () => {
  it("shows a config.json example that is valid and has no unknown keys", async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## config.json'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const { config, warnings } = parseConfig(JSON.parse(example!));
    expect(warnings).toEqual([]);
    expect(config.allowed_domains['localhost:11434']).toEqual({ auth_type: 'openai', https: false });
  });
});
