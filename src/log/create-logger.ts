// pino to the console (pretty on a TTY) and to a log file (JSON lines). Secrets are redacted by
// path once here, and request bodies are never logged above debug level by the callers.
import { openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { SECRET_HEADERS } from '../providers/registry.js';
import { DirectoryError, makeDirectory } from '../fs/make-directory.js';

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

/** The log file cannot be opened: the operator's to fix. */
export class LogFileError extends Error {
  override name = 'LogFileError';
}

/** "permission denied (EACCES)" rather than the errno text with the path repeated. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a parent is not a directory',
    EISDIR: 'it is a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EEXIST: 'it already exists',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  return (error as Error).message ?? String(error);
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

// Callers never log headers at info level; these paths are the belt to that brace. Wildcard paths
// are avoided on purpose: they make every log call walk the object (measured on the hot path).
// The header names are the provider registry's one list (src/providers/registry.ts).
export const REDACTED_PATHS = SECRET_HEADERS.flatMap((name) => [`headers["${name}"]`, `req.headers["${name}"]`]);

/**
 * Destinations are written from this thread with sonic-boom (asynchronous, buffered): a pino
 * transport's worker-thread handshake cost about 10 µs per line on the proxy's hot path. Only the
 * pretty console (a TTY, so a human watching) goes through the pino-pretty transport.
 */
const fileStreams = new WeakMap<Logger, ReturnType<typeof pino.destination>>();

/** Writes out what the log file has buffered (pino's own flush does not reach multistream members). */
export function flushLogs(logger: Logger): Promise<void> {
  const file = fileStreams.get(logger);
  if (!file) return Promise.resolve();
  return new Promise((resolve) => file.flush(() => resolve()));
}

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  let fileStream: ReturnType<typeof pino.destination> | null = null;
  if (options.console !== false) {
    const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
    const stream = pretty
      ? // singleLine: one request, one terminal line (the fields follow the message as compact JSON).
        pino.transport({ target: 'pino-pretty', options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: 1 } })
      : pino.destination({ dest: 1, sync: false });
    streams.push({ level: options.level, stream });
  }
  if (options.file) {
    // Lines are gathered into 4 KB writes (one write per line was 6% of the proxy thread at load)
    // and flushed at least every second, so `tail -f` stays live on a quiet proxy.
    // Opened here, synchronously: a file sonic-boom is still opening when the process exits (a
    // start-up mistake found a moment later) crashed pino's exit flush ("sonic boom is not ready
    // yet"), and an unopenable file is the operator's to fix, reported as one line.
    let fd: number;
    try {
      makeDirectory(dirname(options.file));
      fd = openSync(options.file, 'a');
    } catch (error) {
      const reason = error instanceof DirectoryError ? error.message : describeFsError(error);
      throw new LogFileError(`cannot open the log file ${options.file}: ${reason}; use --log-file FILE, or --log-file - for none`);
    }
    const file = pino.destination({ dest: fd, sync: false, minLength: 4096 });
    setInterval(() => file.flush(), 1_000).unref();
    streams.push({ level: options.level, stream: file });
    fileStream = file;
  }
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined };
  if (streams.length === 0) return pino({ ...base, enabled: false });
  const logger = pino(base, pino.multistream(streams));
  if (fileStream) fileStreams.set(logger, fileStream);
  return logger;
}
