// The error catalog: every failure the proxy itself produces, with its status and a message that
// says how to fix it, and one function that renders it in the error shape of the request's wire
// format (OpenAI's, Anthropic's or Google's), so the client's SDK raises a proper typed error
// instead of a parse failure.
import type { WireFormatId } from './wire/wire-format.js';

export type ProxyErrorCode =
  | 'domain_not_allowed'
  | 'invalid_target'
  | 'target_blocked'
  | 'body_too_large'
  | 'bad_request'
  | 'rate_limited'
  | 'not_found'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_failed'
  | 'internal_error';

const STATUS: Record<ProxyErrorCode, number> = {
  domain_not_allowed: 403,
  invalid_target: 400,
  target_blocked: 403,
  body_too_large: 413,
  bad_request: 400,
  rate_limited: 429,
  not_found: 404,
  upstream_unreachable: 502,
  upstream_timeout: 504,
  upstream_failed: 502,
  internal_error: 500,
};

export class ProxyError extends Error {
  override name = 'ProxyError';
  readonly status: number;

  constructor(
    readonly code: ProxyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[code];
  }
}

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

function openaiType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  if (status === 403) return 'permission_error';
  return 'invalid_request_error';
}

type ErrorShape = (error: ProxyError) => unknown;

/** https://platform.openai.com/docs/guides/error-codes: `{error: {message, type, param, code}}`. */
const openaiShape: ErrorShape = (error) => ({ error: { message: error.message, type: openaiType(error.status), param: null, code: error.code } });

/** One error shape per wire format (adding a format adds its line here; TypeScript insists). */
const ERROR_SHAPES: Record<WireFormatId, ErrorShape> = {
  'openai-chat': openaiShape,
  'openai-responses': openaiShape,
  // https://docs.anthropic.com/en/api/errors: `{type: 'error', error: {type, message}}`.
  'anthropic-messages': (error) => ({
    type: 'error',
    error: { type: ANTHROPIC_TYPE[error.status] ?? 'api_error', message: error.message, code: error.code },
  }),
  // https://cloud.google.com/apis/design/errors: `{error: {code, message, status}}`.
  gemini: (error) => ({
    error: { code: error.status, message: error.message, status: GOOGLE_STATUS[error.status] ?? 'UNKNOWN', reason: error.code },
  }),
};

/** Renders an error body in the error shape of the request's wire format. */
export function errorBody(error: ProxyError, format: WireFormatId): string {
  return JSON.stringify(ERROR_SHAPES[format](error));
}

export function asProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  return new ProxyError('internal_error', 'internal proxy error; see the proxy log', { cause: error });
}
