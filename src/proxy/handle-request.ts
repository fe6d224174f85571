// The pipeline, in order, in one visible list:
//   health → probe filter → rate limit → [OpenAI-compatible routes] → target (parse, allowlist)
//   → body limit → auth (the provider record's conversion) → forward
// Every refusal is a ProxyError rendered by the exchange context in the error shape of the
// request's wire format (the provider's own, for paths that are not chat calls).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/schema.js';
import { asProxyError, ProxyError } from '../errors.js';
import { providerFor } from '../providers/registry.js';
import type { OutgoingHeaders } from '../providers/provider.js';
import { detectWireFormat } from '../wire/detect.js';
import { ExchangeContext, type ExchangeDeps } from './exchange/exchange-context.js';
import { clientIpOf } from './guards/client-ip.js';
import { createLogNoiseFilter } from './guards/log-noise-filter.js';
import { createProbeFilter } from './guards/probe-filter.js';
import { createRateLimiter } from './guards/rate-limit.js';
import { readBody } from './guards/read-body.js';
import type { ProxyMetrics } from './metrics.js';
import type { Recorder } from './recorder.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { resolveAllowedTarget } from './target/allowlist.js';
import { parseTarget } from './target/parse-target.js';
import { forwardUpstream } from './upstream/forward.js';
import { forwardedHeaders } from './upstream/forwarded-headers.js';

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

export function createRequestHandler(deps: RequestHandlerDeps) {
  const { config, agent, metrics } = deps;
  const exchangeDeps: ExchangeDeps = { recorder: deps.recorder, logger: deps.logger, metrics };
  const isProbe = createProbeFilter(config.probe_request);
  const isLogNoise = createLogNoiseFilter(config.probe_filter);
  const allowRequest = config.security.rate_limit ? createRateLimiter(config.security.rate_limit) : null;

  return async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
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

    if (allowRequest && !allowRequest(clientIp, startedAt)) {
      const refused = new ExchangeContext(request, response, startedAt, exchangeDeps, 'proxy', detectWireFormat(method, path)?.id ?? 'openai-chat');
      refused.quiet = isLogNoise(path, clientIp);
      refused.refuse(new ProxyError('rate_limited', 'too many requests from this address; slow down or raise security.rate_limit'));
      refused.finish();
      return;
    }

    if (deps.localRoutes?.(request, response)) return;

    // Until the target is parsed, the whole path is the best guess at the wire format (format
    // paths are matched by their ends, so the domain segment in front does not matter).
    const exchange = new ExchangeContext(request, response, startedAt, exchangeDeps, 'proxy', detectWireFormat(method, path)?.id ?? 'openai-chat');
    exchange.quiet = isLogNoise(path, clientIp);
    try {
      const target = parseTarget(rawUrl);
      exchange.log.domain = target.authority;
      exchange.log.path = target.path;
      const allowed = resolveAllowedTarget(target, config.allowed_domains);
      const provider = providerFor(allowed.entry.auth_type, target.path);
      exchange.errorFormat = detectWireFormat(method, target.path)?.id ?? provider.wireFormat;
      const body = await readBody(request, config.max_body_bytes);

      const headers: OutgoingHeaders = forwardedHeaders(request);
      provider.convertAuth(headers, target.pathAndQuery.slice(target.path.length));

      exchange.startRecording({
        domain: target.authority,
        pathAndQuery: target.pathAndQuery,
        requestBody: body,
        requestContentType: request.headers['content-type'],
        ...(request.headers['content-encoding'] !== undefined ? { requestContentEncoding: request.headers['content-encoding'] } : {}),
      });
      const result = await forwardUpstream(
        agent,
        {
          origin: allowed.origin,
          pathAndQuery: target.pathAndQuery,
          method,
          headers,
          body: body.length > 0 || (method !== 'GET' && method !== 'HEAD') ? body : null,
        },
        response,
        exchange.recording,
        exchange.startTime,
      );
      exchange.settleForwarded(result);
    } catch (error) {
      const proxyError = asProxyError(error);
      exchange.refuse(proxyError);
    } finally {
      exchange.finish();
    }
  };
}

/** `GET /`: someone opened the proxy in a browser, or forgot the domain in a base URL. */
function rootHelpBody(uiUrl: string | null): string {
  const ui = uiUrl ? `the review UI is at ${uiUrl}` : 'the review UI is served on its own port (start --ui-port, default 5000; or the ui command)';
  const message = `this is the proxy, not a page: send API requests to /{target_domain}/{api_path}, e.g. /api.openai.com/v1/chat/completions, or use the OpenAI-compatible /v1/chat/completions; ${ui}`;
  return JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'not_found' } });
}

export function sendJson(response: ServerResponse, status: number, body: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
