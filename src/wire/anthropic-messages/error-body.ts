// Anthropic's error body, https://docs.anthropic.com/en/api/errors: `{type: 'error', error: {type, message}}`.
import type { ProxyErrorFacts } from '../wire-format.js';

const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  504: 'timeout_error',
};

export function errorBody(error: ProxyErrorFacts): unknown {
  return { type: 'error', error: { type: ANTHROPIC_TYPE[error.status] ?? 'api_error', message: error.message, code: error.code } };
}
