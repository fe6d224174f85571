import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { createLogNoiseFilter } from './log-noise-filter.js';
import { createProbeFilter } from './probe-filter.js';
import { createRateLimiter } from './rate-limit.js';

const base = { method: 'POST', path: '/api.openai.com/v1/chat/completions', userAgent: 'OpenAI/JS 6.0', clientIp: '203.0.113.9' };

describe('probe filter (probe_request)', () => {
  const isProbe = createProbeFilter(parseConfig({ probe_request: { ip_blocklist: ['198.51.100.7', '192.0.2.0/24'] } }).config.probe_request);

  it('lets ordinary API calls through', () => {
    expect(isProbe(base)).toBe(false);
  });

  it.each([
    ['blocked path', { path: '/' }],
    ['blocked path favicon', { path: '/favicon.ico' }],
    ['blocked prefix', { path: '/.well-known/acme' }],
    ['blocked prefix locales', { path: '/locales/en.json' }],
    ['scanner user agent', { userAgent: 'Go-http-client/1.1' }],
    ['method not allowed', { method: 'TRACE' }],
    ['blocked IP', { clientIp: '198.51.100.7' }],
    ['blocked subnet', { clientIp: '192.0.2.44' }],
  ])('drops %s', (_name, change) => {
    expect(isProbe({ ...base, ...change })).toBe(true);
  });
});

describe('log noise filter (probe_filter)', () => {
  it('uses the defaults, plus custom patterns', () => {
    const isNoise = createLogNoiseFilter(parseConfig({ probe_filter: { custom_patterns: ['^/secret-scan'], custom_ip_patterns: ['^45\\.'] } }).config.probe_filter);
    expect(isNoise('/wp-login.php', '1.2.3.4')).toBe(true);
    expect(isNoise('/secret-scan/x', '1.2.3.4')).toBe(true);
    expect(isNoise('/api.openai.com/v1/x', '45.1.1.1')).toBe(true);
    expect(isNoise('/api.openai.com/v1/x', '1.2.3.4')).toBe(false);
  });

  it('patterns replace the defaults; disable_default_patterns drops them', () => {
    const replaced = createLogNoiseFilter(parseConfig({ probe_filter: { patterns: ['^/only'] } }).config.probe_filter);
    expect(replaced('/wp-login.php', '1.2.3.4')).toBe(false);
    expect(replaced('/only/this', '1.2.3.4')).toBe(true);
    const disabled = createLogNoiseFilter(parseConfig({ probe_filter: { disable_default_patterns: true } }).config.probe_filter);
    expect(disabled('/wp-login.php', '1.2.3.4')).toBe(false);
  });
});

describe('rate limiter', () => {
  it('refills at the configured rate', () => {
    const allow = createRateLimiter({ rate: 2, burst: 2 });
    expect([allow('a', 0), allow('a', 0), allow('a', 0)]).toEqual([true, true, false]);
    expect(allow('b', 0)).toBe(true);
    expect(allow('a', 500)).toBe(true);
    expect(allow('a', 500)).toBe(false);
  });
});
