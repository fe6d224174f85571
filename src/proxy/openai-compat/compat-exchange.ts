// One request to the OpenAI-compatible entry: answers the client (JSON or SSE, with backpressure),
// feeds the recorder exactly the bytes the client gets, notices the client leaving (the `signal`
// aborts the upstream call), and at the end writes one access log line and closes the recording.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorBody, type ProxyError } from '../../errors.js';
import { redactQuery } from '../../log/redact-secrets.js';
import type { ProxyMetrics } from '../metrics.js';
import type { ExchangeStart, Recorder, RecordingHandle } from '../recorder.js';
import { SECURITY_HEADERS } from '../security-headers.js';

export class CompatExchange {
  readonly startTime = performance.now();
  readonly signal: AbortSignal;
  recording: RecordingHandle | null = null;
  /** What the access log line says about the exchange. */
  readonly log: Record<string, unknown> = {};
  private status = 0;
  private ttfbMs: number | null = null;
  private sentBytes = 0;
  private error: ProxyError | null = null;
  private proxyAnswered = false;
  private aborted = false;
  private readonly controller = new AbortController();

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly startedAt: number,
    private readonly recorder: Recorder | null,
    private readonly logger: Logger,
    private readonly metrics: ProxyMetrics,
  ) {
    this.signal = this.controller.signal;
    response.once('close', () => {
      if (!response.writableFinished) {
        this.aborted = true;
        this.controller.abort(new Error('client disconnected'));
      }
    });
  }

  get clientGone(): boolean {
    return this.response.destroyed && !this.response.writableFinished;
  }

  startRecording(start: Omit<ExchangeStart, 'startedAt' | 'method'>): void {
    if (this.recorder) this.recording = this.recorder.start({ startedAt: this.startedAt, method: this.request.method ?? 'POST', ...start });
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

  /** The proxy answers with an error of its own (OpenAI shape); not part of the recorded body. */
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
    const body = errorBody(error, 'openai');
    const closeAfter = error.code === 'body_too_large';
    this.response.writeHead(error.status, {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(closeAfter ? { connection: 'close' } : {}),
    });
    this.response.end(body);
    // The unread rest of an oversized body is not buffered: the connection is closed instead.
    if (closeAfter) this.response.once('finish', () => this.response.socket?.destroySoon());
  }

  /** For pass-through exchanges piped by upstream/forward.ts, which wrote the answer itself. */
  settlePassThrough(result: { status: number; aborted: boolean; error?: ProxyError; streamed: boolean }): void {
    this.status = result.status;
    this.log.streamed = result.streamed;
    if (result.aborted) this.aborted = true;
    if (result.error && !result.aborted) this.refuse(result.error);
    else if (result.error) this.error = result.error;
  }

  finish(): void {
    const durationMs = performance.now() - this.startTime;
    if (this.error) this.metrics.countError(this.error.code);
    this.metrics.observeExchange({
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
      ...(this.error ? { error: { class: this.error.code, message: this.error.message } } : {}),
      ...(this.proxyAnswered ? { proxyStatus: this.status } : {}),
    });
    const line = { method: this.request.method, path: redactQuery(this.request.url ?? ''), status: this.status, ms: Math.round(durationMs), ...this.log };
    if (this.error && this.error.status >= 500) this.logger.warn({ ...line, error: this.error.code, reason: this.error.message }, 'openai-compat request failed');
    else if (this.error) this.logger.info({ ...line, error: this.error.code, reason: this.error.message }, 'openai-compat request refused');
    else if (this.aborted) this.logger.info({ ...line, aborted: true }, 'openai-compat request aborted by the client');
    else this.logger.info(line, 'openai-compat');
  }
}
