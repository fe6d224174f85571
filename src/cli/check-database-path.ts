// The `--db` checks every subcommand makes before opening a SQLite file, so that a mistake is one
// line naming the flag: a directory or a non-database file given as the database, a parent that
// cannot be created, and (ui, export, rebuild) a mistyped path that would silently become a new,
// empty database. A URL locator (postgres://…) is not a path and is left to its backend.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DirectoryError, makeDirectory } from '../fs/make-directory.js';
import { CliError } from './cli-error.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface DatabasePathOptions {
  /** false: the file must exist; the message names `createFlag` when there is one. */
  create: boolean;
  /** The flag that allows creating a new database (ui: `--create`). */
  createFlag?: string;
  /** Where the path came from (DatabaseChoice.source), when not from --db or the default. */
  source?: string;
}

export function checkDatabasePath(dbPath: string, options: DatabasePathOptions): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dbPath) || dbPath === ':memory:' || dbPath.startsWith('file:')) return;
  const named = options.source === undefined || options.source === '--db' ? `--db ${dbPath}` : `${dbPath} (${options.source})`;
  const fix = options.source === undefined || options.source === '--db' ? 'check --db PATH (or env DB)' : `check ${options.source}, or give --db PATH`;
  if (!existsSync(dbPath)) {
    if (!options.create) {
      const create = options.createFlag ? `, or add ${options.createFlag} to start a new, empty one` : '';
      throw new CliError(`database ${dbPath} does not exist: ${fix}${create}`);
    }
    try {
      makeDirectory(dirname(dbPath));
    } catch (error) {
      if (error instanceof DirectoryError) throw new CliError(`cannot open the recording database ${dbPath}: ${error.message} (use --db PATH, or --no-record)`);
      throw error;
    }
    return;
  }
  const info = statSync(dbPath);
  if (info.isDirectory()) throw new CliError(`${named} is a directory: give the database file, e.g. --db ${dbPath.replace(/\/+$/, '')}/llm-proxy.db`);
  if (!info.isFile()) throw new CliError(`${named} is not a regular file: give a SQLite database file`);
  if (info.size > 0 && readHeader(dbPath) !== SQLITE_MAGIC) {
    throw new CliError(`${named} is not a SQLite database (is it the right file?): move the file aside, give another database file, or a new path to create one`);
  }
}

function readHeader(path: string): string {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    readSync(fd, header, 0, header.length, 0);
    return header.toString('latin1');
  } catch (error) {
    throw new CliError(`cannot read the database ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (use --db PATH)`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
