// `--db` for every subcommand that reads or writes the recordings (start, ui, export, rebuild):
// which store to use and how to connect, decided here alone (resolveDatabase). Precedence: --db,
// then the DB environment variable, then config.json `recording.database.url` (the file --config
// names, else ./config.json when present), then ./data/llm-proxy.db. A path selects SQLite (as
// given: relative to the working directory, wherever it was written), a postgres:// URL
// PostgreSQL (store/open-store.ts); a locator neither can serve (mysql://…) is a one-line error
// naming where it came from, never a folder named after the URL.
import { ConfigError, type LoadedConfig, loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import type { OpenStoreOptions } from '../store/open-store.js';
import { LocatorError, describeLocator, parseLocator } from '../store/locator.js';
import type { Store } from '../store/store.js';
import { CliError } from './cli-error.js';

export const DEFAULT_DATABASE = './data/llm-proxy.db';

/** The lines for a subcommand's help. */
export const DB_OPTION_HELP =
  '--db PATH|URL       SQLite file (default ./data/llm-proxy.db) or postgres://user:pass@host:port/db\n' +
  '                      (env DB, else config.json recording.database.url)';
export const CONFIG_OPTION_HELP = '--config FILE       config file for recording.database (default ./config.json when present)';

export interface DatabaseChoice {
  /** As given: may hold a password. Show describeLocator(locator) instead. */
  locator: string;
  /** What may be shown (password masked). */
  shown: string;
  backend: 'sqlite' | 'postgres';
  /** Where the locator came from, for messages: `--db` (also the default), `the DB environment variable`, `recording.database.url in FILE`. */
  source: string;
  options: OpenStoreOptions;
  /** Configured spool file, if any. */
  spoolPath?: string;
}

/** Loads the config (--config FILE, else ./config.json when present) and chooses the database from it. */
export async function resolveDatabase(
  flag: string | undefined,
  configPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ database: DatabaseChoice; loaded: LoadedConfig }> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  return { database: chooseDatabase(flag, env, loaded.config.recording.database, loaded.source ?? undefined), loaded };
}

/** `configSource`: the file `database` was read from, for the error naming the key. */
export function chooseDatabase(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  database?: Config['recording']['database'],
  configSource = 'config.json',
): DatabaseChoice {
  const fromEnv = env['DB'] || undefined;
  const [locator, source] =
    flag !== undefined
      ? [flag, '--db']
      : fromEnv !== undefined
        ? [fromEnv, 'the DB environment variable']
        : database?.url !== undefined
          ? [database.url, `recording.database.url in ${configSource}`]
          : [DEFAULT_DATABASE, '--db'];
  let backend: DatabaseChoice['backend'];
  try {
    backend = parseLocator(locator).backend;
  } catch (error) {
    if (error instanceof LocatorError) throw new CliError(`${error.message.replace(/ \(--db\)$/u, '')} (${source})`);
    throw error;
  }
  return {
    locator,
    shown: describeLocator(locator),
    backend,
    source,
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
    // Loaded when a command opens a store: the export's main thread never does (its worker does).
    const { openStore } = await import('../store/open-store.js');
    return await openStore(choice.locator, choice.options);
  } catch (error) {
    throw new CliError(`cannot open the database ${choice.shown}: ${(error as Error).message} (check --db, DB or recording.database.url in config.json)`);
  }
}
