// The one interface each translated provider implements (Portkey-style: adding a provider is one
// folder plus one line in registry.ts). Everything here is pure: the proxy side does the I/O and
// passes `now` and `generateId` in, so replaying a fixture always gives the same output.
import type { AuthType } from '../config/defaults.js';
import type { SseEvent } from '../wire/wire-format.js';
import type { ChatRequest, EmbeddingsRequest } from './openai-chat-request.js';
import type { ChatCompletion, EmbeddingsResponse, ModelEntry, OpenAiErrorBody, OpenAiStreamEvent } from './openai-chat-response.js';

export interface TranslationContext {
  /** The model the client asked for; answered when the upstream names none. */
  model: string;
  /** `stream_options.include_usage`: a usage chunk before `[DONE]`, and `usage: null` on every other chunk. */
  includeUsage: boolean;
  /** Epoch milliseconds of the request (the `created` of every answer). */
  now: number;
  /** A fresh random-looking id (tool call ids, completion ids when the upstream gives none). */
  generateId: () => string;
  /** Anthropic JSON mode: the forced tool whose input is the reply (see anthropic/chat-request-to-anthropic.ts). */
  jsonToolName?: string;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path and query on the route's domain. */
  path: string;
  /** JSON body (POST). */
  body?: unknown;
  /** Parameters that could not be translated or were approximated: logged, never dropped silently. */
  warnings: string[];
}

export interface TranslatedChatRequest extends UpstreamRequest {
  jsonToolName?: string;
}

/** A request the provider cannot serve at all (e.g. token-array embeddings input): answered 400. */
export class UntranslatableRequest extends Error {
  override name = 'UntranslatableRequest';
}

/** A typed state machine fed one upstream SSE event at a time (wire-format StreamAssembler's sibling). */
export interface ChatStreamTranslator {
  push(event: SseEvent): OpenAiStreamEvent[];
  /**
   * The upstream stream ended. `complete` is false when its terminal event never came (cut off):
   * the caller then breaks the client's stream instead of sending `[DONE]`. After an error event,
   * `events` is empty (the error ended the stream).
   */
  finish(): { events: OpenAiStreamEvent[]; complete: boolean; warnings: string[] };
}

export interface ChatTranslator {
  /** How `Authorization: Bearer KEY` is converted for this upstream (proxy/auth/convert-auth.ts). */
  authType: AuthType;
  chatRequest(request: ChatRequest): TranslatedChatRequest;
  /** `body` is the parsed JSON, or the body text (then parsed keeping long integers in tool arguments exact). */
  chatResponse(body: unknown, context: TranslationContext): { completion: ChatCompletion; warnings: string[] };
  createStreamTranslator(context: TranslationContext): ChatStreamTranslator;
  /** An upstream error body (any status) → OpenAI's error shape; the caller keeps the status. */
  errorBody(status: number, bodyText: string): OpenAiErrorBody;
  modelsRequest(): UpstreamRequest;
  modelsResponse(body: unknown): ModelEntry[];
  /** Absent when the provider has no embeddings API. */
  embeddingsRequest?(request: EmbeddingsRequest): UpstreamRequest;
  embeddingsResponse?(body: unknown, request: EmbeddingsRequest): EmbeddingsResponse;
}
