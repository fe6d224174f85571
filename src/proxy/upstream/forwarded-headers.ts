// The client's request headers that go upstream unchanged (both entries' pass-through calls): the
// end-to-end ones, without Host/Content-Length (set by undici), the client's forwarding headers
// (RFC 9110 section 7.6.1 hop-by-hop ones too), and with identity encoding asked for.
import type { IncomingMessage } from 'node:http';
import type { OutgoingHeaders } from '../../providers/provider.js';
import { connectionTokensOf, isHopByHop } from './hop-by-hop.js';

/** Request headers that never go upstream: we set Host and Content-Length ourselves and ask for identity encoding. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'accept-encoding', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

export function forwardedHeaders(request: IncomingMessage): OutgoingHeaders {
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
