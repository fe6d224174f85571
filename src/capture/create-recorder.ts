// The Recorder the proxy calls: on the hot path it only keeps references to the chunks it is
// handed; when the exchange ends, the raw exchange goes to the sink (the recording worker, or
// an inline processor) on a later turn of the event loop.
import { redactQuery } from '../log/redact-secrets.js';
import type { ExchangeOutcome, ExchangeStart, Recorder, RecordingHandle } from '../proxy/recorder.js';
import type { RawExchange } from './process-exchange.js';
import { reachedTerminalEvent } from './reached-terminal-event.js';
import { unwrapCodeAssistExchange } from './unwrap-code-assist-exchange.js';
import { decodeRequestBody } from './decode-request-body.js';

export interface RecorderOptions {
  /** Receives each ended exchange's raw bytes and metadata. */
  sink: (raw: RawExchange) => void;
  /** Responses above this many bytes are recorded truncated and flagged; the client gets all of it. */
  maxResponseBytes?: number;
  onError?: (error: unknown) => void;
}

export interface CaptureRecorder extends Recorder {
  /** Exchanges ended but not yet handed to the sink. */
  pending(): number;
  /** Resolves once every ended exchange has been handed to the sink. */
  drain(): Promise<void>;
}

export function createRecorder(options: RecorderOptions): CaptureRecorder {
  const maxBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
  let pending = 0;
  let waiters: Array<() => void> = [];

  const settle = () => {
    pending--;
    if (pending === 0) {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    }
  };

  class Handle implements RecordingHandle {
    private status = 0;
    private contentType: string | undefined;
    private contentEncoding: string | undefined;
    private ttfbMs: number | null = null;
    private readonly chunks: Buffer[] = [];
    private bytes = 0;
    private truncated = false;

    constructor(private readonly start: ExchangeStart) {}

    onResponseStart(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, ttfbMs: number): void {
      this.status = status;
      const type = headers['content-type'];
      const encoding = headers['content-encoding'];
      this.contentType = Array.isArray(type) ? type[0] : type;
      this.contentEncoding = Array.isArray(encoding) ? encoding[0] : encoding;
      this.ttfbMs = ttfbMs;
    }

    onChunk(chunk: Buffer): void {
      if (this.truncated) return;
      if (this.bytes + chunk.length > maxBytes) {
        this.truncated = true;
        return;
      }
      this.bytes += chunk.length;
      this.chunks.push(chunk);
    }

    reachedTerminalEvent(): boolean {
      return reachedTerminalEvent({
        method: this.start.method,
        pathAndQuery: this.start.pathAndQuery,
        requestBody: this.start.requestContentEncoding === undefined ? this.start.requestBody : decodedOrEmpty(this.start.requestBody, this.start.requestContentEncoding),
        contentType: this.contentType,
        chunks: this.chunks,
      });
    }

    onEnd(outcome: ExchangeOutcome): void {
      const raw: RawExchange = {
        startedAt: this.start.startedAt,
        domain: this.start.domain,
        method: this.start.method,
        // Before the exchange is queued (worker message, spool, capture log): no credential in a URL gets past here.
        pathAndQuery: redactQuery(this.start.pathAndQuery),
        requestBody: this.start.requestBody,
        ...(this.start.requestContentEncoding ? { requestContentEncoding: this.start.requestContentEncoding } : {}),
        ...(this.start.upstreamProvider ? { upstreamProvider: this.start.upstreamProvider } : {}),
        ...(this.start.clientHeaders ? { clientHeaders: this.start.clientHeaders } : {}),
        status: outcome.proxyStatus ?? this.status,
        responseContentType: this.contentType,
        responseContentEncoding: this.contentEncoding,
        responseChunks: this.chunks,
        responseTruncated: this.truncated,
        ttfbMs: this.ttfbMs,
        durationMs: outcome.durationMs,
        aborted: outcome.aborted,
        ...(outcome.endedAtTerminalEvent ? { endedAtTerminalEvent: true } : {}),
        error: outcome.error ?? null,
      };
      pending++;
      setImmediate(() => {
        try {
          options.sink(unwrapCodeAssistExchange(raw));
        } catch (error) {
          options.onError?.(error);
        } finally {
          settle();
        }
      });
    }
  }

  return {
    start(exchange) {
      return new Handle(exchange);
    },
    pending: () => pending,
    drain() {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** A compressed request read for the terminal-event check only (asked when the client left early). */
function decodedOrEmpty(body: Buffer, encoding: string): Buffer {
  const decoded = decodeRequestBody(body, encoding);
  return decoded.ok ? decoded.body : Buffer.alloc(0);
}
