// The pipeline, in order, in one visible list:
//   health → probe filter → rate limit → target (parse, allowlist) → body limit → auth → forward
// Every refusal is a ProxyError rendered in the client SDK's error shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/schema.js';
import { redactQuery } from '../log/redact-secrets.js';
import { asProxyError, errorBody, ProxyError, type ErrorFlavor } from '../errors.js';
import { convertAuth, type OutgoingHeaders } from './auth/convert-auth.js';
import { detectAuthType } from './auth/detect-auth-type.js';
import { clientIpOf } from './guards/client-ip.js';
import { createLogNoiseFilter } from './guards/log-noise-filter.js';
import { createProbeFilter } from './guards/probe-filter.js';
import { createRateLimiter } from './guards/rate-limit.js';
import { readBody } from './guards/read-body.js';
import type { ProxyMetrics } from './metrics.js';
import type { Recorder, RecordingHandle } from './recorder.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { resolveAllowedTarget } from './target/allowlist.js';
import { parseTarget } from './target/parse-target.js';
import { forwardUpstream } from './upstream/forward.js';
import { connectionTokensOf, isHopByHop } from './upstream/hop-by-hop.js';

export interface RequestHandlerDeps {
  config: Config;
  agent: Dispatcher;
  logger: Logger;
  metrics: ProxyMetrics;
  recorder: Recorder | null;
  /** Answers `/health`; lives outside the proxy so it can report the store too. */
  health: () => Promise<Record<string, unknown>>;
  /** Answers `GET /metrics` (Prometheus text format); absent: not served. */
  metricsText?: () => Promise<string>;
  /** Routes that are not `/{domain}/...` (the OpenAI-compatible entry); return true when handled. */
  localRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** The review UI's address, named in the answer to `GET /` (null: not served by this process). */
  uiUrl?: () => string | null;
}

/** Request headers that never go upstream: we set Host and Content-Length ourselves and ask for identity encoding. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'accept-encoding', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

export function createRequestHandler(deps: RequestHandlerDeps) {
  const { config, agent, logger, metrics, recorder } = deps;
  const isProbe = createProbeFilter(config.probe_request);
  const isLogNoise = createLogNoiseFilter(config.probe_filter);
  const allowRequest = config.security.rate_limit ? createRateLimiter(config.security.rate_limit) : null;

  return async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startTime = performance.now();
    const startedAt = Date.now();
    const rawUrl = request.url ?? '/';
    const method = request.method ?? 'GET';
    const queryIndex = rawUrl.indexOf('?');
    const path = queryIndex === -1 ? rawUrl : rawUrl.slice(0, queryIndex);

    if (path === '/health' && method === 'GET') {
      sendJson(response, 200, JSON.stringify(await deps.health()));
      return;
    }
    if (path === '/metrics' && method === 'GET' && deps.metricsText) {
      const text = await deps.metricsText();
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }

    if (path === '/' && method === 'GET') {
      sendJson(response, 404, rootHelpBody(deps.uiUrl?.() ?? null));
      return;
    }

    const clientIp = clientIpOf(request, config.trust_proxy);
    if (isProbe({ method, path, userAgent: request.headers['user-agent'] ?? '', clientIp })) {
      metrics.probesDropped++;
      sendJson(response, 404, '{"error":{"message":"not found","type":"invalid_request_error","code":"not_found"}}');
      return;
    }
    const quiet = isLogNoise(path, clientIp);

    if (allowRequest && !allowRequest(clientIp, startedAt)) {
      refuse(response, new ProxyError('rate_limited', 'too many requests from this address; slow down or raise security.rate_limit'), 'openai');
      metrics.countError('rate_limited');
      return;
    }

    if (deps.localRoutes?.(request, response)) return;

    let flavor: ErrorFlavor = 'openai';
    let recording: RecordingHandle | null = null;
    let domain: string | null = null;
    metrics.inFlight++;
    metrics.requests++;
    try {
      const target = parseTarget(rawUrl);
      const allowed = resolveAllowedTarget(target, config.allowed_domains);
      domain = target.authority;
      const authType = detectAuthType(allowed.entry.auth_type, target.path);
      flavor = authType;
      const body = await readBody(request, config.max_body_bytes);

      const headers = forwardedHeaders(request);
      convertAuth(authType, headers, target.pathAndQuery.slice(target.path.length));

      if (recorder) {
        recording = recorder.start({
          startedAt,
          domain: target.authority,
          method,
          pathAndQuery: target.pathAndQuery,
          requestBody: body,
          requestContentType: request.headers['content-type'],
        });
      }
      const result = await forwardUpstream(
        agent,
        {
          origin: allowed.origin,
          pathAndQuery: target.pathAndQuery,
          method,
          headers,
          body: body.length > 0 || (method !== 'GET' && method !== 'HEAD') ? body : null,
          connectRetries: config.upstream.connect_retries,
          retryBackoffMs: config.upstream.retry_backoff_ms,
        },
        response,
        recording,
        startTime,
      );
      let status = result.status;
      if (result.error && !result.aborted) {
        status = result.error.status;
        refuse(response, result.error, flavor);
      }
      if (result.error) metrics.countError(result.error.code);
      const durationMs = performance.now() - startTime;
      metrics.observeExchange({
        domain,
        status: result.aborted && !result.error ? 0 : status,
        streamed: result.streamed,
        durationMs,
        ...(result.ttfbMs !== undefined ? { ttfbMs: result.ttfbMs } : {}),
        requestBytes: body.length,
        responseBytes: result.bytes,
      });
      recording?.onEnd({
        durationMs,
        aborted: result.aborted,
        ...(result.error ? { error: { class: result.error.code, message: result.error.message } } : {}),
        ...(result.error && !result.aborted ? { proxyStatus: result.error.status } : {}),
      });
      if (!quiet) {
        const line = { method, domain: target.authority, path: target.path, status, ms: Math.round(durationMs), bytes: result.bytes, streamed: result.streamed };
        if (result.error) logger.warn({ ...line, error: result.error.code, reason: result.error.message }, 'proxy request failed');
        else logger.info(line, 'proxied');
      }
    } catch (error) {
      const proxyError = asProxyError(error);
      metrics.countError(proxyError.code);
      metrics.observeExchange({ domain, status: proxyError.status, streamed: false, durationMs: performance.now() - startTime, requestBytes: 0, responseBytes: 0 });
      refuse(response, proxyError, flavor);
      recording?.onEnd({
        durationMs: performance.now() - startTime,
        aborted: false,
        error: { class: proxyError.code, message: proxyError.message },
        proxyStatus: proxyError.status,
      });
      if (!quiet) {
        const line = { method, path: redactQuery(rawUrl), status: proxyError.status, error: proxyError.code, reason: proxyError.message };
        if (proxyError.status >= 500) logger.error({ ...line, err: proxyError.cause }, 'proxy error');
        else logger.info(line, 'request refused');
      }
    } finally {
      metrics.inFlight--;
    }
  };
}

/** `GET /`: someone opened the proxy in a browser, or forgot the domain in a base URL. */
function rootHelpBody(uiUrl: string | null): string {
  const ui = uiUrl ? `the review UI is at ${uiUrl}` : 'the review UI is served on its own port (start --ui-port, default 5000; or the ui command)';
  const message = `this is the proxy, not a page: send API requests to /{target_domain}/{api_path}, e.g. /api.openai.com/v1/chat/completions, or use the OpenAI-compatible /v1/chat/completions; ${ui}`;
  return JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'not_found' } });
}

function forwardedHeaders(request: IncomingMessage): OutgoingHeaders {
  const incoming = request.headers;
  const connectionTokens = connectionTokensOf(incoming['connection']);
  const headers: OutgoingHeaders = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || NOT_FORWARDED.has(name) || isHopByHop(name, connectionTokens)) continue;
    headers[name] = value;
  }
  // Identity keeps the recorded bytes readable without a decompression step; LLM responses are
  // small text and SSE is rarely compressed anyway (see README, "Compression").
  headers['accept-encoding'] = 'identity';
  return headers;
}

function refuse(response: ServerResponse, error: ProxyError, flavor: ErrorFlavor): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const closeAfter = error.code === 'body_too_large';
  sendJson(response, error.status, errorBody(error, flavor), closeAfter);
}

export function sendJson(response: ServerResponse, status: number, body: string, closeConnection = false): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  response.end(body);
  // The unread rest of an oversized body is not buffered: the connection is closed instead.
  if (closeConnection) response.once('finish', () => response.socket?.destroySoon());
}
