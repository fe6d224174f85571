// How a recorded response body is framed: SSE (any format, by its content type), one JSON array
// sent in pieces (a format that says so: Gemini), or a whole body (null). The format owns the fact;
// this only asks it.
import type { WireFormat } from './wire-format.js';

export type StreamFraming = 'sse' | 'json-array';

export function streamFramingOf(format: WireFormat | undefined | null, path: string, contentType: string | undefined): StreamFraming | null {
  if (contentType?.includes('text/event-stream') === true) return 'sse';
  return format?.isJsonArrayStream?.(path) === true ? 'json-array' : null;
}
