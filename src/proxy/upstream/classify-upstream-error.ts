// undici failures as the proxy's catalogued errors, shared by the dynamic proxy and the
// OpenAI-compatible entry: which are timeouts (504), which never reached the upstream (502, and
// safe to retry), which broke an exchange under way.
import { ProxyError } from '../../errors.js';

/** Errors where nothing reached the upstream, so sending again cannot duplicate a generation. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The first string `code` on the error or its causes. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

export function isRetryableConnectFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && CONNECT_ERRORS.has(code);
}

export function upstreamError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof ProxyError) return cause;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TIMEOUT_ERRORS.has(code)) {
    return new ProxyError('upstream_timeout', `upstream timed out (${code}); raise the upstream timeouts in config.json if the model needs longer`, { cause: error });
  }
  if (code === 'ENOTFOUND') return new ProxyError('upstream_unreachable', `upstream host not found (DNS): ${message}`, { cause: error });
  if (code !== undefined && CONNECT_ERRORS.has(code)) return new ProxyError('upstream_unreachable', `cannot connect to the upstream (${code})`, { cause: error });
  return new ProxyError('upstream_failed', `upstream connection failed: ${code ?? message}`, { cause: error });
}
