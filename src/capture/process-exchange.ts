// Raw bytes the proxy saw → one ExchangeRecord. Runs after the response went out, never on the
// write path: decodes SSE, reassembles the stream into the provider's non-streaming shape,
// reads the conversation, derives the ShareGPT row and the thread keys. Pure apart from
// zlib decoding; never throws (a failure becomes a flagged record, so nothing is lost).
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { buildConversation } from '../conversation/build-conversation.js';
import type { ModelResponse, RequestConversation } from '../conversation/model.js';
import { threadKeysOf } from '../conversation/thread-key.js';
import { decodeSseText } from '../sse/decode-sse.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { searchTextOf } from '../training/search-text.js';
import { conversationToShareGpt } from '../training/to-sharegpt.js';
import { detectApiKind, detectWireFormat } from '../wire/detect.js';
import type { SseEvent, WireFormat } from '../wire/wire-format.js';
import type { ExchangeRecord } from './exchange.js';
import { redactQuery } from '../log/redact-secrets.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';

export interface RawExchange {
  startedAt: number;
  domain: string;
  method: string;
  pathAndQuery: string;
  requestBody: Buffer;
  upstreamProvider?: string;
  status: number;
  responseContentType: string | undefined;
  responseContentEncoding: string | undefined;
  responseChunks: Buffer[];
  /** True when the response outgrew the recording cap: what was kept is a prefix. */
  responseTruncated: boolean;
  ttfbMs: number | null;
  durationMs: number;
  aborted: boolean;
  /** The client hung up at the stream's terminal event (proxy/recorder.ts): complete without the end marker. */
  endedAtTerminalEvent?: boolean;
  error: { class: string; message: string } | null;
}

/** `id` is assigned by the caller (a monotonic ULID factory on the processing side). */
export function processExchange(raw: RawExchange, id: string): ExchangeRecord {
  const queryStart = raw.pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? raw.pathAndQuery : raw.pathAndQuery.slice(0, queryStart);
  const format = detectWireFormat(raw.method, path);
  const requestText = raw.requestBody.toString('utf8');
  const requestJson = parseJsonLoosely(requestText);
  const requestIsJson = requestJson !== undefined;

  const record: ExchangeRecord = {
    id,
    startedAt: raw.startedAt,
    domain: raw.domain,
    method: raw.method,
    path: redactQuery(raw.pathAndQuery),
    apiKind: detectApiKind(path, format),
    wireFormat: format?.id ?? 'other',
    model: modelOf(format, path, requestJson),
    upstreamProvider: raw.upstreamProvider ?? null,
    streamed: false,
    status: raw.status,
    durationMs: Math.round(raw.durationMs * 1000) / 1000,
    ttfbMs: raw.ttfbMs === null ? null : Math.round(raw.ttfbMs * 1000) / 1000,
    usage: null,
    error: raw.error,
    incomplete: raw.aborted || raw.responseTruncated,
    requestBody: requestText,
    requestIsJson,
    responseBody: '',
    sharegpt: null,
    converterVersion: CONVERTER_VERSION,
    parentKey: null,
    selfKey: null,
    turnCount: 0,
    hasTools: false,
    searchText: '',
  };

  try {
    const responseText = decodeBody(raw.responseChunks, raw.responseContentEncoding);
    const isSse = raw.responseContentType?.includes('text/event-stream') === true;
    const isJsonArrayStream = !isSse && format?.id === 'gemini' && path.includes(':streamGenerateContent');
    record.streamed = isSse || isJsonArrayStream;

    let responseJson: unknown;
    if (format && (isSse || isJsonArrayStream)) {
      const assembler = format.createStreamAssembler();
      const events = isSse ? decodeSseText(responseText) : jsonArrayEvents(responseText);
      for (const event of events) assembler.push(event);
      const assembled = assembler.finish();
      responseJson = assembled.response;
      record.responseBody = JSON.stringify(assembled.response);
      if (!assembled.complete && raw.endedAtTerminalEvent !== true) record.incomplete = true;
      if (assembled.error && !record.error) record.error = { class: `upstream_${assembled.error.type}`, message: assembled.error.message };
    } else {
      record.responseBody = responseText;
      responseJson = parseJsonLoosely(responseText);
    }

    if (!format || requestJson === undefined) return record;
    if (responseJson !== undefined) record.usage = format.usageOf(responseJson) ?? null;

    const request: RequestConversation = format.requestToConversation(requestJson, path);
    const succeeded = raw.status >= 200 && raw.status < 300 && responseJson !== undefined;
    const response: ModelResponse | null = succeeded ? format.responseToModel(responseJson) : null;
    if (response?.error && !record.error) record.error = { class: `upstream_${response.error.type}`, message: response.error.message };
    if (!record.model && response?.model) record.model = response.model;
    if (raw.status >= 400 && !record.error) record.error = { class: `http_${raw.status}`, message: errorMessageOf(responseJson) ?? `upstream answered ${raw.status}` };

    const conversation = buildConversation(request, response, { complete: !record.incomplete });
    const keys = threadKeysOf(request, response);
    record.parentKey = keys.parentKey;
    record.selfKey = response ? keys.selfKey : null;
    record.hasTools = request.tools.length > 0 || conversation.messages.some((message) => message.role === 'tool' || (message.role === 'assistant' && message.toolCalls.length > 0));
    record.searchText = searchTextOf(conversation);
    if (response && !response.error) {
      const sharegpt = conversationToShareGpt(conversation).row;
      record.sharegpt = sharegpt;
      record.turnCount = sharegpt.conversations.length;
    } else {
      record.turnCount = conversation.messages.length;
    }
  } catch (error) {
    // A converter bug must not lose the exchange: keep the raw bodies and say what failed.
    record.error ??= { class: 'capture_failed', message: (error as Error).message };
  }
  return record;
}

function modelOf(format: WireFormat | null, path: string, body: unknown): string | null {
  if (format) return format.modelOf(path, body) ?? null;
  if (typeof body === 'object' && body !== null && typeof (body as { model?: unknown }).model === 'string') {
    return (body as { model: string }).model;
  }
  return null;
}


function decodeBody(chunks: Buffer[], encoding: string | undefined): string {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes).toString('utf8');
    case 'br':
      return brotliDecompressSync(bytes).toString('utf8');
    case 'deflate':
      return inflateSync(bytes).toString('utf8');
    default:
      return bytes.toString('utf8');
  }
}

/** Gemini's non-SSE stream is one JSON array sent in pieces; a cut-off array keeps its whole elements. */
function jsonArrayEvents(text: string): SseEvent[] {
  const whole = parseJsonLoosely(text);
  if (Array.isArray(whole)) return whole.map((element) => ({ data: JSON.stringify(element) }));
  const events: SseEvent[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0 && start !== -1) {
        events.push({ data: text.slice(start, index + 1) });
        start = -1;
      }
    }
  }
  return events;
}

function errorMessageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return undefined;
}
