// A loopback stand-in for the providers' APIs: answers with their exact wire formats (JSON and
// SSE) and records what it received (method, path, headers, body bytes) for the test to assert.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Responder = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeUpstream {
  port: number;
  /** `127.0.0.1:PORT`, the allowlist key. */
  authority: string;
  received: ReceivedRequest[];
  /** Routes by exact path (without query) or a fallback. */
  on(path: string, responder: Responder): void;
  fallback(responder: Responder): void;
  close(): Promise<void>;
  server: Server;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const routes = new Map<string, Responder>();
  let fallback: Responder = (_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"no such route in fake upstream"}}');
  };
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      const path = entry.url.split('?')[0] ?? '';
      const responder = routes.get(path) ?? fallback;
      Promise.resolve(responder(entry, response)).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    authority: `127.0.0.1:${port}`,
    received,
    server,
    on(path, responder) {
      routes.set(path, responder);
    },
    fallback(responder) {
      fallback = responder;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function json(status: number, body: unknown): Responder {
  return (_request, response) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };
}

/** Streams `events` as SSE frames, `delayMs` apart (the raw text of each frame is written as one chunk). */
export function sse(frames: readonly string[], delayMs = 0): Responder {
  return async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const frame of frames) {
      if (response.destroyed) return;
      response.write(frame);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    response.end();
  };
}

/** Splits a recorded `.chunks.txt` SSE capture into frames (one per blank-line-terminated event). */
export function framesOf(text: string): string[] {
  return text
    .split(/\n\n/)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => frame + '\n\n');
}
