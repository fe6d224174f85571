// `llm-proxy-sharegpt start`: the proxy (and, with later issues, its recording and review UI).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createLogger, flushLogs, parseLogLevel } from '../log/create-logger.js';
import { startApp } from '../main.js';
import { openRecording, openRecordingBackend } from '../capture/open-recording.js';
import { AdminConfigError } from '../admin/admin-error.js';
import { assertSafeBind } from '../admin/guard.js';
import { describeLocator, maskLocatorSecrets } from '../store/locator.js';
import { chooseDatabase, openChosenStore } from './database-option.js';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { clusterRecordingService } from '../cluster/cluster-recording.js';
import { runClusterPrimary } from '../cluster/run-cluster-primary.js';
import { CliError } from './cli-error.js';

export const START_HELP = `Usage: llm-proxy-sharegpt start [options]

Starts the proxy: http://HOST:PORT/{target_domain}/{api_path} -> https://{target_domain}/{api_path}

Options:
  --port N            port to listen on (default 8080, env PORT)
  --host ADDR         address to bind (default 127.0.0.1; use 0.0.0.0 to serve other machines)
  --config FILE       config file (default ./config.json when present, else built-in defaults)
  --log-level LEVEL   debug | info | warn | error (DEBUG/INFO/WARNING/ERROR accepted; default info)
  --log-file FILE     JSON-lines log file (default proxy.log; "-" or "" disables)
  --db PATH|URL       where recordings go: a SQLite file (default ./data/llm-proxy.db) or
                      postgres://user:pass@host:port/db (env DB, config recording.database.url)
  --no-record         proxy only: record nothing
  --workers N         run N proxy processes sharing the port (node:cluster), one shared store
                      writer in the primary (default 1; "auto" = one per CPU core)
  --ui-port N         review UI port (default 5000, env UI_PORT)
  --ui-host ADDR      review UI address (default 127.0.0.1, env UI_HOST); any other needs an admin token
  --admin-token TOKEN secret the UI and admin API require (env ADMIN_TOKEN)
  --no-ui             do not serve the review UI
  -h, --help          show this help
`;

export async function runStart(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      'log-file': { type: 'string' },
      db: { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      workers: { type: 'string' },
      'ui-port': { type: 'string' },
      'ui-host': { type: 'string' },
      'admin-token': { type: 'string' },
      'no-ui': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(START_HELP);
    return;
  }
  const port = parsePort(values.port ?? process.env['PORT'] ?? '8080');
  const host = values.host ?? process.env['HOST'] ?? '127.0.0.1';
  let level;
  try {
    level = parseLogLevel(values['log-level'] ?? process.env['LOG_LEVEL'] ?? 'info');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const logFile = values['log-file'] ?? 'proxy.log';
  const logger = createLogger({ level, file: logFile === '-' || logFile === '' ? null : logFile });

  let loaded;
  try {
    loaded = await loadConfig(values.config);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  for (const warning of loaded.warnings) logger.warn(warning);

  const database = chooseDatabase(values.db, process.env, loaded.config.recording.database);
  const dbPath = database.locator;
  const recordingStore = { storeOptions: database.options, ...(database.spoolPath !== undefined ? { spoolPath: database.spoolPath } : {}) };
  const uiHost = values['ui-host'] ?? (process.env['UI_HOST'] || '127.0.0.1');
  const adminToken = (values['admin-token'] ?? process.env['ADMIN_TOKEN'] ?? '') || null;
  const admin = values['no-ui'] ? null : { port: parsePort(values['ui-port'] ?? (process.env['UI_PORT'] || '5000')), host: uiHost, adminToken };
  if (admin) asCliError(() => assertSafeBind(admin.host, admin.adminToken));
  const workers = parseWorkers(values.workers ?? process.env['WORKERS'] ?? '1');
  if (workers > 1 && cluster.isPrimary) {
    const maxResponseBytes = loaded.config.recording.max_response_bytes;
    await runClusterPrimary({
      workers,
      logger,
      openBackend: values['no-record'] ? null : () => openDatabase(dbPath, () => openRecordingBackend({ dbPath, ...recordingStore, logger, maxResponseBytes })),
      admin: admin && { ...admin, store: await openChosenStore(database) },
    });
    return;
  }
  // A cluster worker proxies only: the primary owns the store writer and the UI.
  const inClusterWorker = cluster.isWorker;
  const recording = values['no-record'] ? null : inClusterWorker
      ? clusterRecordingService(dbPath, logger, loaded.config.recording.max_response_bytes)
      : await openDatabase(dbPath, () => openRecording({ dbPath, ...recordingStore, logger, maxResponseBytes: loaded.config.recording.max_response_bytes }));
  const app = await startApp({
    config: loaded.config,
    logger,
    port,
    host,
    recording,
    admin: inClusterWorker ? null : admin && { ...admin, store: await openChosenStore(database) },
  });
  if (app.admin) logger.info({ url: app.admin.url }, `review UI: ${app.admin.url}`);
  logger.info(
    {
      url: app.proxy.url,
      config: loaded.source ?? '(built-in defaults)',
      domains: Object.keys(loaded.config.allowed_domains).length,
      recording: recording ? 'on' : 'off',
    },
    `proxy listening: ${app.proxy.url}/{target_domain}/{api_path}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    app
      .close(10_000)
      .then(() => {
        logger.info('stopped');
        return flushLogs(logger);
      })
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function asCliError(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof AdminConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** A database that cannot be opened is the user's to fix: one clear line, not a stack trace. */
async function openDatabase<T>(dbPath: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new CliError(
      `cannot open the recording database ${describeLocator(dbPath)}: ${maskLocatorSecrets((error as Error).message, dbPath)} (use --db PATH|URL, or --no-record)`,
    );
  }
}

function parseWorkers(text: string): number {
  if (text === 'auto') return availableParallelism();
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 256) throw new CliError(`invalid --workers "${text}": a number from 1 to 256, or auto`);
  return count;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid port "${text}"`);
  return port;
}
