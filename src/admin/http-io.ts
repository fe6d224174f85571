// Reading requests and writing JSON answers for the admin API, with the headers every API
// response carries (nothing is cached, nothing is sniffed, nothing may frame it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminError } from './admin-error.js';

export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

/** Largest JSON body accepted (an edited row may carry data: URL images). */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...API_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export async function readJsonBody(request: IncomingMessage, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new AdminError('payload_too_large', `request body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new AdminError('payload_too_large', `request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AdminError('bad_request', 'a JSON body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError('bad_request', 'the body is not valid JSON');
  }
}
