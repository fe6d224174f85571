// The canonical reading of a provider's answer (wire/<format>/, conversation/model.ts) → OpenAI's
// chat completion shapes: the one mapping of finish reasons, usage and messages the
// OpenAI-compatible entry answers with, whatever the provider. The provider facts themselves
// (stop reasons, usage fields, block types) are read only in wire/.
import { argumentsJsonOf, assistantText, type FinishReason, type ModelResponse, type ToolCall, type TokenUsage } from '../../conversation/model.js';
import type { ChatCompletion, ChatCompletionMessage, ChatCompletionUsage, OpenAiFinishReason, ResponseToolCall } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';

/** How one translator differs in what it answers (not in what it reads). */
export interface AnswerOptions {
  /** Keep the provider's call ids (Anthropic `toolu_…` come back as tool_call_id); else `call_<generated>`. */
  keepCallIds: boolean;
  /** The `extra_content` a call's provider signature rides in (Gemini: `{google: {thought_signature}}`). */
  signatureContent?: (signature: string) => ResponseToolCall['extra_content'];
}

/**
 * unified → OpenAI's word. OpenAI has none for `other` / `error` (pause_turn, MALFORMED_FUNCTION_CALL…):
 * the turn ended, so `stop`, or `tool_calls` when calls were made, and the raw word goes to the
 * warnings. With only Anthropic's JSON-mode tool called, `tool_calls` is a plain `stop`.
 */
export function finishReasonToOpenAi(finish: FinishReason, hasToolCalls: boolean): { finishReason: OpenAiFinishReason; unusual: boolean } {
  switch (finish.unified) {
    case 'length':
      return { finishReason: 'length', unusual: false };
    case 'content_filter':
      return { finishReason: 'content_filter', unusual: false };
    case 'stop':
    case 'tool_calls':
      return { finishReason: hasToolCalls ? 'tool_calls' : 'stop', unusual: false };
    default:
      return { finishReason: hasToolCalls ? 'tool_calls' : 'stop', unusual: true };
  }
}

export function unusualFinishWarning(finish: FinishReason, answered: OpenAiFinishReason): string {
  return `finish reason ${finish.raw ?? 'none'} answered as "${answered}"`;
}

/** prompt_tokens counts every prompt token, cached or not (TokenUsage.input.total), like OpenAI's own. */
export function usageToOpenAi(usage: TokenUsage | undefined): ChatCompletionUsage | undefined {
  if (usage === undefined) return undefined;
  const prompt = usage.input.total ?? 0;
  const completion = usage.output.total ?? 0;
  const result: ChatCompletionUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (usage.input.cacheRead !== undefined) result.prompt_tokens_details = { cached_tokens: usage.input.cacheRead };
  if (usage.output.reasoning !== undefined) result.completion_tokens_details = { reasoning_tokens: usage.output.reasoning };
  return result;
}

export const EMPTY_USAGE: ChatCompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export function toolCallToOpenAi(call: ToolCall, context: TranslationContext, options: AnswerOptions): ResponseToolCall {
  const id = options.keepCallIds && call.id !== undefined && call.id !== '' ? call.id : `call_${context.generateId()}`;
  const result: ResponseToolCall = { id, type: 'function', function: { name: call.name, arguments: argumentsJsonOf(call) } };
  const extra = call.signature !== undefined ? options.signatureContent?.(call.signature) : undefined;
  if (extra !== undefined) result.extra_content = extra;
  return result;
}

/** One canonical answer as an OpenAI message and finish reason. */
export function modelToChoice(
  model: ModelResponse,
  context: TranslationContext,
  options: AnswerOptions,
  warnings: string[],
): { message: ChatCompletionMessage; finishReason: OpenAiFinishReason } {
  let text = assistantText(model.message.parts);
  const toolCalls: ResponseToolCall[] = [];
  for (const call of model.message.toolCalls) {
    // Anthropic JSON mode: the forced tool's input is the reply (chat-request-to-anthropic.ts).
    if (context.jsonToolName !== undefined && call.name === context.jsonToolName) text += argumentsJsonOf(call);
    else toolCalls.push(toolCallToOpenAi(call, context, options));
  }
  const message: ChatCompletionMessage = { role: 'assistant', content: text === '' ? null : text, refusal: null };
  if (model.message.reasoning !== undefined && model.message.reasoning !== '') message.reasoning_content = model.message.reasoning;
  if (model.message.reasoningBlocks !== undefined && model.message.reasoningBlocks.length > 0) {
    message.thinking_blocks = model.message.reasoningBlocks.map((block) => ({ ...block }));
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const { finishReason, unusual } = finishReasonToOpenAi(model.finishReason, toolCalls.length > 0);
  if (unusual) warnings.push(unusualFinishWarning(model.finishReason, finishReason));
  return { message, finishReason };
}

/** Canonical answers (one per choice) → `chat.completion`. */
export function modelsToCompletion(
  choices: ReadonlyArray<{ index: number; model: ModelResponse }>,
  context: TranslationContext,
  options: AnswerOptions,
): { completion: ChatCompletion; warnings: string[] } {
  const first = choices[0]?.model;
  const warnings = [...(first?.warnings ?? [])];
  const completion: ChatCompletion = {
    id: `chatcmpl-${first?.id ?? context.generateId()}`,
    object: 'chat.completion',
    created: Math.floor(context.now / 1000),
    model: first?.model ?? context.model,
    choices: choices.map(({ index, model }) => {
      const { message, finishReason } = modelToChoice(model, context, options, warnings);
      return { index, message, logprobs: null, finish_reason: finishReason };
    }),
  };
  const usage = usageToOpenAi(first?.usage);
  if (usage) completion.usage = usage;
  return { completion, warnings };
}
