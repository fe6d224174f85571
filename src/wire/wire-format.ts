// The one interface every chat wire format implements. The proxy and the capture pipeline only
// ever call these functions; they never switch on a provider name (see registry.ts for the list).
import type { ModelResponse, RequestConversation, TokenUsage } from '../conversation/model.js';
import type { StreamListener } from '../conversation/stream-part.js';

export type WireFormatId =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'gemini';

/** One decoded server-sent event. `event` is the SSE `event:` field when present. */
export interface SseEvent {
  event?: string;
  data: string;
}

export interface AssembledStream {
  /** The final message in the same provider's NON-streaming response shape (parsed JSON). */
  response: unknown;
  /** False when the stream ended without its terminal event ([DONE], message_stop, finishReason...). */
  complete: boolean;
  /** An error event seen mid-stream (Anthropic `error`, OpenAI `{error:...}` chunk). */
  error?: { type: string; message: string };
}

/**
 * A typed state machine fed one event at a time. `finish()` may be called at any point, also
 * after an abort: it returns what arrived, marked incomplete when the terminal event is missing.
 * Pure: no clock, no randomness, no I/O.
 */
export interface StreamAssembler {
  push(event: SseEvent): void;
  finish(): AssembledStream;
}

/** What the proxy says when it refuses a request itself (errors.ts renders it in the format's shape). */
export interface ProxyErrorFacts {
  status: number;
  /** The proxy's error code (errors.ts), e.g. `domain_not_allowed`. */
  code: string;
  message: string;
}

export interface WireFormat {
  id: WireFormatId;
  /** True when this (method, path) is a chat call in this format. `path` has no query string. */
  matchesPath(method: string, path: string): boolean;
  /** Whether the request asks for a stream (body flag, or path such as `:streamGenerateContent`). */
  isStreamRequest(path: string, body: unknown): boolean;
  modelOf(path: string, body: unknown): string | undefined;
  requestToConversation(body: unknown, path: string): RequestConversation;
  /** A non-streaming response body (or an assembled stream's `response`) to the canonical model. */
  responseToModel(body: unknown): ModelResponse;
  usageOf(body: unknown): TokenUsage | undefined;
  /**
   * A fresh assembler. With a listener, it also tells each event's meaning as canonical stream
   * parts while it assembles (what the OpenAI-compatible entry re-encodes); without one it only
   * assembles (the recording), at no extra cost. The formats the OpenAI-compatible entry translates
   * from (anthropic-messages, gemini) tell parts; openai-chat and openai-responses accept the
   * listener and tell nothing yet (no translator reads them).
   */
  createStreamAssembler(listener?: StreamListener): StreamAssembler;
  /**
   * A predicate that is true for the event that ends a stream of this format (chat's last
   * finish_reason chunk or [DONE], message_stop, response.completed, Gemini's finishReason chunk).
   * The request body matters where the terminal event depends on it (a usage chunk asked for).
   */
  createTerminalWatch(requestBody: unknown): (event: SseEvent) => boolean;
  /** The format's own error body for an error the proxy answers itself, so the client's SDK parses it. */
  errorBody(error: ProxyErrorFacts): unknown;
  /**
   * Framing other than SSE: true when a response to this path that is not `text/event-stream` is
   * still a stream, sent as one JSON array in pieces (Gemini's `:streamGenerateContent` without
   * `?alt=sse`). Absent: only SSE streams.
   */
  isJsonArrayStream?(path: string): boolean;
}
