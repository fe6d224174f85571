// OpenAI's error body, https://platform.openai.com/docs/guides/error-codes:
// `{error: {message, type, param, code}}`. The Responses API uses the same shape.
import type { ProxyErrorFacts } from '../wire-format.js';

function openaiType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  if (status === 403) return 'permission_error';
  return 'invalid_request_error';
}

export function errorBody(error: ProxyErrorFacts): unknown {
  return { error: { message: error.message, type: openaiType(error.status), param: null, code: error.code } };
}
