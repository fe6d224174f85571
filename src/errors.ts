// The error catalog: every failure the proxy itself produces, with its status and a message that
// says how to fix it, and one function that renders it in the error shape of the request's wire
// format (OpenAI's, Anthropic's or Google's), so the client's SDK raises a proper typed error
// instead of a parse failure.
import { wireFormatById } from './wire/registry.js';
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
  | 'upstream_busy'
  | 'request_timeout'
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
  upstream_busy: 503,
  request_timeout: 408,
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

/** Renders an error body in the error shape of the request's wire format. */
export function errorBody(error: ProxyError, format: WireFormatId): string {
  return JSON.stringify(wireFormatById(format).errorBody(error));
}

/** Seconds a client should wait before retrying, sent as Retry-After with the error (undefined: no header). */
export function retryAfterOf(error: ProxyError): number | undefined {
  return error.code === 'upstream_busy' ? 2 : undefined;
}

export function asProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  return new ProxyError('internal_error', 'internal proxy error; see the proxy log', { cause: error });
}
