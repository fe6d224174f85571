// Gemini error body `{error: {code, message, status, details}}` → OpenAI `{error: {message, type,
// param, code}}`; the HTTP status stays the upstream's. `code` carries Gemini's status word
// (RESOURCE_EXHAUSTED, INVALID_ARGUMENT...), or a `details[].reason` such as API_KEY_INVALID.
// https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
import { asArray, asNumber, asObject, asString, isObject } from '../../wire/shared/read-json.js';
import type { OpenAiErrorBody } from '../openai-chat-response.js';
import { openAiError, openAiErrorType, plainErrorMessage } from '../shared/openai-error.js';

export function geminiErrorToOpenAi(status: number, bodyText: string): OpenAiErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return openAiError(plainErrorMessage(status, bodyText), openAiErrorType(status));
  }
  // The non-SSE stream wraps the error in an array.
  const body = Array.isArray(parsed) ? parsed[0] : parsed;
  return geminiErrorObjectToOpenAi(status, asObject(body).error) ?? openAiError(plainErrorMessage(status, bodyText), openAiErrorType(status));
}

export function geminiErrorObjectToOpenAi(status: number, error: unknown): OpenAiErrorBody | undefined {
  if (!isObject(error)) return undefined;
  const effectiveStatus = status >= 400 ? status : (asNumber(error.code) ?? 500);
  const reason = asArray(error.details)
    .map((detail) => asString(asObject(detail).reason))
    .find((value) => value !== undefined);
  const code = reason ?? asString(error.status) ?? null;
  return openAiError(asString(error.message) ?? `upstream answered ${effectiveStatus}`, openAiErrorType(effectiveStatus), code);
}
