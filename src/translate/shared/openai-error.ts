// OpenAI's error shape `{error: {message, type, param, code}}` and the `type` OpenAI uses per status.
// https://platform.openai.com/docs/guides/error-codes
import type { OpenAiErrorBody } from '../openai-chat-response.js';

export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function openAiError(message: string, type: string, code: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param: null, code } };
}

/** The body text of a non-JSON error, cut to something a log line and an SDK message can carry. */
export function plainErrorMessage(status: number, bodyText: string): string {
  const text = bodyText.trim();
  if (text === '') return `upstream answered ${status}`;
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
