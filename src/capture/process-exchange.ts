// Raw bytes the proxy saw → one ExchangeRecord. Runs after the response went out, never on the
// write path: decodes SSE, reassembles the stream into the provider's non-streaming shape, then
// derives the conversation, ShareGPT row and thread keys (derive-conversation.ts, as rebuild and
// export do from the stored bodies). Pure apart from
// zlib/zstd decoding (of a compressed request body too: decode-request-body.ts); never throws (a failure becomes a flagged record, so nothing is lost).
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { usageSummary } from '../conversation/model.js';
import { decodeJsonArrayStream } from '../sse/decode-json-array-stream.js';
import { decodeSseText } from '../sse/decode-sse.js';
import { streamFramingOf } from '../wire/stream-framing.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { isFunctionCallOnly } from '../training/is-function-call-only.js';
import { previewOf } from '../training/preview-of.js';
import { deriveConversation, trainingFieldsOf } from './derive-conversation.js';
import { detectApiKind, detectWireFormat } from '../wire/detect.js';
import type { WireFormat } from '../wire/wire-format.js';
import type { ExchangeRecord } from './exchange.js';
import { redactQuery } from '../log/redact-secrets.js';
import { isObject, parseJsonLoosely, stringifyJson } from '../wire/shared/read-json.js';
import { detectClient } from './detect-client.js';
import { detectSideCall } from './detect-side-call.js';
import { decodeRequestBody } from './decode-request-body.js';

export interface RawExchange {
  /** The record id, when assigned before processing (the capture journal does, so a replay stores it once). */
  id?: string;
  startedAt: number;
  domain: string;
  method: string;
  pathAndQuery: string;
  requestBody: Buffer;
  /** The request's Content-Encoding (zstd from Codex on ChatGPT…): the body is as received, decoded here. */
  requestContentEncoding?: string;
  upstreamProvider?: string;
  /** The headers that name the client (detect-client.ts CLIENT_HEADERS). */
  clientHeaders?: Readonly<Record<string, string>>;
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
  return withListFields(readExchange(raw, id));
}

/**
 * What a list screen and its filters read, computed here once so that no store derives anything
 * from a conversation (also used by rebuild-derived.ts).
 */
export function withListFields<T extends Pick<ExchangeRecord, 'sharegpt' | 'searchText' | 'preview' | 'functionCallOnly'>>(record: T): T {
  record.preview = previewOf(record);
  record.functionCallOnly = isFunctionCallOnly(record.sharegpt);
  return record;
}

function readExchange(raw: RawExchange, id: string): ExchangeRecord {
  const queryStart = raw.pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? raw.pathAndQuery : raw.pathAndQuery.slice(0, queryStart);
  const format = detectWireFormat(raw.method, path);
  const decoded = decodeRequestBody(raw.requestBody, raw.requestContentEncoding);
  const requestText = decoded.ok ? decoded.body.toString('utf8') : raw.requestBody.toString('base64');
  const requestJson = decoded.ok ? parseJsonLoosely(requestText) : undefined;
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
    error: raw.error ?? (decoded.ok ? null : decoded.error),
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
    preview: '', // set by withListFields
    functionCallOnly: false,
    // No conversation, no answer to take reasoning from (set from the derivation below).
    responseReasoning: false,
  };
  const client = detectClient(raw.clientHeaders ?? {});
  if (client !== null) {
    record.client = client.name;
    record.clientVersion = client.version;
  }

  try {
    const responseText = decodeBody(raw.responseChunks, raw.responseContentEncoding);
    const framing = streamFramingOf(format, path, raw.responseContentType);
    record.streamed = framing !== null;

    let responseJson: unknown;
    if (format && framing !== null) {
      const assembler = format.createStreamAssembler();
      const events = framing === 'sse' ? decodeSseText(responseText) : decodeJsonArrayStream(responseText);
      for (const event of events) assembler.push(event);
      const assembled = assembler.finish();
      responseJson = assembled.response;
      record.responseBody = stringifyJson(assembled.response);
      if (!assembled.complete && raw.endedAtTerminalEvent !== true) record.incomplete = true;
      if (assembled.error && !record.error) record.error = { class: `upstream_${assembled.error.type}`, message: assembled.error.message };
    } else {
      record.responseBody = responseText;
      responseJson = parseJsonLoosely(responseText);
    }

    // Non-chat endpoints (embeddings, rerank, anything without a wire format) are classified by status too.
    if (!format || requestJson === undefined) {
      if (raw.status >= 400 && !record.error) record.error = httpError(raw.status, responseJson);
      return record;
    }
    if (responseJson !== undefined) record.usage = usageSummary(format.usageOf(responseJson)) ?? null;

    const derivation = deriveConversation({ format, path, status: raw.status, requestJson, responseJson, incomplete: record.incomplete });
    if (derivation === null) return record;
    const { response } = derivation;
    const sideCall = detectSideCall(derivation.request, maxTokensOf(requestJson), isObject(requestJson) && typeof requestJson['generate'] === 'boolean' ? requestJson['generate'] : undefined);
    if (sideCall !== null) record.sideCall = sideCall;
    if (response?.error && !record.error) record.error = { class: `upstream_${response.error.type}`, message: response.error.message };
    if (!record.model && response?.model) record.model = response.model;
    if (raw.status >= 400 && !record.error) record.error = httpError(raw.status, responseJson);
    Object.assign(record, trainingFieldsOf(derivation));
  } catch (error) {
    // A converter bug must not lose the exchange: keep the raw bodies and say what failed.
    record.error ??= { class: 'capture_failed', message: (error as Error).message };
    // Unknown, not false: the export then reads the record rather than trust a half-done derivation.
    record.responseReasoning = null;
  }
  return record;
}

function maxTokensOf(body: unknown): number | undefined {
  if (!isObject(body)) return undefined;
  const value = body['max_tokens'] ?? body['max_output_tokens'];
  return typeof value === 'number' ? value : undefined;
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

function httpError(status: number, body: unknown): { class: string; message: string } {
  return { class: `http_${status}`, message: errorMessageOf(body) ?? `upstream answered ${status}` };
}

function errorMessageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return undefined;
}
