// Whether a recorded response holds its wire format's terminal event: asked when the client hung
// up before the upstream closed (Codex closes as soon as it reads `response.completed`), so an
// answer the client got whole is recorded complete and one it left early stays incomplete. The
// fact itself lives in each format's folder (wire/<format>/detect-terminal-event.ts); this file
// only frames the bytes (SSE, or Gemini's JSON array) and asks the format.
import { decodeJsonArrayStream } from '../sse/decode-json-array-stream.js';
import { decodeSseText } from '../sse/decode-sse.js';
import { createTerminalWatch as anthropicMessages } from '../wire/anthropic-messages/detect-terminal-event.js';
import { detectWireFormat } from '../wire/detect.js';
import { createTerminalWatch as gemini } from '../wire/gemini/detect-terminal-event.js';
import { createTerminalWatch as openaiChat } from '../wire/openai-chat/detect-terminal-event.js';
import { createTerminalWatch as openaiResponses } from '../wire/openai-responses/detect-terminal-event.js';
import { parseJsonLoosely } from '../wire/shared/read-json.js';
import type { SseEvent, WireFormatId } from '../wire/wire-format.js';

const TERMINAL_WATCHES: Record<WireFormatId, (requestBody: unknown) => (event: SseEvent) => boolean> = {
  'openai-chat': openaiChat,
  'openai-responses': openaiResponses,
  'anthropic-messages': anthropicMessages,
  gemini,
};

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
  const isSse = recorded.contentType?.includes('text/event-stream') === true;
  // A whole non-streamed answer arrived when its JSON parses; a stream, when its terminal event came.
  if (!isSse && !(format.id === 'gemini' && path.includes(':streamGenerateContent'))) return parseJsonLoosely(text) !== undefined;
  const events = isSse ? decodeSseText(text) : decodeJsonArrayStream(text);
  const isTerminal = TERMINAL_WATCHES[format.id](parseJsonLoosely(recorded.requestBody.toString('utf8')));
  return events.some(isTerminal);
}
