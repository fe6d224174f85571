// `--db` for every subcommand: which store to use and how to connect. Precedence: --db, then the
// DB environment variable, then config `recording.database.url`, then ./data/llm-proxy.db. A path
// selects SQLite, a postgres:// URL PostgreSQL (store/open-store.ts); a locator neither can serve
// (mysql://…) is a one-line error here, never a folder named after the URL.
import type { Config } from '../config/schema.js';
import { type OpenStoreOptions, openStore } from '../store/open-store.js';
import { LocatorError, describeLocator, parseLocator } from '../store/locator.js';
import type { Store } from '../store/store.js';
import { CliError } from './cli-error.js';

export const DEFAULT_DATABASE = './data/llm-proxy.db';

/** One line for a subcommand's help. */
export const DB_OPTION_HELP =
  '--db PATH|URL       SQLite file (default ./data/llm-proxy.db) or postgres://user:pass@host:port/db (env DB)';

export interface DatabaseChoice {
  /** As given: may hold a password. Show describeLocator(locator) instead. */
  locator: string;
  /** What may be shown (password masked). */
  shown: string;
  backend: 'sqlite' | 'postgres';
  options: OpenStoreOptions;
  /** Configured spool file, if any. */
  spoolPath?: string;
}

export function chooseDatabase(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  database?: Config['recording']['database'],
): DatabaseChoice {
  const locator = flag ?? (env['DB'] || undefined) ?? database?.url ?? DEFAULT_DATABASE;
  let backend: DatabaseChoice['backend'];
  try {
    backend = parseLocator(locator).backend;
  } catch (error) {
    if (error instanceof LocatorError) throw new CliError(error.message);
    throw error;
  }
  return {
    locator,
    shown: describeLocator(locator),
    backend,
    options: {
      postgres: {
        ...(database?.pool_size !== undefined ? { poolSize: database.pool_size } : {}),
        ...(database?.statement_timeout_ms !== undefined ? { statementTimeoutMs: database.statement_timeout_ms } : {}),
        ...(database?.sslmode !== undefined ? { sslmode: database.sslmode } : {}),
      },
    },
    ...(database?.spool_path !== undefined ? { spoolPath: database.spool_path } : {}),
  };
}

/** Opens the chosen store; a failure is one CLI line (password masked) saying which flag fixes it. */
export async function openChosenStore(choice: DatabaseChoice): Promise<Store> {
  try {
    return await openStore(choice.locator, choice.options);
  } catch (error) {
    throw new CliError(`cannot open the database ${choice.shown}: ${(error as Error).message} (check --db or DB)`);
  }
}
