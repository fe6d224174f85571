// What the OpenAI-compatible entry answers: OpenAI's chat completion, chunk, error, embeddings and
// model-list shapes, typed so every translator writes exactly what the OpenAI SDK parses.
// Shapes: https://platform.openai.com/docs/api-reference/chat/object
//         https://platform.openai.com/docs/api-reference/chat-streaming/streaming
import type { ThinkingBlock } from './openai-chat-request.js';

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ResponseToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlock[];
  tool_calls?: ResponseToolCall[];
}

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: ChatCompletionMessage; logprobs: null; finish_reason: OpenAiFinishReason }>;
  usage?: ChatCompletionUsage;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlock[];
  tool_calls?: ChunkToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChunkDelta; logprobs: null; finish_reason: OpenAiFinishReason | null }>;
  /** Present (null, or the totals on the last chunk) only when `stream_options.include_usage`. */
  usage?: ChatCompletionUsage | null;
}

export interface OpenAiErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export interface OpenAiErrorBody {
  error: OpenAiErrorObject;
}

/** One event of the translated stream: a chunk, an error (ends the stream), or the `[DONE]` sentinel. */
export type OpenAiStreamEvent = ChatCompletionChunk | OpenAiErrorBody | '[DONE]';

export interface EmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** `data: {json}\n\n` per event; the SSE framing the OpenAI SDK reads. */
export function encodeStreamEvents(events: readonly OpenAiStreamEvent[]): string {
  let text = '';
  for (const event of events) text += `data: ${event === '[DONE]' ? event : JSON.stringify(event)}\n\n`;
  return text;
}
