// Reassembles `chat.completion.chunk` events into the NON-streaming `chat.completion` body, so a
// streamed exchange is stored (and read by responseToModel) exactly like a non-streamed one.
// Follows what openai-node's ChatCompletionStream accumulates:
//   - content, refusal and reasoning (`reasoning_content`, or `reasoning`) deltas are concatenated;
//     reasoning is always written back as `reasoning_content`;
//   - tool_calls deltas merge by `index` (id/type/name arrive once, arguments in pieces, parallel
//     calls may interleave); a delta without `index` merges by `id`, else into the last call;
//   - choices merge by their `index` (n>1);
//   - the `choices: []` chunk of `stream_options.include_usage` gives `usage` (a `usage` inside a
//     choice, as Moonshot sends it, is lifted to the top);
//   - signed reasoning the OpenAI-compatible entry hands out is kept as the client got it:
//     `thinking_blocks` (sent whole, the latest value replacing the earlier) and a tool call's
//     `extra_content` (Gemini's thought signature, on the call's first delta);
//   - `data: [DONE]` completes the stream; a `{error:{...}}` chunk is reported as `error` and kept
//     on the body, so responseToModel sees it too.
// `content` is null, not "", when no text arrived (what OpenAI's non-stream body has for calls).
// Spec: https://platform.openai.com/docs/api-reference/chat-streaming
import type { AssembledStream, SseEvent, StreamAssembler } from '../wire-format.js';
import { asArray, asNumber, asObject, asString, isObject, parseJsonObject, type JsonObject, stringifyJson } from '../shared/read-json.js';
import { readError } from './response-to-model.js';

interface ToolCallState {
  index: number;
  id?: string;
  type?: string;
  name: string;
  arguments: string;
  extraContent?: JsonObject;
}

interface ChoiceState {
  index: number;
  content: string;
  reasoning: string;
  refusal: string;
  thinkingBlocks?: unknown[];
  toolCalls: ToolCallState[];
  functionCall?: { name: string; arguments: string };
  finishReason: unknown;
  logprobs: unknown[] | undefined;
}

function argumentsPiece(value: unknown): string {
  if (typeof value === 'string') return value;
  // Some gateways send the arguments object whole instead of a JSON string.
  return value === undefined || value === null ? '' : stringifyJson(value);
}

class ChatStreamAssembler implements StreamAssembler {
  private readonly header: JsonObject = {};
  private readonly choices = new Map<number, ChoiceState>();
  private usage: unknown;
  private sawChunk = false;
  private done = false;
  private rawError: JsonObject | undefined;

  push(event: SseEvent): void {
    const data = event.data.trim();
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    // A non-JSON line (keep-alive comment text, a proxy banner): nothing to assemble.
    const parsed = parseJsonObject(data);
    if (!parsed) return;
    if (isObject(parsed.error)) {
      this.rawError = parsed.error;
      return;
    }
    if (event.event === 'error') {
      this.rawError = parsed;
      return;
    }
    this.pushChunk(parsed);
  }

  private pushChunk(chunk: JsonObject): void {
    this.sawChunk = true;
    for (const key of ['id', 'created', 'model', 'system_fingerprint', 'service_tier'] as const) {
      if (chunk[key] !== undefined && chunk[key] !== null) this.header[key] = chunk[key];
    }
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    for (const raw of asArray(chunk.choices)) {
      const delta = asObject(raw);
      const index = asNumber(delta.index) ?? 0;
      const choice = this.choiceAt(index);
      if (delta.finish_reason !== undefined && delta.finish_reason !== null) {
        choice.finishReason = delta.finish_reason;
      }
      if (isObject(delta.usage)) this.usage = delta.usage;
      const logprobs = asObject(delta.logprobs).content;
      if (Array.isArray(logprobs)) (choice.logprobs ??= []).push(...(logprobs as unknown[]));
      this.pushDelta(choice, asObject(delta.delta));
    }
  }

  private choiceAt(index: number): ChoiceState {
    let choice = this.choices.get(index);
    if (!choice) {
      choice = {
        index,
        content: '',
        reasoning: '',
        refusal: '',
        toolCalls: [],
        finishReason: null,
        logprobs: undefined,
      };
      this.choices.set(index, choice);
    }
    return choice;
  }

  private pushDelta(choice: ChoiceState, delta: JsonObject): void {
    choice.content += asString(delta.content) ?? '';
    choice.reasoning += asString(delta.reasoning_content) ?? asString(delta.reasoning) ?? '';
    choice.refusal += asString(delta.refusal) ?? '';
    if (Array.isArray(delta.thinking_blocks) && delta.thinking_blocks.length > 0) choice.thinkingBlocks = delta.thinking_blocks;
    for (const raw of asArray(delta.tool_calls)) this.pushToolCallDelta(choice, asObject(raw));
    if (isObject(delta.function_call)) {
      const call = (choice.functionCall ??= { name: '', arguments: '' });
      const name = asString(delta.function_call.name);
      if (name && !call.name) call.name = name;
      call.arguments += argumentsPiece(delta.function_call.arguments);
    }
  }

  private pushToolCallDelta(choice: ChoiceState, delta: JsonObject): void {
    const index = asNumber(delta.index);
    const id = asString(delta.id) || undefined;
    let call =
      index !== undefined
        ? choice.toolCalls.find((candidate) => candidate.index === index)
        : id !== undefined
          ? choice.toolCalls.find((candidate) => candidate.id === id)
          : choice.toolCalls[choice.toolCalls.length - 1];
    if (!call) {
      const nextIndex = choice.toolCalls.reduce((max, candidate) => Math.max(max, candidate.index + 1), 0);
      call = { index: index ?? nextIndex, name: '', arguments: '' };
      choice.toolCalls.push(call);
    }
    if (id !== undefined && call.id === undefined) call.id = id;
    const type = asString(delta.type);
    if (type && call.type === undefined) call.type = type;
    if (isObject(delta.extra_content)) call.extraContent = { ...call.extraContent, ...delta.extra_content };
    const fn = asObject(delta.function);
    // Names arrive once; a few providers repeat them on every delta, so they are never concatenated.
    const name = asString(fn.name);
    if (name && !call.name) call.name = name;
    call.arguments += argumentsPiece(fn.arguments);
  }

  finish(): AssembledStream {
    const assembled: AssembledStream = { response: this.buildResponse(), complete: this.done };
    if (this.rawError) assembled.error = readError(this.rawError);
    return assembled;
  }

  private buildResponse(): JsonObject {
    if (!this.sawChunk && this.rawError) return { error: this.rawError };
    const response: JsonObject = {};
    if (this.header.id !== undefined) response.id = this.header.id;
    response.object = 'chat.completion';
    if (this.header.created !== undefined) response.created = this.header.created;
    if (this.header.model !== undefined) response.model = this.header.model;
    if (this.header.system_fingerprint !== undefined) {
      response.system_fingerprint = this.header.system_fingerprint;
    }
    if (this.header.service_tier !== undefined) response.service_tier = this.header.service_tier;
    response.choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((choice) => buildChoice(choice));
    if (this.usage !== undefined) response.usage = this.usage;
    if (this.rawError) response.error = this.rawError;
    return response;
  }
}

function buildChoice(choice: ChoiceState): JsonObject {
  const message: JsonObject = { role: 'assistant', content: choice.content === '' ? null : choice.content };
  if (choice.reasoning !== '') message.reasoning_content = choice.reasoning;
  if (choice.thinkingBlocks) message.thinking_blocks = choice.thinkingBlocks;
  if (choice.toolCalls.length > 0) {
    message.tool_calls = [...choice.toolCalls]
      .sort((a, b) => a.index - b.index)
      .map((call) => ({
        ...(call.id !== undefined ? { id: call.id } : {}),
        type: call.type ?? 'function',
        function: { name: call.name, arguments: call.arguments },
        ...(call.extraContent ? { extra_content: call.extraContent } : {}),
      }));
  }
  if (choice.functionCall) message.function_call = { ...choice.functionCall };
  message.refusal = choice.refusal === '' ? null : choice.refusal;
  return {
    index: choice.index,
    message,
    logprobs: choice.logprobs ? { content: choice.logprobs, refusal: null } : null,
    finish_reason: choice.finishReason,
  };
}

export function createChatStreamAssembler(): StreamAssembler {
  return new ChatStreamAssembler();
}
