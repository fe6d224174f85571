// The SSE decoder, including the one thing outside SSE framing it reads: a JSON body a server wrote
// raw into the stream (Gemini's pretty-printed mid-stream `{"error": …}`).
import { describe, expect, it } from 'vitest';
import { createSseDecoder, decodeSseText } from './decode-sse.js';

describe('decodeSseText', () => {
  it('decodes data events with their event names, a line break split across feeds included', () => {
    const events: unknown[] = [];
    const decoder = createSseDecoder((event) => events.push(event));
    decoder.feed('event: ping\ndata: {"a"');
    decoder.feed(':1}\n\ndata: x\r');
    decoder.feed('\n\r\n');
    decoder.end();
    expect(events).toEqual([{ event: 'ping', data: '{"a":1}' }, { data: 'x' }]);
  });

  it('hands a pretty-printed JSON body written outside SSE framing on as one event', () => {
    const text = 'data: {"n":1}\n\n{\n  "error": {\n    "code": 429,\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}\n';
    expect(decodeSseText(text)).toEqual([{ data: '{"n":1}' }, { data: '{\n  "error": {\n    "code": 429,\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}' }]);
  });

  it('ignores stray lines that are not JSON, and a JSON body that never closes', () => {
    expect(decodeSseText('hello world\ndata: ok\n\n{"error": {"code": 5')).toEqual([{ data: 'ok' }]);
  });
});
