// Opens the upstream side of a carried WebSocket (the `ws` client), under the same SSRF rule as
// every HTTP upstream call: an IP-literal target is judged before connecting, a name through the
// guarded DNS lookup (upstream/guarded-lookup.ts), and redirects are not followed. Resolves with
// the open socket and the upstream's 101 headers, or with the upstream's refusal (status, headers,
// body, to hand to the client as they are), or rejects with a ProxyError.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import WebSocket from 'ws';
import type { ProxyError } from '../../errors.js';
import type { OutgoingHeaders } from '../../providers/provider.js';
import { upstreamError } from '../upstream/classify-upstream-error.js';

/** An upstream's non-101 answer is handed on up to this many bytes. */
const MAX_REFUSAL_BODY = 256 * 1024;

export type UpstreamWebSocket =
  | { kind: 'open'; socket: WebSocket; headers: IncomingHttpHeaders }
  | { kind: 'refused'; status: number; headers: IncomingHttpHeaders; body: Buffer };

export interface UpstreamWebSocketRequest {
  /** `ws://host[:port]/path?query` or `wss://…`. */
  url: string;
  headers: OutgoingHeaders;
  protocols: string[];
  lookup: LookupFunction;
  handshakeTimeoutMs: number;
}

export function connectUpstreamWebSocket(request: UpstreamWebSocketRequest, signal: AbortSignal): Promise<UpstreamWebSocket> {
  return new Promise((resolve, reject) => {
    let upgradeHeaders: IncomingHttpHeaders = {};
    const socket = new WebSocket(request.url, request.protocols, {
      headers: request.headers as Record<string, string>,
      lookup: request.lookup,
      handshakeTimeout: request.handshakeTimeoutMs,
      followRedirects: false,
      perMessageDeflate: true,
    } as WebSocket.ClientOptions);
    const onAbort = () => socket.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    socket.once('upgrade', (response: IncomingMessage) => {
      upgradeHeaders = response.headers;
    });
    socket.once('open', () => {
      settle();
      socket.removeAllListeners('error');
      resolve({ kind: 'open', socket, headers: upgradeHeaders });
    });
    socket.once('unexpected-response', (clientRequest, response: IncomingMessage) => {
      settle();
      socket.on('error', () => {}); // the refusal is the answer; a late socket error says nothing more
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        if (length + chunk.length > MAX_REFUSAL_BODY) return;
        length += chunk.length;
        chunks.push(chunk);
      });
      const done = () => {
        resolve({ kind: 'refused', status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks, length) });
        clientRequest.destroy();
      };
      response.once('end', done);
      response.once('error', done);
    });
    socket.once('error', (error: Error) => {
      settle();
      reject(asUpstreamError(error));
    });
  });
}

function asUpstreamError(error: Error): ProxyError {
  // ws words a handshake timeout as a plain Error; the catalogue calls it a timeout.
  if (error.message === 'Opening handshake has timed out') return upstreamError(Object.assign(new Error(error.message), { code: 'ETIMEDOUT' }));
  return upstreamError(error);
}
