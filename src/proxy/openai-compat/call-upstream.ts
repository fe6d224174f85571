// One upstream request for the OpenAI-compatible entry, through the shared undici agent (so the
// SSRF-guarded DNS lookup, pool, timeouts and connect retries are the dynamic proxy's); the body stays a
// stream for the caller to read chunk by chunk (its async iterator gives backpressure: nothing more
// is read from the socket until the caller asks), and `signal` aborts it when the client leaves.
import type { Dispatcher } from 'undici';
import { ProxyError } from '../../errors.js';
import { upstreamError } from '../upstream/classify-upstream-error.js';

export interface UpstreamCall {
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string | string[]>;
  body: Buffer | null;
  signal: AbortSignal;
  /** Shorter limits for calls that must not hold the client up (the model list). */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export async function callUpstream(agent: Dispatcher, call: UpstreamCall): Promise<Dispatcher.ResponseData> {
  try {
    return await agent.request({
      origin: call.origin,
      path: call.path,
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      ...(call.headersTimeoutMs !== undefined ? { headersTimeout: call.headersTimeoutMs } : {}),
      ...(call.bodyTimeoutMs !== undefined ? { bodyTimeout: call.bodyTimeoutMs } : {}),
    });
  } catch (error) {
    throw upstreamError(error);
  }
}

/** Reads a whole (non-streamed) upstream body, refusing more than `maxBytes`. */
export async function readUpstreamBody(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        body.destroy();
        throw new ProxyError('upstream_failed', `upstream response exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw upstreamError(error);
  }
  return Buffer.concat(chunks, size);
}
