// Why an SQLite database would not open, in one line that says which case it is and what to do:
// not a database, truncated, corrupted (malformed), locked by another process, read-only, not
// creatable, disk full. Reads the SQLite codes better-sqlite3 reports and, for a file that is not
// or no longer a database, its 100-byte header (https://www.sqlite.org/fileformat.html#the_database_header).
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export type OpenFailure = 'not_a_database' | 'truncated' | 'malformed' | 'locked' | 'read_only' | 'cannot_open' | 'disk_full';

/** The error openSqliteStore throws: `message` is the one line; `cause` keeps the original. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
  constructor(
    readonly failure: OpenFailure,
    /** The database file; callers put it in front of the message ("cannot open the database PATH: ..."). */
    readonly path: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** What the file's header and size say: a database, the header of one with pages missing, or not one at all. */
function inspectFile(path: string): { kind: 'absent' | 'not_sqlite' | 'truncated' | 'whole'; size: number; expected?: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { kind: 'absent', size: 0 };
  }
  const header = Buffer.alloc(100);
  let read = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return { kind: 'whole', size };
  }
  if (read < HEADER.length || !header.subarray(0, HEADER.length).equals(HEADER)) return { kind: 'not_sqlite', size };
  if (read < 100) return { kind: 'truncated', size, expected: 100 };
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  const expected = pageSize * pages;
  if (pageSize >= 512 && pages > 0 && size < expected) return { kind: 'truncated', size, expected };
  if (pageSize >= 512 && size % pageSize !== 0) return { kind: 'truncated', size };
  return { kind: 'whole', size };
}

/** The explained error, or null when `error` is not one of the known open failures (a bug: keep its stack). */
export function explainOpenError(error: unknown, path: string): DatabaseOpenError | null {
  const code = codeOf(error);
  const original = error instanceof Error ? error.message : String(error);
  const explain = (failure: OpenFailure, message: string) => new DatabaseOpenError(failure, path, message, { cause: error });

  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    const file = path === ':memory:' ? { kind: 'whole' as const, size: 0 } : inspectFile(path);
    if (file.kind === 'not_sqlite') {
      return explain('not_a_database', `not an SQLite database (${original}); move the file aside or choose another path`);
    }
    if (file.kind === 'truncated') {
      const of = file.expected !== undefined ? ` (${file.size} of ${file.expected} bytes)` : ` (${file.size} bytes, not a whole number of pages)`;
      return explain('truncated', `a truncated SQLite database${of}; restore it from a backup, or move it aside to start a new one`);
    }
    return explain('malformed', `a corrupted SQLite database (${original}); recover what is left with \`sqlite3 ${path} .recover | sqlite3 recovered.db\`, restore a backup, or move it aside`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return explain('locked', `locked by another process (${original}); stop the process holding it (another proxy, a sqlite3 shell with an open transaction) and start again`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return explain('read_only', `read-only (${original}); the file and its -wal and -shm companions must be writable: fix the permissions or choose a writable path`);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') {
    return explain('cannot_open', `the file cannot be opened or created (${original}); check that its directory exists and is writable`);
  }
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') {
    return explain('disk_full', `the disk is full (${original}); free some space and start again`);
  }
  return null;
}
