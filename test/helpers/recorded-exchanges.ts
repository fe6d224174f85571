// Builds ExchangeRecords the way the proxy records them: raw request and response bytes through
// capture/process-exchange.ts (stream reassembly, wire reading, ShareGPT derivation, thread keys),
// with the recorded provider fixtures of src/wire/<format>/__fixtures__ as bodies.
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { processExchange, type RawExchange } from '../../src/capture/process-exchange.js';
import { testId } from '../../src/store/test-records.js';
import { fixtureJson, fixtureText } from './fixtures.js';

export type RecordedWireFormat = 'openai-chat' | 'anthropic-messages' | 'gemini' | 'openai-responses';

const PATHS: Record<RecordedWireFormat, { plain: string; stream: string }> = {
  'openai-chat': { plain: '/v1/chat/completions', stream: '/v1/chat/completions' },
  'anthropic-messages': { plain: '/v1/messages', stream: '/v1/messages' },
  gemini: {
    plain: '/v1beta/models/gemini-2.5-flash:generateContent',
    stream: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
  },
  'openai-responses': { plain: '/v1/responses', stream: '/v1/responses' },
};

const DOMAINS: Record<RecordedWireFormat, string> = {
  'openai-chat': 'api.openai.com',
  'anthropic-messages': 'api.anthropic.com',
  gemini: 'generativelanguage.googleapis.com',
  'openai-responses': 'api.openai.com',
};

export interface RecordedExchange {
  format: RecordedWireFormat;
  request: unknown;
  /** A non-streaming response body (JSON value or raw text)... */
  response?: unknown;
  /** ...or a recorded SSE stream (raw text, as in *.chunks.txt). */
  sse?: string;
  status?: number;
  /** Client or upstream abort: the response is what arrived. */
  aborted?: boolean;
  seq: number;
  startedAt?: number;
}

/**
 * processExchange as committed takes the id inside the raw exchange; the version being reworked in
 * parallel takes it as a second argument. Passing it both ways works with either.
 */
type RawWithId = Omit<RawExchange, 'id'> & { id: string };
const processRaw = processExchange as unknown as (raw: RawWithId, id: string) => ExchangeRecord;

export function recordExchange(exchange: RecordedExchange): ExchangeRecord {
  const startedAt = exchange.startedAt ?? 1_756_000_000_000 + exchange.seq * 1_000;
  const streamed = exchange.sse !== undefined;
  const responseText =
    exchange.sse ?? (typeof exchange.response === 'string' ? exchange.response : JSON.stringify(exchange.response ?? ''));
  const id = testId(startedAt, exchange.seq);
  return processRaw({
    id,
    startedAt,
    domain: DOMAINS[exchange.format],
    method: 'POST',
    pathAndQuery: streamed ? PATHS[exchange.format].stream : PATHS[exchange.format].plain,
    requestBody: Buffer.from(JSON.stringify(exchange.request)),
    status: exchange.status ?? 200,
    responseContentType: streamed ? 'text/event-stream' : 'application/json',
    responseContentEncoding: undefined,
    responseChunks: [Buffer.from(responseText)],
    responseTruncated: false,
    ttfbMs: 100,
    durationMs: 1_000,
    aborted: exchange.aborted ?? false,
    error: null,
  }, id);
}

/** A fixture response body of a wire format (parsed JSON). */
export function wireResponse(format: RecordedWireFormat, name: string): unknown {
  return fixtureJson(format, name);
}

/** A fixture SSE stream of a wire format (raw text). */
export function wireStream(format: RecordedWireFormat, name: string): string {
  return fixtureText(format, name);
}
