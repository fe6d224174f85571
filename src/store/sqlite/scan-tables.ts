// The SQLite side of the background scan's tables (migration 11: exchange_findings,
// exchange_near_bands keyed by the scan's integer rid): the Store's scanQueue, saveScans, scansOf and nearDuplicateCandidates.
// Kept apart from sqlite-store.ts, which only delegates. Removing a scan with its record, or when
// the record's row changes, is done by the migration's triggers, whatever statement does it.
import type Database from 'better-sqlite3';
import type { RecordScan, ScanQueuePage, ScanSummary } from '../store.js';

type Statement = (sql: string) => Database.Statement;

export function createSqliteScanTables(db: Database.Database, statement: Statement) {
  const exists = db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM exchanges WHERE id = ?');
  const upsert = db.prepare<unknown[], { rid: number }>(
    `INSERT INTO exchange_findings (id, secrets, personal, kinds, scanner_version, signature, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET secrets = excluded.secrets, personal = excluded.personal, kinds = excluded.kinds,
       scanner_version = excluded.scanner_version, signature = excluded.signature, scanned_at = excluded.scanned_at
     RETURNING rid`,
  );
  const clearBands = db.prepare('DELETE FROM exchange_near_bands WHERE rid = ?');
  const insertBand = db.prepare('INSERT OR IGNORE INTO exchange_near_bands (band_key, rid) VALUES (?, ?)');
  const save = db.transaction((scans: readonly RecordScan[], now: number) => {
    for (const scan of scans) {
      if (exists.get(scan.id) === undefined) continue;
      const { rid } = upsert.get(
        scan.id,
        scan.secrets,
        scan.personal,
        JSON.stringify(scan.kinds),
        scan.scannerVersion,
        scan.signature === null ? null : Buffer.from(scan.signature.buffer, scan.signature.byteOffset, scan.signature.byteLength),
        now,
      )!;
      clearBands.run(rid);
      for (const key of scan.bandKeys) insertBand.run(key, rid);
    }
  });
  const ownSignature = db.prepare<[string], { rid: number; signature: Buffer | null }>('SELECT rid, signature FROM exchange_findings WHERE id = ?');
  const candidates = db.prepare<[number, number, number], { id: string; signature: Buffer; shared: number }>(
    `SELECT f.id AS id, f.signature AS signature, COUNT(*) AS shared
     FROM exchange_near_bands mine
     JOIN exchange_near_bands other ON other.band_key = mine.band_key AND other.rid <> ?
     JOIN exchange_findings f ON f.rid = other.rid AND f.signature IS NOT NULL
     WHERE mine.rid = ?
     GROUP BY other.rid ORDER BY shared DESC, f.id DESC LIMIT ?`,
  );

  return {
    scanQueue(options: { before?: string; after?: string; window: number; scannerVersion: string }): ScanQueuePage {
      const conditions: string[] = [];
      const params: Array<string | number> = [];
      if (options.before !== undefined) {
        conditions.push('id < ?');
        params.push(options.before);
      }
      if (options.after !== undefined) {
        conditions.push('id > ?');
        params.push(options.after);
      }
      const window = statement(
        `SELECT w.id AS id, f.scanner_version AS version
         FROM (SELECT id FROM exchanges ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`} ORDER BY id DESC LIMIT ?) w
         LEFT JOIN exchange_findings f ON f.id = w.id ORDER BY w.id DESC`,
      ).all(...params, options.window) as Array<{ id: string; version: string | null }>;
      return {
        ids: window.filter((row) => row.version !== options.scannerVersion).map((row) => row.id),
        next: window.length === options.window ? (window[window.length - 1]?.id ?? null) : null,
      };
    },
    saveScans(scans: readonly RecordScan[], now: number): void {
      save.immediate(scans, now);
    },
    scansOf(ids: readonly string[]): Map<string, ScanSummary> {
      const found = new Map<string, ScanSummary>();
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += 500) {
        const chunk = unique.slice(start, start + 500);
        const rows = statement(
          `SELECT id, secrets, personal, kinds, scanner_version FROM exchange_findings WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        ).all(...chunk) as Array<{ id: string; secrets: number; personal: number; kinds: string; scanner_version: string }>;
        for (const row of rows) {
          found.set(row.id, { secrets: row.secrets, personal: row.personal, kinds: JSON.parse(row.kinds) as Record<string, number>, scannerVersion: row.scanner_version });
        }
      }
      return found;
    },
    nearDuplicateCandidates(id: string, limit: number) {
      const own = ownSignature.get(id);
      if (own === undefined) return null;
      return {
        signature: own.signature === null ? null : new Uint8Array(own.signature),
        candidates: candidates.all(own.rid, own.rid, limit).map((row) => ({ id: row.id, signature: new Uint8Array(row.signature), sharedBands: row.shared })),
      };
    },
  };
}
