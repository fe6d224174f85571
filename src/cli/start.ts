// `llm-proxy-sharegpt start`: the proxy (and, with later issues, its recording and review UI).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createLogger, parseLogLevel } from '../log/create-logger.js';
import { startApp } from '../main.js';
import { openRecording } from '../capture/open-recording.js';
import { CliError } from './cli-error.js';

export const START_HELP = `Usage: llm-proxy-sharegpt start [options]

Starts the proxy: http://HOST:PORT/{target_domain}/{api_path} -> https://{target_domain}/{api_path}

Options:
  --port N            port to listen on (default 8080, env PORT)
  --host ADDR         address to bind (default 127.0.0.1; use 0.0.0.0 to serve other machines)
  --config FILE       config file (default ./config.json when present, else built-in defaults)
  --log-level LEVEL   debug | info | warn | error (DEBUG/INFO/WARNING/ERROR accepted; default info)
  --log-file FILE     JSON-lines log file (default proxy.log; "-" or "" disables)
  --db PATH           SQLite database file for recordings (default ./data/llm-proxy.db, env DB)
  --no-record         proxy only: record nothing
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

  const recording = values['no-record']
    ? null
    : await openRecording({ dbPath: values.db ?? process.env['DB'] ?? './data/llm-proxy.db', logger });
  const app = await startApp({ config: loaded.config, logger, port, host, recording });
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
        logger.flush();
        setTimeout(() => process.exit(0), 100).unref();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid port "${text}"`);
  return port;
}
