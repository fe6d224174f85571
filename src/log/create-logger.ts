// pino to the console (pretty on a TTY) and to a log file (JSON lines). Secrets are redacted by
// path once here, and request bodies are never logged above debug level by the callers.
import pino, { type Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEED_LEVELS: Record<string, LogLevel> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
};

/** Accepts our names and the seed's DEBUG/INFO/WARNING/ERROR. */
export function parseLogLevel(value: string): LogLevel {
  const level = SEED_LEVELS[value.toLowerCase()];
  if (!level) throw new Error(`unknown log level "${value}": use debug, info, warn or error`);
  return level;
}

export interface LoggerOptions {
  level: LogLevel;
  /** null disables the file. */
  file: string | null;
  /** Pretty console output; defaults to whether stdout is a TTY. */
  pretty?: boolean;
  /** false silences the console (tests). */
  console?: boolean;
}

export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["x-goog-api-key"]',
  '*.headers.cookie',
];

export function createLogger(options: LoggerOptions): Logger {
  const targets: pino.TransportTargetOptions[] = [];
  if (options.console !== false) {
    const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
    targets.push(
      pretty
        ? { target: 'pino-pretty', level: options.level, options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
        : { target: 'pino/file', level: options.level, options: { destination: 1 } },
    );
  }
  if (options.file) {
    targets.push({ target: 'pino/file', level: options.level, options: { destination: options.file, mkdir: true } });
  }
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined };
  if (targets.length === 0) return pino({ ...base, enabled: false });
  return pino(base, pino.transport({ targets }));
}
