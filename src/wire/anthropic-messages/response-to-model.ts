// An Anthropic Message (non-streaming body, or an assembled stream's `response`) to the canonical
// ModelResponse. An error body `{type:'error', error:{type, message}}` becomes `error` with
// finishReason 'error'. https://docs.anthropic.com/en/api/messages, /en/api/errors
import type { ModelResponse } from '../../conversation/model.js';
import { asObject, asString, isObject } from '../shared/read-json.js';
import { assistantContentToMessage } from './assistant-content-to-message.js';
import { convertUsage } from './convert-usage.js';
import { mapFinishReason } from './map-finish-reason.js';

export function responseToModel(body: unknown): ModelResponse {
  const warnings: string[] = [];
  if (!isObject(body)) warnings.push('response body is not a JSON object');
  const response = asObject(body);
  const model = asString(response.model);

  if (response.type === 'error' || (isObject(response.error) && response.content === undefined)) {
    const error = asObject(response.error);
    return {
      ...(model !== undefined ? { model } : {}),
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: { unified: 'error', raw: undefined },
      error: { type: asString(error.type) ?? 'error', message: asString(error.message) ?? '' },
      warnings,
    };
  }

  const message = assistantContentToMessage(response.content, warnings, 'response');
  const usage = convertUsage(response.usage);
  const id = asString(response.id);
  return {
    ...(id !== undefined ? { id } : {}),
    ...(model !== undefined ? { model } : {}),
    message,
    finishReason: mapFinishReason(asString(response.stop_reason)),
    ...(usage !== undefined ? { usage } : {}),
    warnings,
  };
}
