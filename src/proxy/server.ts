// node:http server for the proxy, with graceful shutdown: stop accepting, let in-flight requests
// finish (bounded wait), then close what is left.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler, sendJson, type RequestHandlerDeps } from './handle-request.js';

export interface ProxyServer {
  server: Server;
  url: string;
  port: number;
  close(graceMs?: number): Promise<void>;
}

export async function startProxyServer(deps: RequestHandlerDeps, listen: { port: number; host: string }): Promise<ProxyServer> {
  const handle = createRequestHandler(deps);
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'unhandled error in request handler');
      sendJson(response, 500, '{"error":{"message":"internal proxy error","type":"server_error","code":"internal_error"}}');
    });
  });
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy(error);
  });
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
