import { describe, expect, it } from 'vitest';
import { createRecorder } from './create-recorder.js';
import type { RawExchange } from './process-exchange.js';

const start = { startedAt: 1, domain: 'api.example.com', method: 'POST', pathAndQuery: '/v1/chat/completions', requestBody: Buffer.from('{}'), requestContentType: 'application/json' };

describe('createRecorder', () => {
  it('hands each ended exchange to the sink on a later turn, with the chunks it saw', async () => {
    const seen: RawExchange[] = [];
    const recorder = createRecorder({ sink: (raw) => seen.push(raw) });
    const handle = recorder.start(start);
    handle.onResponseStart(200, { 'content-type': 'text/event-stream' }, 1.5);
    handle.onChunk(Buffer.from('data: a\n\n'));
    handle.onChunk(Buffer.from('data: b\n\n'));
    handle.onEnd({ durationMs: 3, aborted: false });
    expect(seen).toHaveLength(0);
    expect(recorder.pending()).toBe(1);
    await recorder.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 200, responseContentType: 'text/event-stream', ttfbMs: 1.5, responseTruncated: false });
    expect(Buffer.concat(seen[0]!.responseChunks).toString()).toBe('data: a\n\ndata: b\n\n');
  });

  it('keeps at most maxResponseBytes of a response and flags it truncated', async () => {
    const seen: RawExchange[] = [];
    const recorder = createRecorder({ sink: (raw) => seen.push(raw), maxResponseBytes: 10 });
    const handle = recorder.start(start);
    handle.onResponseStart(200, {}, 1);
    handle.onChunk(Buffer.from('123456'));
    handle.onChunk(Buffer.from('7890ab'));
    handle.onChunk(Buffer.from('c'));
    handle.onEnd({ durationMs: 2, aborted: false });
    await recorder.drain();
    expect(seen[0]!.responseTruncated).toBe(true);
    expect(Buffer.concat(seen[0]!.responseChunks).toString()).toBe('123456');
  });

  it('records the status the proxy answered itself when the upstream failed', async () => {
    const seen: RawExchange[] = [];
    const recorder = createRecorder({ sink: (raw) => seen.push(raw) });
    recorder.start(start).onEnd({ durationMs: 5, aborted: false, proxyStatus: 504, error: { class: 'upstream_timeout', message: 'timed out' } });
    await recorder.drain();
    expect(seen[0]).toMatchObject({ status: 504, error: { class: 'upstream_timeout', message: 'timed out' } });
  });
});
