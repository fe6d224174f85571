// For a test file: a fresh database on the run's PostgreSQL cluster (postgres-global-setup.ts).
import { inject } from 'vitest';
import pg from 'pg';

/** True when this run has a PostgreSQL cluster (the backend is selected). */
export function postgresAvailable(): boolean {
  return inject('postgresUrl') !== '';
}

let counter = 0;

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const admin = inject('postgresUrl');
  if (admin === '') throw new Error('no PostgreSQL cluster in this run (STORE_BACKENDS excludes postgres, or it is not installed)');
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase().replace(/[^a-z0-9_]/gu, '_');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Removes every record (the schema stays): a store over this database starts empty. */
export async function truncateExchanges(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // CASCADE: the tables that reference records (annotations) are emptied with them.
    await client.query('TRUNCATE exchanges CASCADE');
  } finally {
    await client.end();
  }
}
