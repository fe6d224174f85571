import { describe, expect, it } from 'vitest';
import { AdminConfigError } from './admin-error.js';
import { assertSafeBind, isLoopbackHost, sessionValue } from './guard.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', 'localhost.example.com', '127.0.0.1.nip.io', '', '[::2]'])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('assertSafeBind', () => {
  it('allows loopback without a token and anything with a long token', () => {
    expect(() => assertSafeBind('127.0.0.1', null)).not.toThrow();
    expect(() => assertSafeBind('0.0.0.0', 'x'.repeat(16))).not.toThrow();
  });

  it('refuses a non-loopback bind without a token, and a short token, saying what to do', () => {
    expect(() => assertSafeBind('0.0.0.0', null)).toThrow(AdminConfigError);
    expect(() => assertSafeBind('::', null)).toThrow(/--admin-token \(or ADMIN_TOKEN\)/);
    expect(() => assertSafeBind('127.0.0.1', 'short-token')).toThrow(/openssl rand -hex 24/);
  });
});

describe('sessionValue', () => {
  it('derives the cookie from the token without containing it', () => {
    const token = 'a-secret-admin-token-123456';
    expect(sessionValue(token)).toBe(sessionValue(token));
    expect(sessionValue(token)).not.toContain(token);
    expect(sessionValue(`${token}x`)).not.toBe(sessionValue(token));
  });
});
