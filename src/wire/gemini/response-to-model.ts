// A GenerateContentResponse (non-streaming body, or an assembled stream's `response`) to the
// canonical ModelResponse. Reads candidates[0]. An error body `{error:{code, message, status}}`
// becomes `error` (type = status, else the code) with finishReason 'error'. A prompt blocked
// before generation (`promptFeedback.blockReason`, no candidates) is content_filter.
// A whole streamed JSON array passed here is assembled first.
import type { ModelResponse } from '../../conversation/model.js';
import { asArray, asNumber, asObject, asString, isObject, stringifyJson, type JsonObject } from '../shared/read-json.js';
import { createStreamAssembler } from './assemble-stream.js';
import { convertUsage } from './convert-usage.js';
import { isPromptBlocked, mapFinishReason } from './map-finish-reason.js';
import { modelPartsToMessage } from './model-parts-to-message.js';
import { readField } from './read-field.js';

export function responseToModel(body: unknown): ModelResponse {
  if (Array.isArray(body)) return responseToModel(assembleArray(body));
  const warnings: string[] = [];
  if (!isObject(body)) warnings.push('response body is not a JSON object');
  const response = asObject(body);
  const model = asString(readField(response, 'modelVersion'));

  if (isObject(response.error)) {
    const error = response.error;
    const code = asNumber(error.code);
    return {
      ...(model !== undefined ? { model } : {}),
      message: { role: 'assistant', parts: [], toolCalls: [] },
      finishReason: { unified: 'error', raw: undefined },
      error: {
        type: asString(error.status) ?? (code !== undefined ? String(code) : 'error'),
        message: asString(error.message) ?? '',
      },
      warnings,
    };
  }

  const candidates = asArray(response.candidates);
  if (candidates.length > 1) warnings.push(`response has ${candidates.length} candidates; only the first is read`);
  return candidateToModel(response, asObject(candidates[0]), candidates.length === 0, warnings);
}

/**
 * Every candidate (candidateCount > 1) as its own ModelResponse, in `index` order, for a reader
 * that answers them all (the OpenAI-compatible entry's choices). Usage and ids are the response's.
 */
export function responseToModels(body: unknown): Array<{ index: number; model: ModelResponse }> {
  if (Array.isArray(body)) return responseToModels(assembleArray(body));
  const response = asObject(body);
  const candidates = asArray(response.candidates);
  if (isObject(response.error) || candidates.length <= 1) return [{ index: 0, model: responseToModel(body) }];
  return candidates.map((raw, position) => {
    const candidate = asObject(raw);
    return { index: asNumber(candidate.index) ?? position, model: candidateToModel(response, candidate, false, []) };
  });
}

function candidateToModel(response: JsonObject, candidate: JsonObject, noCandidates: boolean, warnings: string[]): ModelResponse {
  const model = asString(readField(response, 'modelVersion'));
  const usage = convertUsage(readField(response, 'usageMetadata'));
  const message = modelPartsToMessage(asObject(candidate.content).parts, warnings, 'response');
  let finishReason = mapFinishReason(asString(readField(candidate, 'finishReason')), message.toolCalls.length > 0);
  const blockReason = readField(asObject(readField(response, 'promptFeedback')), 'blockReason');
  if (noCandidates && isPromptBlocked(blockReason)) finishReason = { unified: 'content_filter', raw: blockReason };
  const id = asString(readField(response, 'responseId'));
  return {
    ...(id !== undefined ? { id } : {}),
    ...(model !== undefined ? { model } : {}),
    message,
    finishReason,
    ...(usage !== undefined ? { usage } : {}),
    warnings,
  };
}

function assembleArray(chunks: unknown[]): unknown {
  const assembler = createStreamAssembler();
  for (const chunk of chunks) assembler.push({ data: stringifyJson(chunk) });
  return assembler.finish().response;
}
