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

export function createSseDecoder(onEvent: (event: SseEvent) => void): SseDecoder {
  const text = new StringDecoder('utf8');
  const parser = createParser({
    onEvent(message) {
      onEvent(message.event ? { event: message.event, data: message.data } : { data: message.data });
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
