// Bytes in, events out: the one SSE decoder for every wire format (eventsource-parser underneath).
// Handles a multi-byte character or a line break split across two chunks, since the decoder and
// the parser both keep state between feeds.
import { createParser } from 'eventsource-parser';
import { StringDecoder } from 'node:string_decoder';
import type { SseEvent } from '../wire/wire-format.js';

export interface SseDecoder {
  feed(chunk: Uint8Array | string): void;
  /** Flushes a final event that had no trailing blank line. */
  end(): void;
}

/** A bare JSON body outside SSE framing is not gathered past this size (an error body is small). */
const MAX_BARE_JSON = 64 * 1024;

export function createSseDecoder(onEvent: (event: SseEvent) => void): SseDecoder {
  const text = new StringDecoder('utf8');
  // Gemini (and Vertex) abort a 200 stream by writing a pretty-printed `{"error": …}` body straight
  // into it, outside SSE framing: its lines are no SSE fields. They are gathered from a line that
  // opens with `{` or `[` until they parse as JSON, and handed on as one event, so the wire format
  // sees the error like any other event instead of a stream that merely stopped.
  let bare = '';
  const flushBare = (): void => {
    if (bare === '') return;
    try {
      JSON.parse(bare);
    } catch {
      return;
    }
    onEvent({ data: bare });
    bare = '';
  };
  const parser = createParser({
    onEvent(message) {
      bare = '';
      onEvent(message.event ? { event: message.event, data: message.data } : { data: message.data });
    },
    onError(error) {
      if (error.type !== 'unknown-field' || error.line === undefined) return;
      const line = error.line;
      if (bare === '' && !/^\s*[[{]/.test(line)) return;
      if (bare.length + line.length > MAX_BARE_JSON) {
        bare = '';
        return;
      }
      bare += (bare === '' ? '' : '\n') + line;
      flushBare();
    },
  });
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? chunk : text.write(chunk as Buffer));
    },
    end() {
      const rest = text.end();
      // A terminating blank line makes the parser dispatch an event still pending.
      parser.feed(rest + '\n\n');
    },
  };
}

/** Decodes a whole SSE text at once (fixtures, tests). */
export function decodeSseText(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = createSseDecoder((event) => events.push(event));
  decoder.feed(text);
  decoder.end();
  return events;
}
