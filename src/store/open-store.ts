// The one place that names a storage backend: a locator (`--db`, `DB`, config
// `recording.database.url`) becomes a migrated Store. A path selects SQLite (the default); a
// postgres:// or postgresql:// URL selects PostgreSQL. Everything else receives a `Store`.
import { join } from 'node:path';
import { maskLocatorSecrets, parseLocator } from './locator.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  sqlite?: SqliteStoreOptions;
  postgres?: PostgresStoreOptions;
}

/** Opens (creating or migrating the schema) the store a locator names. Error messages never hold the password. */
export async function openStore(locator: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseLocator(locator);
  try {
    if (parsed.backend === 'postgres') return await openPostgresStore(parsed.url, options.postgres ?? {});
    return openSqliteStore(parsed.path, options.sqlite ?? {});
  } catch (error) {
    // Drivers may echo connection details: the message is rebuilt without the password (and without `cause`).
    throw new Error(maskLocatorSecrets((error as Error).message || String(error), locator) || 'unknown error');
  }
}

/**
 * Where the recording writer spools records the database refused: beside a SQLite file; for
 * PostgreSQL, under ./data/ in the working directory, named after host, port and database (never
 * the user or password), so each instance keeps its own.
 */
export function defaultSpoolPath(locator: string, dataDir = './data'): string {
  const parsed = parseLocator(locator);
  if (parsed.backend === 'sqlite') return `${parsed.path}.spool.jsonl`;
  const url = new URL(parsed.url);
  const name = `${url.hostname || 'localhost'}-${url.port || '5432'}-${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}`;
  return join(dataDir, `postgres-${name.replace(/[^A-Za-z0-9._-]+/gu, '_')}.spool.jsonl`);
}

export { describeLocator, isPostgresLocator, parseLocator, LocatorError } from './locator.js';
