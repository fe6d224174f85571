// Google's error body, https://cloud.google.com/apis/design/errors: `{error: {code, message, status}}`.
import type { ProxyErrorFacts } from '../wire-format.js';

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function errorBody(error: ProxyErrorFacts): unknown {
  return { error: { code: error.status, message: error.message, status: GOOGLE_STATUS[error.status] ?? 'UNKNOWN', reason: error.code } };
}
