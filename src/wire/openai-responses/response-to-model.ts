// A Responses API response object (non-streaming, or an assembled stream's `response`) → the
// canonical ModelResponse. All `output` items make one assistant message: `message` items give
// text parts (a refusal is kept as text, with a warning), `function_call` items give calls,
// `reasoning` items give reasoning (summary texts joined with "\n\n"). Built-in tool items
// (web_search_call...) are noted in warnings. An error body `{error:{...}}`, a failed response,
// or an `error` kept by the stream assembler give finishReason 'error' and `error`.
// The raw finish reason is `incomplete_details.reason` for an incomplete response, else `status`.
// https://platform.openai.com/docs/api-reference/responses/object
import type { AssistantMessage, ModelResponse } from '../../conversation/model.js';
import { asArray, asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { mergeAdjacentText } from '../shared/assistant-text.js';
import { mapFinishReason } from './map-finish-reason.js';
import { readFunctionCall } from './read-function-call.js';
import { readContentParts } from './read-content.js';
import { reasoningTexts } from './read-reasoning.js';
import { usageOf } from './usage-of.js';

/** `{type, code, message}` (error body, `error` event) or `{code, message}` (failed response). */
export function readError(raw: JsonObject): { type: string; message: string } {
  const code = raw.code;
  const type =
    asString(raw.type) ??
    (typeof code === 'string' || typeof code === 'number' ? String(code) : undefined) ??
    'error';
  return { type, message: asString(raw.message) ?? '' };
}

function readOutput(output: unknown[], warnings: string[]): AssistantMessage {
  const message: AssistantMessage = { role: 'assistant', parts: [], toolCalls: [] };
  const reasoning: string[] = [];
  for (const [position, raw] of output.entries()) {
    const item = asObject(raw);
    const type = asString(item.type);
    const where = `output[${position}]`;
    if (type === 'message') {
      const content = asArray(item.content);
      if (content.some((part) => asObject(part).type === 'refusal')) {
        warnings.push(`${where}: the model refused; the refusal is kept as the reply text`);
      }
      const read = readContentParts(content, where);
      warnings.push(...read.warnings);
      // One item's parts are one run; another item (commentary, then the final answer) starts a new one.
      message.parts.push(...mergeAdjacentText(read.parts));
    } else if (type === 'function_call') {
      const call = readFunctionCall(item);
      if (call) message.toolCalls.push(call);
      else warnings.push(`${where}: function_call without a name dropped`);
    } else if (type === 'reasoning') {
      reasoning.push(...reasoningTexts(item));
    } else {
      warnings.push(`${where}: output item of type "${type ?? 'unknown'}" not represented`);
    }
  }
  if (reasoning.length > 0) message.reasoning = reasoning.join('\n\n');
  return message;
}

export function responseToModel(body: unknown): ModelResponse {
  const response = asObject(body);
  const warnings: string[] = [];
  const message = readOutput(asArray(response.output), warnings);
  const status = asString(response.status);
  const incompleteReason = asString(asObject(response.incomplete_details).reason);
  const error = isObject(response.error) ? readError(response.error) : undefined;

  const finishReason = mapFinishReason(status, incompleteReason, message.toolCalls.length > 0);
  const result: ModelResponse = {
    message,
    finishReason: error ? { unified: 'error', raw: finishReason.raw } : finishReason,
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
