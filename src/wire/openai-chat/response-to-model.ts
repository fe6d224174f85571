// A chat completion body (non-streaming, or the `response` of an assembled stream) → the
// canonical ModelResponse. Reads choices[0] only; more choices (n>1) are noted in warnings.
// A refusal (`message.refusal`) is the model's answer, so it is kept as the reply text, with a
// warning, unless the message also has content. An error body `{error:{...}}` gives
// finishReason 'error', the `error`, and whatever message came with it (empty for a plain error body).
// Wire shape: https://platform.openai.com/docs/api-reference/chat/object
import type { AssistantMessage, ModelResponse } from '../../conversation/model.js';
import { asArray, asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { mergeAdjacentText } from '../shared/assistant-text.js';
import { mapFinishReason } from './map-finish-reason.js';
import { readContentParts } from './read-content.js';
import { readReasoning, readToolCalls } from './read-tool-calls.js';
import { usageOf } from './usage-of.js';

export function readError(raw: JsonObject): { type: string; message: string } {
  const code = raw.code;
  const type =
    asString(raw.type) ??
    (typeof code === 'string' || typeof code === 'number' ? String(code) : undefined) ??
    'error';
  return { type, message: asString(raw.message) ?? '' };
}

function readAssistant(message: JsonObject, warnings: string[]): AssistantMessage {
  const read = readContentParts(message.content, 'choices[0].message');
  const calls = readToolCalls(message, 'choices[0].message');
  warnings.push(...read.warnings, ...calls.warnings);
  const refusal = asString(message.refusal);
  if (refusal !== undefined && refusal !== '') {
    if (read.parts.length === 0) {
      read.parts.push({ type: 'text', text: refusal });
      warnings.push('the model refused; the refusal is kept as the reply text');
    } else {
      warnings.push('the model returned a refusal next to content; the refusal was dropped');
    }
  }
  // One message's content parts are contiguous text: one run (conversation/model.ts assistantText).
  const assistant: AssistantMessage = { role: 'assistant', parts: mergeAdjacentText(read.parts), toolCalls: calls.toolCalls };
  const reasoning = readReasoning(message);
  if (reasoning !== undefined) assistant.reasoning = reasoning;
  return assistant;
}

export function responseToModel(body: unknown): ModelResponse {
  const response = asObject(body);
  const warnings: string[] = [];
  const choices = asArray(response.choices);
  if (choices.length > 1) warnings.push(`${choices.length} choices returned; only choices[0] is read`);
  const choice = choices.length > 0 ? asObject(choices[0]) : undefined;
  const error = isObject(response.error) ? readError(response.error) : undefined;
  if (!choice && !error) warnings.push('response has no choices');

  const message: AssistantMessage = choice
    ? readAssistant(asObject(choice.message), warnings)
    : { role: 'assistant', parts: [], toolCalls: [] };
  const rawFinishReason = choice ? asString(choice.finish_reason) : undefined;

  const result: ModelResponse = {
    message,
    finishReason: error ? { unified: 'error', raw: rawFinishReason } : mapFinishReason(rawFinishReason),
    warnings,
  };
  const id = asString(response.id);
  if (id !== undefined) result.id = id;
  const model = asString(response.model);
  if (model !== undefined) result.model = model;
  const usage = usageOf(response);
  if (usage !== undefined) result.usage = usage;
  if (error) result.error = error;
  return result;
}
