// What the hot path tells the recording side. The proxy hands over references to the bytes it
// already has (request body, response chunks) and returns at once: all parsing happens later.

export interface ExchangeStart {
  startedAt: number;
  /** Lower-cased host[:port]. */
  domain: string;
  method: string;
  /** Path and query after the domain segment, exactly as received (secrets removed later). */
  pathAndQuery: string;
  requestBody: Buffer;
  requestContentType: string | undefined;
  /** Set by the OpenAI-compatible entry when it translated to another provider. */
  upstreamProvider?: string;
}

export interface ExchangeOutcome {
  durationMs: number;
  /** True when the client went away or the upstream broke before the response ended. */
  aborted: boolean;
  error?: { class: string; message: string };
  /** Status the client got when the proxy answered itself (502/504...). */
  proxyStatus?: number;
}

export interface RecordingHandle {
  onResponseStart(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, ttfbMs: number): void;
  onChunk(chunk: Buffer): void;
  onEnd(outcome: ExchangeOutcome): void;
}

export interface Recorder {
  start(exchange: ExchangeStart): RecordingHandle;
}
