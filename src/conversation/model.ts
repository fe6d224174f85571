// The canonical conversation: what every chat wire format is read into, and what every
// training format (ShareGPT, OpenAI messages) is written from. Provider-neutral and lossless
// enough that nothing a trainer needs is dropped: text, images, reasoning, tool calls, tool results.

export type ContentPart =
  | { type: 'text'; text: string }
  /** `url` is a data: URL (base64 bytes) or an http(s) URL, exactly as the provider carried it. */
  | { type: 'image'; url: string; mimeType?: string };

export interface ToolCall {
  /** Provider call id (OpenAI `call_…`, Anthropic `toolu_…`, Gemini's optional id). */
  id?: string;
  name: string;
  /**
   * The arguments as a JSON value (an object when the model behaved). OpenAI sends a JSON string:
   * it is parsed here; when it is not valid JSON, `arguments` is the raw string and
   * `argumentsInvalid` is true, so training can reject the row with a reason instead of guessing.
   */
  arguments: unknown;
  argumentsInvalid?: boolean;
  /**
   * The arguments as compact JSON text with every digit the model produced: `arguments` is a plain
   * JS value, so an integer beyond 2^53 is rounded there. Renderers write this text (formats that
   * take a string) or splice it in (ShareGPT's call JSON). Absent when `argumentsInvalid`.
   */
  argumentsText?: string;
  /** An opaque provider signature that must ride along when the call is sent back (Gemini `thoughtSignature`). */
  signature?: string;
}

export interface ToolResult {
  /** Id of the call this answers (OpenAI `tool_call_id`, Anthropic `tool_use_id`, Gemini id). */
  callId?: string;
  /** Name of the tool (Gemini `functionResponse.name`, OpenAI legacy `function` role). */
  name?: string;
  /** The result reduced to text: strings as they are, objects JSON-serialised, blocks joined. */
  content: string;
  isError?: boolean;
}

export interface UserMessage {
  role: 'user';
  parts: ContentPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  /** Visible text (and rarely images) in source order. */
  parts: ContentPart[];
  /** Reasoning / thinking text as the provider returned it, without any `<think>` wrapping. */
  reasoning?: string;
  /**
   * The reasoning blocks as the provider signed them (Anthropic `thinking` with its `signature`,
   * `redacted_thinking` data): not training data, but what a client must send back in a tool loop.
   */
  reasoningBlocks?: ReasoningBlock[];
  toolCalls: ToolCall[];
}

export type ReasoningBlock =
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string };

/** Tool results, plus user text/images that came in the same provider message after them. */
export interface ToolMessage {
  role: 'tool';
  results: ToolResult[];
  parts: ContentPart[];
}

export type Message = UserMessage | AssistantMessage | ToolMessage;

/** A function tool, normalised to OpenAI's `{name, description, parameters}` (formats.md 1.6). */
export interface ToolSchema {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

export type UnifiedFinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'error'
  | 'other';

/** Why the model stopped: the provider-neutral value, and the provider's own word kept raw (vercel/ai's shape). */
export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's finish/stop reason string as sent; undefined when it sent none (a cut-off stream). */
  raw: string | undefined;
}

/**
 * Token counts as one shape for every provider (vercel/ai `packages/provider` LanguageModelV2Usage):
 * `input.total` counts every prompt token, cached or not (Anthropic's `input_tokens` alone does
 * not); `output.total` counts every generated token, reasoning included. A count the provider did
 * not report is undefined, never 0. `raw` is the provider's usage object as sent.
 */
export interface TokenUsage {
  input: { total?: number; noCache?: number; cacheRead?: number; cacheWrite?: number };
  output: { total?: number; reasoning?: number };
  raw?: unknown;
}

/** The flat token summary stored with each exchange (store columns, UI, reports): see usageSummary(). */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

/** The stored summary of a TokenUsage; undefined when it holds no count at all. */
export function usageSummary(usage: TokenUsage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const summary: Usage = {};
  if (usage.input.total !== undefined) summary.inputTokens = usage.input.total;
  if (usage.output.total !== undefined) summary.outputTokens = usage.output.total;
  if (usage.input.total !== undefined || usage.output.total !== undefined) {
    summary.totalTokens = (usage.input.total ?? 0) + (usage.output.total ?? 0);
  }
  if (usage.output.reasoning !== undefined) summary.reasoningTokens = usage.output.reasoning;
  if (usage.input.cacheRead !== undefined) summary.cachedInputTokens = usage.input.cacheRead;
  return Object.keys(summary).length > 0 ? summary : undefined;
}

/** What a chat request carries: the history the client sent. */
export interface RequestConversation {
  model?: string;
  stream: boolean;
  /** System and developer instructions, joined with "\n\n" (formats.md 5.1). "" when absent. */
  system: string;
  tools: ToolSchema[];
  messages: Message[];
  /** Lossy reads (unknown part types, dropped server tools...) say so here instead of silently. */
  warnings: string[];
}

/** What a chat response carries: the model's final message. */
export interface ModelResponse {
  /** The provider's response id (`msg_…`, Gemini `responseId`, `chatcmpl-…`, `resp_…`). */
  id?: string;
  model?: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  usage?: TokenUsage;
  /** Set when the provider answered with an error body (non-2xx or an error event mid-stream). */
  error?: { type: string; message: string };
  warnings: string[];
}

/** Request history plus the response: the whole conversation as one unit for training. */
export interface Conversation {
  system: string;
  tools: ToolSchema[];
  messages: Message[];
  finishReason?: FinishReason;
  /** False when the stream was cut off or the exchange failed. */
  complete: boolean;
  warnings: string[];
}

export function textOf(parts: readonly ContentPart[], separator = '\n'): string {
  let out = '';
  let first = true;
  for (const part of parts) {
    if (part.type !== 'text') continue;
    out += first ? part.text : separator + part.text;
    first = false;
  }
  return out;
}

/**
 * The visible text of an assistant message. Each text part is one run of text that was contiguous
 * on the wire (adjacent blocks such as Anthropic's citation splits are already one part); runs
 * that other blocks or other output items separated are joined with a blank line, so
 * "…what it's about." and "This Wikipedia page is…" never glue together. Every renderer (ShareGPT,
 * OpenAI messages, the OpenAI-compatible entry) reads assistant text through here.
 */
export function assistantText(parts: readonly ContentPart[]): string {
  return textOf(parts, '\n\n');
}

/**
 * A call's arguments as compact JSON text, every digit as the model produced it (`argumentsText`);
 * arguments that were not valid JSON are the raw string they came as (a validator rejects them).
 */
export function argumentsJsonOf(call: ToolCall): string {
  if (call.argumentsText !== undefined) return call.argumentsText;
  if (typeof call.arguments === 'string' && call.argumentsInvalid === true) return call.arguments;
  return JSON.stringify(call.arguments ?? {});
}

/** `{"name":…,"arguments":{…}}` compact, the arguments spliced in as argumentsJsonOf gives them (valid JSON only). */
export function callJsonOf(call: ToolCall): string {
  const args = call.argumentsInvalid === true ? JSON.stringify(call.arguments) : argumentsJsonOf(call);
  return `{"name":${JSON.stringify(call.name)},"arguments":${args}}`;
}
