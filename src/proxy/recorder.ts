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
  /** The request's Content-Encoding: the body is forwarded and handed over as received, decoded on the recording side. */
  requestContentEncoding?: string;
  /** Set by the OpenAI-compatible entry when it translated to another provider. */
  upstreamProvider?: string;
  /** The request headers that name the client (capture/detect-client.ts CLIENT_HEADERS), no credentials. */
  clientHeaders?: Readonly<Record<string, string>>;
}

export interface ExchangeOutcome {
  durationMs: number;
  /** True when the client went away or the upstream broke before the response ended. */
  aborted: boolean;
  error?: { class: string; message: string };
  /** Status the client got when the proxy answered itself (502/504...). */
  proxyStatus?: number;
  /** The client hung up at the stream's terminal event, before the upstream closed: a complete exchange. */
  endedAtTerminalEvent?: boolean;
}

export interface RecordingHandle {
  onResponseStart(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, ttfbMs: number): void;
  onChunk(chunk: Buffer): void;
  onEnd(outcome: ExchangeOutcome): void;
  /**
   * Whether the response received so far holds its wire format's terminal event (chat
   * `finish_reason` (+ the usage chunk when asked) or `[DONE]`, Anthropic `message_stop`, Responses
   * `response.completed`/`incomplete`/`failed`, Gemini's chunk with `finishReason`). Asked only when
   * the client left early, so the work (decoding what arrived) is done only then.
   */
  reachedTerminalEvent(): boolean;
}

export interface Recorder {
  start(exchange: ExchangeStart): RecordingHandle;
}
