// Request headers for the upstream. Translated calls send a fixed, small set (the client's headers
// describe an OpenAI request, not the translated one) plus the credentials, converted from
// `Authorization: Bearer KEY` per provider by the dynamic proxy's own table (x-goog-api-key;
// x-api-key + anthropic-version). Pass-through calls forward the client's end-to-end headers.
import type { IncomingMessage } from 'node:http';
import type { AuthType } from '../../config/defaults.js';
import { convertAuth, type OutgoingHeaders } from '../auth/convert-auth.js';
import { connectionTokensOf, isHopByHop } from '../upstream/hop-by-hop.js';

/** Client headers a translated upstream may use: credentials and provider options. */
const KEPT_FOR_TRANSLATION = ['authorization', 'x-api-key', 'x-goog-api-key', 'anthropic-version', 'anthropic-beta', 'user-agent'];

export function translatedHeaders(request: IncomingMessage, authType: AuthType, accept: string, hasBody: boolean): OutgoingHeaders {
  const headers: OutgoingHeaders = { accept, 'accept-encoding': 'identity' };
  if (hasBody) headers['content-type'] = 'application/json';
  for (const name of KEPT_FOR_TRANSLATION) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  convertAuth(authType, headers, '');
  return headers;
}

/** Request headers that never go upstream (as in handle-request.ts). */
const NOT_FORWARDED = new Set(['host', 'content-length', 'accept-encoding', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

export function passThroughHeaders(request: IncomingMessage): OutgoingHeaders {
  const connectionTokens = connectionTokensOf(request.headers['connection']);
  const headers: OutgoingHeaders = {};
  for (const name in request.headers) {
    const value = request.headers[name];
    if (value === undefined || NOT_FORWARDED.has(name) || isHopByHop(name, connectionTokens)) continue;
    headers[name] = value;
  }
  headers['accept-encoding'] = 'identity';
  return headers;
}
