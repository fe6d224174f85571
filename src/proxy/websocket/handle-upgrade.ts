// WebSocket upgrades at the dynamic entry (`GET /{domain}/{path}` with `Upgrade: websocket`): Codex
// opens its Responses transport this way (`…/v1/responses`, `…/backend-api/codex/responses`)
// before it falls back to HTTP. The same rules as an HTTP request: the rate limit (a bucket of
// its own), the target is parsed and allowlisted, the provider's auth conversion applies, the SSRF check holds at connect time. The
// upstream is connected first, so its answer to the upgrade (101 and its headers, or its refusal)
// is what the client gets; then messages are relayed both ways (relay-websocket.ts). A path whose
// wire format is the Responses API is recorded turn by turn (record-responses-websocket.ts);
// any other WebSocket is carried, not recorded.
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { pickClientHeaders } from '../../capture/detect-client.js';
import { asProxyError, errorBody, ProxyError } from '../../errors.js';
import { redactQuery } from '../../log/redact-secrets.js';
import { providerFor } from '../../providers/registry.js';
import type { OutgoingHeaders } from '../../providers/provider.js';
import { detectWireFormat } from '../../wire/detect.js';
import type { WireFormatId } from '../../wire/wire-format.js';
import type { RequestHandlerDeps } from '../handle-request.js';
import { clientIpOf } from '../guards/client-ip.js';
import { createRateLimiter } from '../guards/rate-limit.js';
import { SECURITY_HEADERS } from '../security-headers.js';
import { privateAllowedHosts, resolveAllowedTarget } from '../target/allowlist.js';
import { parseTarget } from '../target/parse-target.js';
import { forwardedHeaders } from '../upstream/forwarded-headers.js';
import { createGuardedLookup, guardConnectTarget } from '../upstream/guarded-lookup.js';
import { connectionTokensOf, isHopByHop } from '../upstream/hop-by-hop.js';
import { connectUpstreamWebSocket } from './connect-upstream-websocket.js';
import { createResponsesWebSocketRecording } from './record-responses-websocket.js';
import { relayWebSocket } from './relay-websocket.js';

/** Handshake headers each side sets for itself: never copied from one side to the other. */
const HANDSHAKE_HEADERS = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'sec-websocket-accept', 'accept-encoding']);
/** Upstream 101 headers not handed to the client (ws writes its own handshake). */
const NOT_RETURNED = new Set([...HANDSHAKE_HEADERS, 'content-length', 'date']);

export interface UpgradeHandler {
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every carried WebSocket (shutdown): 1001 "going away". */
  closeAll(): void;
}

export function createUpgradeHandler(deps: RequestHandlerDeps): UpgradeHandler {
  const { config, logger, metrics } = deps;
  const allowPrivate = privateAllowedHosts(config.allowed_domains);
  const lookup = createGuardedLookup({ allowPrivate, ttlMs: config.upstream.dns_cache_ttl_ms });
  // The upstream's 101 headers for the handshake being completed (ws asks for extra headers through an event).
  const returnedHeaders = new WeakMap<IncomingMessage, IncomingHttpHeaders>();
  const server = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload: config.max_body_bytes, clientTracking: false, handleProtocols: (protocols, request) => chosenProtocol(returnedHeaders.get(request), protocols) });
  server.on('headers', (lines, request) => {
    const upstreamHeaders = returnedHeaders.get(request);
    if (!upstreamHeaders) return;
    const tokens = connectionTokensOf(upstreamHeaders['connection']);
    for (const [name, value] of Object.entries(upstreamHeaders)) {
      if (value === undefined || NOT_RETURNED.has(name) || isHopByHop(name, tokens)) continue;
      for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
    }
  });
  // Upgrades have their own bucket (one per agent session, so the HTTP budget is not shared).
  const allowUpgrade = config.security.rate_limit ? createRateLimiter(config.security.rate_limit) : null;
  const open = new Set<{ close(code: number, reason: string): void }>();
  const pending = new Set<AbortController>();

  async function handle(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const startedAt = performance.now();
    const rawUrl = request.url ?? '/';
    metrics.requests++;
    let format: WireFormatId = 'openai-responses';
    const aborter = new AbortController();
    pending.add(aborter);
    socket.once('close', () => aborter.abort());
    socket.on('error', () => socket.destroy());
    const line: Record<string, unknown> = { method: request.method, path: redactQuery(rawUrl), transport: 'websocket' };
    try {
      if (request.headers['upgrade']?.toLowerCase() !== 'websocket') throw new ProxyError('bad_request', 'only WebSocket upgrades are carried; send the request without "Upgrade"');
      if (allowUpgrade && !allowUpgrade(clientIpOf(request, config.trust_proxy), Date.now())) throw new ProxyError('rate_limited', 'too many requests from this address; slow down or raise security.rate_limit');
      const target = parseTarget(rawUrl);
      line['domain'] = target.authority;
      line['path'] = redactQuery(target.pathAndQuery);
      const allowed = resolveAllowedTarget(target, config.allowed_domains);
      const provider = providerFor(allowed.entry.auth_type, target.path);
      const wireFormat = detectWireFormat('POST', target.path);
      format = wireFormat?.id ?? provider.wireFormat;
      const refused = guardConnectTarget(target.hostname.replace(/^\[|\]$/g, ''), allowPrivate);
      if (refused) throw refused;

      const headers: OutgoingHeaders = forwardedHeaders(request);
      for (const name of HANDSHAKE_HEADERS) delete headers[name];
      provider.convertAuth(headers, target.pathAndQuery.slice(target.path.length));
      const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim()).filter(Boolean);
      const upstream = await connectUpstreamWebSocket(
        { url: `${allowed.origin.replace(/^http/, 'ws')}${target.pathAndQuery}`, headers, protocols, lookup, handshakeTimeoutMs: config.upstream.headers_timeout_ms },
        aborter.signal,
      );
      pending.delete(aborter);
      if (upstream.kind === 'refused') {
        line['status'] = upstream.status;
        writeRawResponse(socket, upstream.status, upstream.headers, upstream.body);
        logger.info({ ...line, ms: Math.round(performance.now() - startedAt) }, 'websocket upgrade refused by the upstream');
        return;
      }
      if (socket.destroyed) {
        upstream.socket.terminate();
        return;
      }
      returnedHeaders.set(request, upstream.headers);
      server.handleUpgrade(request, socket, head, (client: WebSocket) => {
        const recording =
          wireFormat?.id === 'openai-responses'
            ? createResponsesWebSocketRecording({
                recorder: deps.recorder,
                domain: target.authority,
                pathAndQuery: target.pathAndQuery,
                clientHeaders: pickClientHeaders(request.headers),
                isTerminal: wireFormat.createTerminalWatch(undefined),
                onTurnEnd: (turn) => {
                  metrics.observeExchange({ domain: target.authority, status: turn.status, streamed: true, durationMs: turn.durationMs, ...(turn.ttfbMs !== null ? { ttfbMs: turn.ttfbMs } : {}), requestBytes: turn.requestBytes, responseBytes: turn.responseBytes });
                  logger.info({ ...line, status: turn.status, streamed: true, ...(turn.complete ? {} : { aborted: true }), ms: Math.round(turn.durationMs) }, 'proxied');
                },
              })
            : null;
        let frames = 0;
        const relay = relayWebSocket(
          client,
          upstream.socket,
          recording && {
            fromClient: (data, isBinary) => recording.fromClient(data, isBinary),
            fromUpstream: (data, isBinary) => {
              frames++;
              recording.fromUpstream(data, isBinary);
            },
          },
          (end) => {
            open.delete(relay);
            recording?.close(end.by, end.code);
            logger.info({ ...line, status: 101, closedBy: end.by, code: end.code, ...(end.error ? { reason: end.error.message } : {}), frames, ms: Math.round(performance.now() - startedAt) }, 'websocket closed');
          },
        );
        open.add(relay);
      });
    } catch (error) {
      pending.delete(aborter);
      const proxyError = asProxyError(error);
      metrics.countError(proxyError.code);
      const body = errorBody(proxyError, format);
      writeRawResponse(socket, proxyError.status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' }, Buffer.from(body, 'utf8'));
      const fields = { ...line, status: proxyError.status, error: proxyError.code, reason: proxyError.message, ms: Math.round(performance.now() - startedAt) };
      if (proxyError.code === 'internal_error') logger.error({ ...fields, err: proxyError.cause }, 'proxy error');
      else if (proxyError.status >= 500) logger.warn(fields, 'proxy request failed');
      else logger.info(fields, 'request refused');
    }
  }

  return {
    handle(request, socket, head) {
      void handle(request, socket, head);
    },
    closeAll() {
      for (const aborter of pending) aborter.abort();
      for (const relay of open) relay.close(1001, 'proxy shutting down');
    },
  };
}

/** The subprotocol the upstream chose, if the client offered it (RFC 6455 §4.2.2). */
function chosenProtocol(upstreamHeaders: IncomingHttpHeaders | undefined, offered: Set<string>): string | false {
  const chosen = upstreamHeaders?.['sec-websocket-protocol'];
  return typeof chosen === 'string' && offered.has(chosen) ? chosen : false;
}

/** An HTTP answer on the raw socket of a request that asked to upgrade (Node hands over the socket). */
function writeRawResponse(socket: Duplex, status: number, headers: Readonly<Record<string, string | string[] | number | undefined>>, body: Buffer): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  const tokens = connectionTokensOf(headers['connection'] as string | string[] | undefined);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || lower === 'content-length' || lower === 'date' || isHopByHop(lower, tokens)) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${lower}: ${String(one).replace(/[\r\n]/g, ' ')}`);
  }
  lines.push(`content-length: ${body.length}`, 'connection: close');
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
}
