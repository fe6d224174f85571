// Records a Responses API WebSocket session (Codex's default transport: `GET …/responses` with
// Upgrade) as the exchanges the HTTP transport would have made: each `response.create` the client
// sends, with the events the upstream answers up to `response.completed` (or `.failed`,
// `.incomplete`, an `error` frame), becomes one streamed `openai-responses` exchange, its request
// the create payload and its response the events framed as SSE, exactly as `POST /responses` with
// `stream: true` records it, so threads and export read it unchanged.
//
// On the relay's path this keeps references to the frames and reads only a frame's leading
// `"type"` (a bounded prefix test; JSON.parse only when the type is not first). Everything else
// (parsing the create payload, rebuilding an incremental request, SSE framing) runs once the
// response has ended, on a later turn of the event loop.
//
// Incremental requests: on one connection, Codex sends the next turn as `previous_response_id`
// plus only the items after the previous request's input and the previous response's output
// (codex-rs core/src/client.rs, prepare_websocket_request; `response.append` in the older
// protocol). The server reads such a request against the connection's previous one; the record
// does the same, so each record holds the whole input, as over HTTP. A `previous_response_id`
// this connection did not produce is recorded as sent.
import type { Recorder } from '../recorder.js';
import type { SseEvent } from '../../wire/wire-format.js';

/** How one turn ended, for the access line and metrics. */
export interface TurnSummary {
  status: number;
  complete: boolean;
  durationMs: number;
  ttfbMs: number | null;
  requestBytes: number;
  responseBytes: number;
}

export interface ResponsesWebSocketRecordingOptions {
  recorder: Recorder | null;
  domain: string;
  /** The upgraded request's path and query after the domain segment (`/v1/responses`). */
  pathAndQuery: string;
  clientHeaders: Readonly<Record<string, string>>;
  /** The Responses format's terminal-event test (wire/openai-responses/detect-terminal-event.ts). */
  isTerminal: (event: SseEvent) => boolean;
  onTurnEnd?: (turn: TurnSummary) => void;
  /** Wall clock (record `startedAt`) and a monotonic clock (durations); injectable for tests. */
  now?: () => number;
  clock?: () => number;
}

export interface ResponsesWebSocketRecording {
  /** A message the client sent (already forwarded upstream). */
  fromClient(data: Buffer, isBinary: boolean): void;
  /** A message the upstream sent (already forwarded to the client). */
  fromUpstream(data: Buffer, isBinary: boolean): void;
  /** The connection ended; a response under way is recorded incomplete. */
  close(by: 'client' | 'upstream' | 'proxy', code: number): void;
}

interface Turn {
  startedAt: number;
  start: number;
  request: Buffer;
  append: boolean;
  frames: Array<{ type: string | undefined; data: Buffer }>;
  firstEventAt: number | null;
  responseBytes: number;
  status: number;
}

/** What the next incremental request is read against. */
interface PreviousTurn {
  responseId: string | undefined;
  body: Record<string, unknown>;
  output: unknown[];
}

/** `{"type":"…"` at the start of a frame (how OpenAI and Codex serialise events); 256 bytes is plenty. */
const LEADING_TYPE = /^\s*\{\s*"type"\s*:\s*"([^"\\]{1,100})"/;

export function typeOfFrame(data: Buffer): string | undefined {
  const head = data.toString('latin1', 0, Math.min(data.length, 256));
  const match = LEADING_TYPE.exec(head);
  if (match) return match[1];
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

export function createResponsesWebSocketRecording(options: ResponsesWebSocketRecordingOptions): ResponsesWebSocketRecording {
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (() => performance.now());
  let turn: Turn | null = null;
  // Read and written only inside the deferred `record` calls, which run in order (setImmediate is FIFO).
  let previous: PreviousTurn | null = null;

  const end = (ended: Turn, outcome: { complete: boolean; error?: { class: string; message: string } }) => {
    const durationMs = clock() - ended.start;
    const ttfbMs = ended.firstEventAt === null ? null : ended.firstEventAt - ended.start;
    options.onTurnEnd?.({ status: ended.status, complete: outcome.complete, durationMs, ttfbMs, requestBytes: ended.request.length, responseBytes: ended.responseBytes });
    setImmediate(() => {
      const { body, requestBody } = requestOf(ended, previous);
      if (outcome.complete) previous = { responseId: responseIdOf(ended), body, output: outputItemsOf(ended) };
      else previous = null;
      const recorder = options.recorder;
      if (!recorder) return;
      const handle = recorder.start({
        startedAt: ended.startedAt,
        domain: options.domain,
        method: 'POST',
        pathAndQuery: options.pathAndQuery,
        requestBody,
        requestContentType: 'application/json',
        clientHeaders: options.clientHeaders,
      });
      handle.onResponseStart(ended.status, { 'content-type': 'text/event-stream' }, ttfbMs ?? durationMs);
      for (const frame of ended.frames) handle.onChunk(sseFrameOf(frame.type, frame.data));
      handle.onEnd({ durationMs, aborted: !outcome.complete, ...(outcome.error ? { error: outcome.error } : {}) });
    });
  };

  return {
    fromClient(data, isBinary) {
      if (isBinary) return;
      const type = typeOfFrame(data);
      if (type !== 'response.create' && type !== 'response.append') return;
      // A new request while one is under way: the server answers the new one; the old one ended unanswered.
      if (turn) end(turn, { complete: false, error: { class: 'superseded', message: 'the client sent another request before this response ended' } });
      turn = { startedAt: now(), start: clock(), request: data, append: type === 'response.append', frames: [], firstEventAt: null, responseBytes: 0, status: 200 };
    },
    fromUpstream(data, isBinary) {
      const current = turn;
      if (!current || isBinary) return;
      current.firstEventAt ??= clock();
      current.responseBytes += data.length;
      const type = typeOfFrame(data);
      current.frames.push({ type, data });
      if (type === 'error') {
        // Codex reads `{"type":"error","status":429,…}` as that HTTP status (responses_websocket.rs).
        current.status = statusOfErrorFrame(data) ?? current.status;
        turn = null;
        end(current, { complete: true });
      } else if (options.isTerminal(type === undefined ? { data: data.toString('utf8') } : { event: type, data: '' })) {
        turn = null;
        end(current, { complete: true });
      }
    },
    close(by, code) {
      const current = turn;
      turn = null;
      if (!current) return;
      if (by === 'client') end(current, { complete: false });
      else end(current, { complete: false, error: { class: by === 'upstream' ? 'upstream_closed' : 'proxy_closed', message: `the ${by === 'upstream' ? 'upstream' : 'proxy'} closed the WebSocket (code ${code}) before the response ended` } });
    },
  };
}

/** The request as `POST /responses` would have carried it: no `type`, the incremental input made whole. */
function requestOf(turn: Turn, previous: PreviousTurn | null): { body: Record<string, unknown>; requestBody: Buffer } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(turn.request.toString('utf8'));
  } catch {
    return { body: {}, requestBody: turn.request };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { body: {}, requestBody: turn.request };
  const { type: _type, ...payload } = parsed as Record<string, unknown>;
  let body: Record<string, unknown> = payload;
  const newInput = Array.isArray(payload['input']) ? (payload['input'] as unknown[]) : null;
  if (turn.append && previous && newInput) {
    body = { ...previous.body, input: [...inputOf(previous.body), ...previous.output, ...newInput] };
  } else if (previous && newInput && typeof payload['previous_response_id'] === 'string' && payload['previous_response_id'] === previous.responseId) {
    const { previous_response_id: _previousId, ...rest } = payload;
    body = { ...rest, input: [...inputOf(previous.body), ...previous.output, ...newInput] };
  }
  return { body, requestBody: Buffer.from(JSON.stringify(body), 'utf8') };
}

function inputOf(body: Record<string, unknown>): unknown[] {
  const input = body['input'];
  if (Array.isArray(input)) return input;
  // A string input is one user message (Responses API, "input").
  return typeof input === 'string' ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }] : [];
}

function parseFrame(data: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The items the response added, in order (Codex compares against `response.output_item.done` items). */
function outputItemsOf(turn: Turn): unknown[] {
  const items: unknown[] = [];
  for (const frame of turn.frames) {
    if (frame.type !== 'response.output_item.done') continue;
    const item = parseFrame(frame.data)?.['item'];
    if (item !== undefined) items.push(item);
  }
  return items;
}

function responseIdOf(turn: Turn): string | undefined {
  for (const frame of turn.frames) {
    if (frame.type !== 'response.created' && frame.type !== 'response.completed') continue;
    const response = parseFrame(frame.data)?.['response'];
    const id = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

function statusOfErrorFrame(data: Buffer): number | undefined {
  const frame = parseFrame(data);
  const status = frame?.['status'] ?? frame?.['status_code'];
  return typeof status === 'number' && status >= 100 && status < 600 ? status : undefined;
}

/** One event as the HTTP transport frames it (a frame that spans lines keeps one `data:` per line). */
function sseFrameOf(type: string | undefined, data: Buffer): Buffer {
  const text = data.toString('utf8');
  const lines = text.includes('\n') ? text.split(/\r?\n/).map((line) => `data: ${line}`).join('\n') : `data: ${text}`;
  return Buffer.from(`${type !== undefined ? `event: ${type}\n` : ''}${lines}\n\n`, 'utf8');
}
