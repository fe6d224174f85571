// The Responses API objects the OpenAI-compatible entry answers with when it translated the call:
// the response, its output items and usage, typed so the OpenAI SDK parses exactly these.
// https://platform.openai.com/docs/api-reference/responses/object
import type { ChatCompletionUsage, OpenAiFinishReason } from '../openai-chat-response.js';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed';
  role: 'assistant';
  content: OutputText[];
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed';
  call_id: string;
  name: string;
  arguments: string;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string;
}

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  model: string;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  parallel_tool_calls: boolean;
  tool_choice: unknown;
  tools: unknown[];
}

export function toResponsesUsage(usage: ChatCompletionUsage | undefined | null): ResponsesUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** `length` and `content_filter` end a response as `incomplete`; everything else completes it. */
export function statusOf(finishReason: OpenAiFinishReason | null | undefined): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** What every response of one exchange shares. */
export interface ResponseHeader {
  id: string;
  createdAt: number;
  model: string;
  /** Echoed from the request, as OpenAI does. */
  parallelToolCalls: boolean;
  toolChoice: unknown;
  tools: unknown[];
}

export function emptyResponse(header: ResponseHeader): ResponseObject {
  return {
    id: header.id,
    object: 'response',
    created_at: header.createdAt,
    status: 'in_progress',
    model: header.model,
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
    parallel_tool_calls: header.parallelToolCalls,
    tool_choice: header.toolChoice,
    tools: header.tools,
  };
}
