// Anthropic error body `{type: 'error', error: {type, message}}` → OpenAI `{error: {message, type,
// param, code}}`; the HTTP status stays the upstream's. Anthropic's error types (invalid_request_error,
// authentication_error, rate_limit_error, overloaded_error...) are OpenAI-like words: kept as `type`
// when they are OpenAI's, and always as `code`. https://docs.anthropic.com/en/api/errors
import { asObject, asString, isObject } from '../../wire/shared/read-json.js';
import type { OpenAiErrorBody } from '../openai-chat-response.js';
import { openAiError, openAiErrorType, plainErrorMessage } from '../shared/openai-error.js';

const OPENAI_TYPES = new Set(['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error']);

export function anthropicErrorToOpenAi(status: number, bodyText: string): OpenAiErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return openAiError(plainErrorMessage(status, bodyText), openAiErrorType(status));
  }
  return anthropicErrorObjectToOpenAi(status, asObject(parsed).error) ?? openAiError(plainErrorMessage(status, bodyText), openAiErrorType(status));
}

export function anthropicErrorObjectToOpenAi(status: number, error: unknown): OpenAiErrorBody | undefined {
  if (!isObject(error)) return undefined;
  const anthropicType = asString(error.type);
  const type = anthropicType !== undefined && OPENAI_TYPES.has(anthropicType) ? anthropicType : openAiErrorType(status >= 400 ? status : 500);
  return openAiError(asString(error.message) ?? `upstream answered ${status}`, type, anthropicType ?? null);
}
