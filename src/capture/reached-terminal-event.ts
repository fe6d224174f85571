// Whether a recorded response holds its wire format's terminal event: asked when the client hung
// up before the upstream closed (Codex closes as soon as it reads `response.completed`), so an
// answer the client got whole is recorded complete and one it left early stays incomplete. The
// fact itself lives in each format's folder (wire/<format>/detect-terminal-event.ts, on the
// WireFormat); this file only frames the bytes (wire/stream-framing.ts) and asks the format.
import { decodeJsonArrayStream } from '../sse/decode-json-array-stream.js';
import { decodeSseText } from '../sse/decode-sse.js';
import { detectWireFormat } from '../wire/detect.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';
import { streamFramingOf } from '../wire/stream-framing.js';

export interface RecordedResponse {
  method: string;
  pathAndQuery: string;
  requestBody: Buffer;
  contentType: string | undefined;
  chunks: readonly Buffer[];
}

export function reachedTerminalEvent(recorded: RecordedResponse): boolean {
  const queryStart = recorded.pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? recorded.pathAndQuery : recorded.pathAndQuery.slice(0, queryStart);
  const format = detectWireFormat(recorded.method, path);
  if (!format || recorded.chunks.length === 0) return false;
  const text = Buffer.concat(recorded.chunks).toString('utf8');
  const framing = streamFramingOf(format, path, recorded.contentType);
  // A whole non-streamed answer arrived when its JSON parses; a stream, when its terminal event came.
  if (framing === null) return parseJsonLoosely(text) !== undefined;
  const events = framing === 'sse' ? decodeSseText(text) : decodeJsonArrayStream(text);
  const isTerminal = format.createTerminalWatch(parseJsonLoosely(recorded.requestBody.toString('utf8')));
  return events.some(isTerminal);
}
