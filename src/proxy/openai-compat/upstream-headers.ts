// Request headers for a translated upstream call: a fixed, small set (the client's headers describe
// an OpenAI request, not the translated one) plus the credentials, converted from
// `Authorization: Bearer KEY` by the provider record (src/providers/). Pass-through calls forward
// the client's end-to-end headers instead (upstream/forwarded-headers.ts).
import type { IncomingMessage } from 'node:http';
import type { OutgoingHeaders, Provider } from '../../providers/provider.js';
import { CREDENTIAL_HEADERS } from '../../providers/registry.js';

/** Client headers a translated upstream may use: credentials and provider options. */
const KEPT_FOR_TRANSLATION = [...CREDENTIAL_HEADERS, 'anthropic-version', 'anthropic-beta', 'user-agent'];

export function translatedHeaders(request: IncomingMessage, provider: Provider, accept: string, hasBody: boolean): OutgoingHeaders {
  const headers: OutgoingHeaders = { accept, 'accept-encoding': 'identity' };
  if (hasBody) headers['content-type'] = 'application/json';
  for (const name of KEPT_FOR_TRANSLATION) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  provider.convertAuth(headers, '');
  return headers;
}
