// A throwaway PostgreSQL cluster for the bench's PostgreSQL figures: initdb + pg_ctl in a temp
// directory on a loopback port (test/helpers/postgres-cluster.ts, the one the tests use), fsync
// and synchronous commit off, so the figures are the proxy's and the store's own cost, not a disk's.
// null when PostgreSQL is not installed: the caller prints one line and skips its figures.
import { postgresBinDir, startPostgresCluster, withPostgresClient as withPostgres, type PostgresCluster } from '../../test/helpers/postgres-cluster.js';

export { withPostgres };

export interface BenchPostgres {
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix: string): Promise<string>;
  destroy(): Promise<void>;
}

export const POSTGRES_MISSING = 'PostgreSQL figures skipped: initdb not found (apt-get install postgresql, or set PG_BIN to its bin directory)';

export async function startBenchPostgres(): Promise<BenchPostgres | null> {
  if (postgresBinDir() === null) return null;
  const cluster: PostgresCluster = await startPostgresCluster();
  return { createDatabase: (prefix) => cluster.createDatabase(prefix), destroy: () => cluster.destroy() };
}

/** Records in a PostgreSQL store matching a condition on `exchanges` (SQL). */
export async function countPostgresRecords(url: string, where: string): Promise<number> {
  return withPostgres(url, async (client) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM exchanges WHERE ${where}`)).rows[0]!.n));
}

/** Bytes of every table of the store with its indexes and TOAST (not the catalog), after a VACUUM. */
/** The background scan's tables (see data-growth.ts sqliteScanStorage). */
export async function postgresScanStorage(url: string): Promise<{ scanned: number; bytes: number }> {
  return withPostgres(url, async (client) => {
    const scanned = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM exchange_findings');
    const bytes = await client.query<{ bytes: string }>(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class AS c
       JOIN pg_namespace AS n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname IN ('exchange_findings', 'exchange_minhash_bands')`,
    );
    return { scanned: Number(scanned.rows[0]!.n), bytes: Number(bytes.rows[0]!.bytes) };
  });
}

export async function postgresStoreBytes(url: string): Promise<number> {
  return withPostgres(url, async (client) => {
    await client.query('VACUUM ANALYZE');
    const result = await client.query<{ bytes: string }>(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class AS c
       JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'`,
    );
    return Number(result.rows[0]!.bytes);
  });
}
