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
  toolCalls: ToolCall[];
}

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

export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'error'
  | 'other';

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
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
  model?: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  /** The provider's own finish/stop reason string, kept raw. */
  rawFinishReason?: string;
  usage?: Usage;
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
