// The PostgreSQL side of the background scan's tables (schema.ts migration 6: exchange_findings,
// exchange_minhash_bands): the Store's scanQueue, saveScans, scansOf and nearDuplicateCandidates.
// Kept apart from postgres-store.ts, which only delegates. A scan goes with its record (foreign
// keys, ON DELETE CASCADE) and when its row changes (the migration's trigger).
import type pg from 'pg';
import type { RecordScan, ScanQueuePage, ScanSummary } from '../store.js';

export function createPostgresScanTables(pool: pg.Pool) {
  return {
    async scanQueue(options: { before?: string; after?: string; window: number; scannerVersion: string }): Promise<ScanQueuePage> {
      const conditions: string[] = [];
      const params: unknown[] = [];
      if (options.before !== undefined) {
        params.push(options.before);
        conditions.push(`id < $${params.length}`);
      }
      if (options.after !== undefined) {
        params.push(options.after);
        conditions.push(`id > $${params.length}`);
      }
      params.push(options.window);
      const result = await pool.query<{ id: string; version: string | null }>(
        `SELECT w.id AS id, f.scanner_version AS version
         FROM (SELECT id FROM exchanges ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`} ORDER BY id DESC LIMIT $${params.length}) w
         LEFT JOIN exchange_findings f ON f.id = w.id ORDER BY w.id DESC`,
        params,
      );
      const window = result.rows;
      return {
        ids: window.filter((row) => row.version !== options.scannerVersion).map((row) => row.id),
        next: window.length === options.window ? (window[window.length - 1]?.id ?? null) : null,
      };
    },

    async saveScans(scans: readonly RecordScan[], now: number): Promise<void> {
      if (scans.length === 0) return;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Only records that still exist (one deleted meanwhile is skipped, not an FK error).
        const kept = await client.query<{ id: string }>('SELECT id FROM exchanges WHERE id = ANY($1::text[]) FOR KEY SHARE', [scans.map((scan) => scan.id)]);
        const present = new Set(kept.rows.map((row) => row.id));
        const saved = scans.filter((scan) => present.has(scan.id));
        if (saved.length > 0) {
          await client.query(
            `INSERT INTO exchange_findings (id, secrets, personal, kinds, scanner_version, signature, scanned_at)
             SELECT * FROM UNNEST($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::bytea[], $7::bigint[])
             ON CONFLICT (id) DO UPDATE SET secrets = EXCLUDED.secrets, personal = EXCLUDED.personal, kinds = EXCLUDED.kinds,
               scanner_version = EXCLUDED.scanner_version, signature = EXCLUDED.signature, scanned_at = EXCLUDED.scanned_at`,
            [
              saved.map((scan) => scan.id),
              saved.map((scan) => scan.secrets),
              saved.map((scan) => scan.personal),
              saved.map((scan) => JSON.stringify(scan.kinds)),
              saved.map((scan) => scan.scannerVersion),
              saved.map((scan) => (scan.signature === null ? null : Buffer.from(scan.signature.buffer, scan.signature.byteOffset, scan.signature.byteLength))),
              saved.map(() => now),
            ],
          );
          await client.query('DELETE FROM exchange_minhash_bands WHERE id = ANY($1::text[])', [saved.map((scan) => scan.id)]);
          const bandIds = saved.flatMap((scan) => scan.bandKeys.map(() => scan.id));
          const bandKeys = saved.flatMap((scan) => scan.bandKeys.map(String));
          if (bandIds.length > 0) {
            await client.query(
              'INSERT INTO exchange_minhash_bands (band_key, id) SELECT * FROM UNNEST($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING',
              [bandKeys, bandIds],
            );
          }
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async scansOf(ids: readonly string[]): Promise<Map<string, ScanSummary>> {
      const found = new Map<string, ScanSummary>();
      if (ids.length === 0) return found;
      const result = await pool.query<{ id: string; secrets: number; personal: number; kinds: string; scanner_version: string }>(
        'SELECT id, secrets, personal, kinds, scanner_version FROM exchange_findings WHERE id = ANY($1::text[])',
        [[...new Set(ids)]],
      );
      for (const row of result.rows) {
        found.set(row.id, { secrets: row.secrets, personal: row.personal, kinds: JSON.parse(row.kinds) as Record<string, number>, scannerVersion: row.scanner_version });
      }
      return found;
    },

    async nearDuplicateCandidates(id: string, limit: number) {
      const own = await pool.query<{ signature: Buffer | null }>('SELECT signature FROM exchange_findings WHERE id = $1', [id]);
      const row = own.rows[0];
      if (row === undefined) return null;
      const result = await pool.query<{ id: string; signature: Buffer; shared: number }>(
        `SELECT other.id AS id, f.signature AS signature, COUNT(*)::int AS shared
         FROM exchange_minhash_bands mine
         JOIN exchange_minhash_bands other ON other.band_key = mine.band_key AND other.id <> $1
         JOIN exchange_findings f ON f.id = other.id AND f.signature IS NOT NULL
         WHERE mine.id = $1
         GROUP BY other.id, f.signature ORDER BY shared DESC, other.id DESC LIMIT $2`,
        [id, limit],
      );
      return {
        signature: row.signature === null ? null : new Uint8Array(row.signature),
        candidates: result.rows.map((candidate) => ({ id: candidate.id, signature: new Uint8Array(candidate.signature), sharedBands: candidate.shared })),
      };
    },
  };
}
