// One exchange at either HTTP entry (`/{domain}/…` and the OpenAI-compatible routes), from the
// first byte of the request to the access line. Both entries answer through it, so refusals are
// rendered one way (the error shape of the request's wire format, the connection closed after a
// 413), metrics are counted once, the access line has one shape and the recording ends in one place.
// It also notices the client leaving (`signal` aborts the upstream call) and tells a client that
// hung up at the stream's terminal event (complete) from one that left before it (incomplete).
import { pickClientHeaders } from '../../capture/detect-client.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorBody, retryAfterOf, type ProxyError } from '../../errors.js';
import { redactQuery } from '../../log/redact-secrets.js';
import type { WireFormatId } from '../../wire/wire-format.js';
import type { ProxyMetrics } from '../metrics.js';
import type { ExchangeStart, Recorder, RecordingHandle } from '../recorder.js';
import { SECURITY_HEADERS } from '../security-headers.js';
import type { ForwardResult } from '../upstream/forward.js';

export interface ExchangeDeps {
  recorder: Recorder | null;
  logger: Logger;
  metrics: ProxyMetrics;
}

/** Which entry the exchange came in by: named in the access line. */
export type EntryName = 'proxy' | 'openai-compat';

export class ExchangeContext {
  readonly startTime = performance.now();
  recording: RecordingHandle | null = null;
  /** Whose error shape the proxy's own errors take; refined as the request is understood. */
  errorFormat: WireFormatId;
  /** Fields the access line carries (domain, path, model, provider, bytes…). */
  readonly log: Record<string, unknown> = {};
  /** Scanner noise: answered, counted, but kept out of the log. */
  quiet = false;
  private status = 0;
  private ttfbMs: number | null = null;
  private sentBytes = 0;
  private error: ProxyError | null = null;
  private proxyAnswered = false;
  private aborted = false;
  private clientLeft = false;
  private finished = false;
  // Made on first use: the `/{domain}/…` entry pipes through undici's handler and never needs it.
  private controller: AbortController | null = null;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly startedAt: number,
    private readonly deps: ExchangeDeps,
    readonly entry: EntryName,
    errorFormat: WireFormatId,
  ) {
    this.errorFormat = errorFormat;
    deps.metrics.requests++;
    deps.metrics.inFlight++;
    response.once('close', () => {
      if (!response.writableFinished) {
        this.clientLeft = true;
        this.aborted = true;
        this.controller?.abort(new Error('client disconnected'));
      }
    });
  }

  /** Aborts when the client leaves (for upstream calls made with fetch-style APIs). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.clientLeft) this.controller.abort(new Error('client disconnected'));
    }
    return this.controller.signal;
  }

  get clientGone(): boolean {
    return this.response.destroyed && !this.response.writableFinished;
  }

  startRecording(start: Omit<ExchangeStart, 'startedAt' | 'method' | 'clientHeaders'>): void {
    if (this.deps.recorder) {
      // The few headers that name the client (capture/detect-client.ts reads them off the hot path).
      const clientHeaders = pickClientHeaders(this.request.headers);
      this.recording = this.deps.recorder.start({ startedAt: this.startedAt, method: this.request.method ?? 'POST', clientHeaders, ...start });
    }
  }

  /** The upstream answered (its headers arrived): the time to first byte. */
  markUpstreamResponse(): void {
    this.ttfbMs ??= performance.now() - this.startTime;
  }

  /** A whole JSON answer, recorded as sent. */
  answerJson(status: number, payload: unknown, extraHeaders: Record<string, string> = {}): void {
    const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
    this.status = status;
    this.recording?.onResponseStart(status, { 'content-type': 'application/json' }, this.ttfbMs ?? performance.now() - this.startTime);
    this.recording?.onChunk(bytes);
    if (this.response.headersSent || this.response.destroyed) return;
    this.sentBytes += bytes.length;
    this.response.writeHead(status, {
      ...SECURITY_HEADERS,
      ...extraHeaders,
      'content-type': 'application/json',
      'content-length': bytes.length,
    });
    this.response.end(bytes);
  }

  beginStream(): void {
    this.status = 200;
    this.log.streamed = true;
    this.recording?.onResponseStart(200, { 'content-type': 'text/event-stream' }, this.ttfbMs ?? performance.now() - this.startTime);
    if (this.response.destroyed) return;
    this.response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    this.response.flushHeaders();
  }

  /** Writes SSE text; resolves once the client can take more (backpressure) or has gone. */
  write(text: string): Promise<void> {
    if (text === '') return Promise.resolve();
    const bytes = Buffer.from(text, 'utf8');
    this.recording?.onChunk(bytes);
    this.sentBytes += bytes.length;
    if (this.response.destroyed || this.response.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  endStream(): void {
    if (!this.response.destroyed) this.response.end();
  }

  /** The upstream broke mid-answer: end the client's response abruptly so its SDK reports it. */
  breakStream(error: ProxyError): void {
    this.error = error;
    this.aborted = true;
    this.response.destroy();
  }

  /** The proxy answers with an error of its own, in `errorFormat`'s shape; not part of the recorded body. */
  refuse(error: ProxyError): void {
    this.error = error;
    if (this.response.headersSent) {
      this.aborted = true;
      this.response.destroy();
      return;
    }
    this.status = error.status;
    this.proxyAnswered = true;
    if (this.response.destroyed) return;
    const body = errorBody(error, this.errorFormat);
    const closeAfter = error.code === 'body_too_large';
    this.response.writeHead(error.status, {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(closeAfter ? { connection: 'close' } : {}),
      ...(retryAfterOf(error) !== undefined ? { 'retry-after': String(retryAfterOf(error)) } : {}),
    });
    this.response.end(body);
    // The unread rest of an oversized body is not buffered: the connection is closed instead.
    if (closeAfter) this.response.once('finish', () => this.response.socket?.destroySoon());
  }

  /** An exchange piped by upstream/forward.ts, which wrote the answer itself. */
  settleForwarded(result: ForwardResult): void {
    this.status = result.status;
    this.log.bytes = result.bytes;
    this.log.streamed = result.streamed;
    this.sentBytes = result.bytes;
    if (result.ttfbMs !== undefined) this.ttfbMs = result.ttfbMs;
    if (result.aborted) this.aborted = true;
    if (result.error && !result.aborted) this.refuse(result.error);
    else if (result.error) this.error = result.error;
  }

  /** Ends the exchange once: metrics, the recording, the access line. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const durationMs = performance.now() - this.startTime;
    // A client that hangs up as soon as it read the terminal event (Codex does) got the whole answer.
    const endedAtTerminal = this.aborted && this.clientLeft && this.recording?.reachedTerminalEvent() === true;
    if (endedAtTerminal) {
      this.aborted = false;
      this.error = null;
      this.log.clientClosedAtEnd = true;
    }
    this.deps.metrics.inFlight--;
    if (this.error) this.deps.metrics.countError(this.error.code);
    this.deps.metrics.observeExchange({
      domain: typeof this.log.domain === 'string' ? this.log.domain : null,
      status: this.aborted && !this.error ? 0 : this.status,
      streamed: this.log.streamed === true,
      durationMs,
      ...(this.ttfbMs !== null ? { ttfbMs: this.ttfbMs } : {}),
      requestBytes: Number(this.request.headers['content-length'] ?? 0) || 0,
      responseBytes: this.sentBytes,
    });
    this.recording?.onEnd({
      durationMs,
      aborted: this.aborted,
      ...(endedAtTerminal ? { endedAtTerminalEvent: true } : {}),
      ...(this.error ? { error: { class: this.error.code, message: this.error.message } } : {}),
      ...(this.proxyAnswered ? { proxyStatus: this.status } : {}),
    });
    if (this.quiet) return;
    const line = {
      ...(this.entry === 'proxy' ? {} : { entry: this.entry }),
      method: this.request.method,
      path: redactQuery(this.request.url ?? ''),
      ...this.log,
      status: this.status,
      ms: Math.round(durationMs),
    };
    const logger = this.deps.logger;
    if (this.error && this.proxyAnswered && this.error.status >= 500 && this.error.code === 'internal_error') logger.error({ ...line, error: this.error.code, reason: this.error.message, err: this.error.cause }, 'proxy error');
    else if (this.error && (this.error.status >= 500 || !this.proxyAnswered)) logger.warn({ ...line, error: this.error.code, reason: this.error.message }, 'proxy request failed');
    else if (this.error) logger.info({ ...line, error: this.error.code, reason: this.error.message }, 'request refused');
    else if (this.aborted) logger.info({ ...line, aborted: true }, 'request aborted by the client');
    else logger.info(line, 'proxied');
  }
}
