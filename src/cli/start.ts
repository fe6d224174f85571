// `llm-proxy-sharegpt start`: the proxy (and, with later issues, its recording and review UI).
import { exportSettings } from '../export/export-settings.js';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import type { TelemetryOptions } from '../telemetry/create-exchange-tracer.js';
import { createLogger, flushLogs, LogFileError, parseLogLevel } from '../log/create-logger.js';
import { startApp } from '../main.js';
import { openRecording, openRecordingBackend } from '../capture/open-recording.js';
import { AdminConfigError } from '../admin/admin-error.js';
import { assertSafeBind } from '../admin/guard.js';
import { describeLocator, maskLocatorSecrets } from '../store/locator.js';
import { openChosenStore, resolveDatabase } from './database-option.js';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { clusterRecordingService } from '../cluster/cluster-recording.js';
import { runClusterPrimary } from '../cluster/run-cluster-primary.js';
import { clusterViewClient } from '../cluster/cluster-view.js';
import { checkDatabasePath } from './check-database-path.js';
import { CliError } from './cli-error.js';
import { START_HELP } from './start-help.js';
import { listenErrorToCli, type ListenTarget } from './listen-error.js';

export { START_HELP };

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

  // Everything that can be wrong with the command line is checked before the logger opens its
  // file and before anything listens: a mistake is one line and exit 2, with nothing to undo.
  const { database, loaded } = await resolveDatabase(values.db, values.config);
  const dbPath = database.locator;
  const recordingStore = { storeOptions: database.options, ...(database.spoolPath !== undefined ? { spoolPath: database.spoolPath } : {}) };
  const inClusterWorker = cluster.isWorker;
  if (!values['no-record'] && !inClusterWorker && database.backend === 'sqlite') checkDatabasePath(dbPath, { create: true, source: database.source });
  const uiHost = values['ui-host'] ?? (process.env['UI_HOST'] || '127.0.0.1');
  const adminToken = (values['admin-token'] ?? process.env['ADMIN_TOKEN'] ?? '') || null;
  const admin = values['no-ui']
    ? null
    : { port: parsePort(values['ui-port'] ?? (process.env['UI_PORT'] || '5000'), '--ui-port'), host: uiHost, adminToken, privacy: exportSettings(loaded.config.export, {}).privacy };
  if (admin) asCliError(() => assertSafeBind(admin.host, admin.adminToken));
  const workers = parseWorkers(values.workers ?? process.env['WORKERS'] ?? '1');

  const logFile = values['log-file'] ?? 'proxy.log';
  let logger;
  try {
    logger = createLogger({ level, file: logFile === '-' || logFile === '' ? null : logFile });
  } catch (error) {
    if (error instanceof LogFileError) throw new CliError(error.message);
    throw error;
  }
  for (const warning of loaded.warnings) logger.warn(warning);

  const listenTargets: ListenTarget[] = [
    { what: 'proxy', port, host, flag: '--port' },
    ...(admin ? [{ what: 'review UI', port: admin.port, host: admin.host, flag: '--ui-port', alternative: '--no-ui' }] : []),
  ];
  if (workers > 1 && cluster.isPrimary) {
    const maxResponseBytes = loaded.config.recording.max_response_bytes;
    const telemetry = telemetryOptions(loaded.config);
    await runClusterPrimary({
      workers,
      logger,
      openBackend: values['no-record'] ? null : () => openDatabase(dbPath, () => openRecordingBackend({ dbPath, ...recordingStore, logger, maxResponseBytes, ...telemetry })),
      admin: admin && { ...admin, store: await openChosenStore(database) },
      dbPath: database.shown,
    }).catch((error: unknown) => listenErrorToCli(error, listenTargets));
    return;
  }
  // A cluster worker proxies only: the primary owns the store writer and the UI.
  const recording = values['no-record'] ? null : inClusterWorker
      ? clusterRecordingService(dbPath, logger, loaded.config.recording.max_response_bytes)
      : await openDatabase(dbPath, () => openRecording({ dbPath, ...recordingStore, logger, maxResponseBytes: loaded.config.recording.max_response_bytes, journal: { backlogHighWaterBytes: loaded.config.recording.backlog_memory_bytes }, ...telemetryOptions(loaded.config) }));
  let app;
  try {
    app = await startApp({
      config: loaded.config,
      logger,
      port,
      host,
      recording,
      admin: inClusterWorker ? null : admin && { ...admin, store: await openChosenStore(database) },
      ...(inClusterWorker ? { groupView: clusterViewClient } : {}),
    });
  } catch (error) {
    await recording?.close().catch(() => undefined);
    listenErrorToCli(error, listenTargets);
  }
  // Handlers first: the 'listening' line can reach a supervisor before the next statement runs.
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
}

/** Config `telemetry` → the recording side's tracer options (spans are made where records are). */
function telemetryOptions(config: Config): { telemetry?: TelemetryOptions } {
  const telemetry = config.telemetry;
  if (!telemetry) return {};
  return { telemetry: { otlpEndpoint: telemetry.otlp_endpoint, serviceName: telemetry.service_name, headers: telemetry.headers, exportDelayMs: telemetry.export_delay_ms } };
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
      `cannot open the recording database ${describeLocator(dbPath)}: ${maskLocatorSecrets(reasonOf(error), dbPath)} (use --db PATH|URL, or --no-record)`,
    );
  }
}

function parseWorkers(text: string): number {
  if (text === 'auto') return availableParallelism();
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 256) throw new CliError(`invalid --workers "${text}": a number from 1 to 256, or auto`);
  return count;
}

/** An error that crossed a worker thread may have lost its message: say something useful anyway. */
function reasonOf(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof code === 'string') return code;
  return 'it could not be opened';
}

function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid ${flag} "${text}": a port number from 0 to 65535`);
  return port;
}
