import { describe, expect, it } from 'vitest';
import { LocatorError, describeLocator, maskLocatorSecrets, parseLocator } from './locator.js';
import { defaultSpoolPath, openStore } from './open-store.js';

describe('parseLocator', () => {
  it('reads a path as SQLite and postgres:// or postgresql:// as PostgreSQL', () => {
    expect(parseLocator('./data/llm-proxy.db')).toEqual({ backend: 'sqlite', path: './data/llm-proxy.db' });
    expect(parseLocator('file:memdb?mode=memory')).toEqual({ backend: 'sqlite', path: 'file:memdb?mode=memory' });
    expect(parseLocator('postgres://u:p@db.example:5433/llm')).toEqual({ backend: 'postgres', url: 'postgres://u:p@db.example:5433/llm' });
    expect(parseLocator('POSTGRESQL://db/llm').backend).toBe('postgres');
  });

  it('refuses another URL scheme instead of creating a folder named after it', () => {
    expect(() => parseLocator('mysql://root:hunter2@db/x')).toThrow(LocatorError);
    expect(() => parseLocator('mysql://root:hunter2@db/x')).toThrow(/unsupported database URL scheme "mysql:"/);
    expect(() => parseLocator('   ')).toThrow(/empty/);
  });
});

describe('describeLocator', () => {
  it('masks the password in the userinfo and in password-like parameters, keeping the rest', () => {
    expect(describeLocator('postgres://app:s3cr%40t@db.internal:5432/llm?sslmode=require')).toBe(
      'postgres://app:***@db.internal:5432/llm?sslmode=require',
    );
    expect(describeLocator('postgresql://app@db/llm?password=hunter2')).toBe('postgresql://app@db/llm?password=***');
    expect(describeLocator('./data/llm-proxy.db')).toBe('./data/llm-proxy.db');
  });

  it('removes the password, raw and URL-decoded, from any message', () => {
    const locator = 'postgres://app:s3cr%40t@db/llm';
    expect(maskLocatorSecrets(`failed for ${locator}; password s3cr@t rejected`, locator)).toBe(
      'failed for postgres://app:***@db/llm; password *** rejected',
    );
  });
});

describe('openStore', () => {
  it('fails on an unreachable PostgreSQL without the password in the message', async () => {
    const password = 'pw-' + 'x'.repeat(12);
    const error = await openStore(`postgres://app:${password}@127.0.0.1:1/llm`, { postgres: { connectionTimeoutMs: 2_000 } }).then(
      () => null,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).not.toContain(password);
    expect(error!.message).toMatch(/ECONNREFUSED|connect/);
  });

  it('keeps each PostgreSQL spool under ./data, named without user or password', () => {
    expect(defaultSpoolPath('postgres://app:pw@db.internal:5433/llm')).toBe('data/postgres-db.internal-5433-llm.spool.jsonl');
    expect(defaultSpoolPath('/var/lib/proxy.db')).toBe('/var/lib/proxy.db.spool.jsonl');
  });
});
