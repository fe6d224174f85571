// node:http server for the proxy, with graceful shutdown: stop accepting, let in-flight requests
// finish (bounded wait), then close what is left. Slow or stalled clients are cut loose by the
// limits in config `server` (README, "Security"): Node's own headersTimeout / requestTimeout /
// socket idle timeout, plus one sweep a second for what Node does not check itself (a request body
// trickling in below the minimum rate, a client that stopped reading its response).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Config } from '../config/schema.js';
import { errorBody, ProxyError } from '../errors.js';
import { createRequestHandler, sendJson, type RequestHandlerDeps } from './handle-request.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { createUpgradeHandler } from './websocket/handle-upgrade.js';

export interface ProxyServer {
  server: Server;
  url: string;
  port: number;
  close(graceMs?: number): Promise<void>;
}

/** The body-rate check starts after this long, so a request's first packets are never judged alone. */
const BODY_RATE_GRACE_MS = 5_000;
const SWEEP_INTERVAL_MS = 1_000;

interface ConnectionState {
  /** When the socket's write buffer last became full and has not drained since (0: not full). */
  fullSince: number;
  request: { message: IncomingMessage; response: ServerResponse; startedAt: number; bytesAtStart: number } | null;
}

export async function startProxyServer(deps: RequestHandlerDeps, listen: { port: number; host: string }): Promise<ProxyServer> {
  const limits = deps.config.server;
  const handle = createRequestHandler(deps);
  const connections = new Map<Socket, ConnectionState>();
  const server = createServer(
    {
      keepAliveTimeout: limits.keep_alive_timeout_ms,
      headersTimeout: limits.headers_timeout_ms,
      requestTimeout: limits.request_timeout_ms,
      // Node checks the two timeouts above on this interval (30 s by default: up to twice the limit).
      connectionsCheckingInterval: Math.min(SWEEP_INTERVAL_MS, limits.headers_timeout_ms),
    },
    (request, response) => {
      const state = connections.get(request.socket);
      if (state) {
        const entry = { message: request, response, startedAt: Date.now(), bytesAtStart: request.socket.bytesRead };
        state.request = entry;
        response.once('close', () => {
          if (state.request === entry) state.request = null;
        });
      }
      handle(request, response).catch((error: unknown) => {
        deps.logger.error({ err: error }, 'unhandled error in request handler');
        sendJson(response, 500, '{"error":{"message":"internal proxy error","type":"server_error","code":"internal_error"}}');
      });
    },
  );
  // `Upgrade: websocket` (Codex's Responses transport): carried to allowlisted targets (websocket/).
  const upgrades = createUpgradeHandler(deps);
  server.on('upgrade', upgrades.handle);
  // No byte in either direction for this long: the socket is destroyed (no 'timeout' listener).
  server.setTimeout(limits.idle_timeout_ms);
  server.on('connection', (socket: Socket) => {
    const state: ConnectionState = { fullSince: 0, request: null };
    connections.set(socket, state);
    socket.on('drain', () => (state.fullSince = 0));
    socket.once('close', () => connections.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // headersTimeout / requestTimeout expired: 408, as Node itself would answer.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy(error);
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, state] of connections) {
      if (socket.writableNeedDrain) {
        if (state.fullSince === 0) state.fullSince = now;
        else if (now - state.fullSince >= limits.write_timeout_ms) {
          deps.logger.info({ remote: socket.remoteAddress, ms: now - state.fullSince }, 'client stopped reading its response; connection closed (server.write_timeout_ms)');
          socket.destroy();
          continue;
        }
      } else {
        state.fullSince = 0;
      }
      const request = state.request;
      if (request && limits.min_body_bytes_per_second > 0 && !request.message.complete) {
        const elapsed = now - request.startedAt;
        const received = socket.bytesRead - request.bytesAtStart;
        if (elapsed >= BODY_RATE_GRACE_MS && received < (limits.min_body_bytes_per_second * elapsed) / 1000) {
          deps.logger.info({ remote: socket.remoteAddress, bytes: received, ms: elapsed }, 'request body too slow; connection closed (server.min_body_bytes_per_second)');
          state.request = null;
          refuseSlowBody(request.response, limits);
        }
      }
    }
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    async close(graceMs = 10_000) {
      clearInterval(sweep);
      upgrades.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response ends: close them as they do,
      // and force the rest once the grace period is over.
      const sweeper = setInterval(() => server.closeIdleConnections(), 25);
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweeper);
      clearTimeout(timer);
    },
  };
}

function refuseSlowBody(response: ServerResponse, limits: Config['server']): void {
  const error = new ProxyError(
    'request_timeout',
    `the request body arrived slower than ${limits.min_body_bytes_per_second} bytes/s; send it faster or lower "server.min_body_bytes_per_second" in config.json`,
  );
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const body = errorBody(error, 'openai-chat');
  response.writeHead(error.status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
  // The rest of the body is not waited for.
  response.socket?.destroySoon();
}
