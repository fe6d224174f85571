// `llm-proxy-sharegpt ui`: the review UI and admin API alone, against a database that a proxy
// process (on this machine or, with PostgreSQL, elsewhere) may be writing to at the same time.
import { parseArgs } from 'node:util';
import { AdminConfigError } from '../admin/admin-error.js';
import { exportSettings } from '../export/export-settings.js';
import { startAdminServer } from '../admin/admin-server.js';
import { createLogger, flushLogs, parseLogLevel } from '../log/create-logger.js';
import { CONFIG_OPTION_HELP, DB_OPTION_HELP, openChosenStore, resolveDatabase } from './database-option.js';
import { assertSafeBind } from '../admin/guard.js';
import { checkDatabasePath } from './check-database-path.js';
import { CliError } from './cli-error.js';
import { listenErrorToCli } from './listen-error.js';

export const UI_HELP = `Usage: llm-proxy-sharegpt ui [options]

Serves the review UI and its admin API (http://HOST:PORT) for a recordings database.

Options:
  ${DB_OPTION_HELP}; must exist
  ${CONFIG_OPTION_HELP}
  --create            create the database when --db names no file yet (an empty one)
  --port N            port to listen on (default 5000, env UI_PORT)
  --host ADDR         address to bind (default 127.0.0.1, env UI_HOST); any other needs an admin token
  --admin-token TOKEN secret the UI and admin API require (env ADMIN_TOKEN)
  --log-level LEVEL   debug | info | warn | error (default info)
  -h, --help          show this help
`;

export async function runUi(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'admin-token': { type: 'string' },
      'log-level': { type: 'string' },
      create: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(UI_HELP);
    return;
  }
  const portText = values.port ?? (process.env['UI_PORT'] || '5000');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid --port "${portText}": a port number from 0 to 65535`);
  let level;
  try {
    level = parseLogLevel(values['log-level'] ?? process.env['LOG_LEVEL'] ?? 'info');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const host = values.host ?? (process.env['UI_HOST'] || '127.0.0.1');
  const adminToken = (values['admin-token'] ?? process.env['ADMIN_TOKEN'] ?? '') || null;
  try {
    assertSafeBind(host, adminToken, '--host');
  } catch (error) {
    if (error instanceof AdminConfigError) throw new CliError(error.message);
    throw error;
  }
  const { database, loaded } = await resolveDatabase(values.db, values.config);
  // A mistyped path would otherwise become a new, empty database that looks like lost data.
  if (database.backend === 'sqlite') checkDatabasePath(database.locator, { create: values.create, createFlag: '--create', source: database.source });
  const logger = createLogger({ level, file: null });
  const store = await openChosenStore(database);
  let admin;
  try {
    admin = await startAdminServer({ store, logger, port, host, adminToken, privacy: exportSettings(loaded.config.export, {}).privacy });
  } catch (error) {
    await store.close();
    if (error instanceof AdminConfigError) throw new CliError(error.message);
    listenErrorToCli(error, [{ what: 'review UI', port, host, flag: '--port' }]);
  }
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    admin
      .close()
      .then(() => store.close())
      .then(() => flushLogs(logger))
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Logged after the handlers: a supervisor may signal as soon as it reads this line.
  logger.info({ url: admin.url, database: database.shown }, `review UI: ${admin.url}`);
}
