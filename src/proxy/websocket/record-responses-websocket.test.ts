import { describe, expect, it } from 'vitest';
import { createTerminalWatch } from '../../wire/openai-responses/detect-terminal-event.js';
import type { ExchangeOutcome, ExchangeStart, Recorder } from '../recorder.js';
import { createResponsesWebSocketRecording, typeOfFrame } from './record-responses-websocket.js';

interface Captured {
  start: ExchangeStart;
  status: number;
  chunks: Buffer[];
  outcome?: ExchangeOutcome;
}

function capturingRecorder(): { recorder: Recorder; captured: Captured[] } {
  const captured: Captured[] = [];
  const recorder: Recorder = {
    start(start) {
      const entry: Captured = { start, status: 0, chunks: [] };
      captured.push(entry);
      return {
        onResponseStart: (status) => (entry.status = status),
        onChunk: (chunk) => entry.chunks.push(chunk),
        onEnd: (outcome) => (entry.outcome = outcome),
        reachedTerminalEvent: () => false,
      };
    },
  };
  return { recorder, captured };
}

const frame = (value: unknown) => Buffer.from(JSON.stringify(value));
const settle = () => new Promise((resolve) => setImmediate(resolve));
const item = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there' }] };
const answer = (id: string) => [
  frame({ type: 'response.created', response: { id, status: 'in_progress', output: [] } }),
  frame({ type: 'response.output_item.done', output_index: 0, item }),
  frame({ type: 'response.completed', response: { id, status: 'completed', output: [item] } }),
];
const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

function session() {
  const { recorder, captured } = capturingRecorder();
  const recording = createResponsesWebSocketRecording({ recorder, domain: 'api.openai.com', pathAndQuery: '/v1/responses', clientHeaders: {}, isTerminal: createTerminalWatch(undefined) });
  const turn = (request: unknown, events: Buffer[]) => {
    recording.fromClient(frame(request), false);
    for (const event of events) recording.fromUpstream(event, false);
  };
  return { recording, captured, turn };
}

describe('createResponsesWebSocketRecording', () => {
  it('reads the type of a frame from its start, or by parsing when it is not first', () => {
    expect(typeOfFrame(frame({ type: 'response.completed', response: {} }))).toBe('response.completed');
    expect(typeOfFrame(Buffer.from(' {\n  "type" : "error", "status": 429}'))).toBe('error');
    expect(typeOfFrame(frame({ sequence_number: 3, type: 'response.output_text.delta' }))).toBe('response.output_text.delta');
    expect(typeOfFrame(Buffer.from('not json'))).toBeUndefined();
  });

  it('records one exchange per response.create, the events framed as SSE, the type field dropped', async () => {
    const { captured, turn } = session();
    turn({ type: 'response.create', model: 'gpt-5', input: [user('Hi')] }, answer('resp_1'));
    await settle();
    expect(captured).toHaveLength(1);
    expect(captured[0]!.start).toMatchObject({ method: 'POST', pathAndQuery: '/v1/responses', domain: 'api.openai.com', requestContentType: 'application/json' });
    expect(JSON.parse(captured[0]!.start.requestBody.toString())).toEqual({ model: 'gpt-5', input: [user('Hi')] });
    expect(Buffer.concat(captured[0]!.chunks).toString()).toMatch(/^event: response\.created\ndata: \{.*\}\n\nevent: response\.output_item\.done\n/);
    expect(captured[0]!.outcome).toMatchObject({ aborted: false });
  });

  it('makes an incremental turn whole: previous input, previous output, new items', async () => {
    const { captured, turn } = session();
    turn({ type: 'response.create', model: 'gpt-5', input: [user('Hi')] }, answer('resp_1'));
    turn({ type: 'response.create', model: 'gpt-5', previous_response_id: 'resp_1', input: [user('And then?')] }, answer('resp_2'));
    // The older protocol's append: the previous request's settings, the input continued.
    turn({ type: 'response.append', input: [user('Thanks')] }, answer('resp_3'));
    await settle();
    expect(JSON.parse(captured[1]!.start.requestBody.toString())).toEqual({ model: 'gpt-5', input: [user('Hi'), item, user('And then?')] });
    expect(JSON.parse(captured[2]!.start.requestBody.toString())).toEqual({ model: 'gpt-5', input: [user('Hi'), item, user('And then?'), item, user('Thanks')] });
  });

  it('keeps a previous_response_id this connection did not produce as sent', async () => {
    const { captured, turn } = session();
    turn({ type: 'response.create', model: 'gpt-5', previous_response_id: 'resp_stored', input: [user('More')] }, answer('resp_9'));
    await settle();
    expect(JSON.parse(captured[0]!.start.requestBody.toString())).toEqual({ model: 'gpt-5', previous_response_id: 'resp_stored', input: [user('More')] });
  });

  it('ends a turn left unanswered: by the client (aborted), by the upstream (with the reason), superseded by the next request', async () => {
    const { recording, captured, turn } = session();
    turn({ type: 'response.create', model: 'a', input: [] }, answer('resp_1').slice(0, 1));
    turn({ type: 'response.create', model: 'b', input: [] }, answer('resp_2').slice(0, 2));
    recording.close('upstream', 1011);
    turn({ type: 'response.create', model: 'c', input: [] }, answer('resp_3').slice(0, 1));
    recording.close('client', 1000);
    await settle();
    expect(captured.map((entry) => [JSON.parse(entry.start.requestBody.toString()).model, entry.outcome?.aborted, entry.outcome?.error?.class])).toEqual([
      ['a', true, 'superseded'],
      ['b', true, 'upstream_closed'],
      ['c', true, undefined],
    ]);
  });

  it("an error frame ends the turn with the frame's status; frames outside a turn and binary frames are not recorded", async () => {
    const { recording, captured, turn } = session();
    recording.fromUpstream(frame({ type: 'codex.rate_limits' }), false);
    turn({ type: 'response.create', model: 'a', input: [] }, [frame({ type: 'error', status: 429, error: { type: 'usage_limit_reached', message: 'limit' } })]);
    recording.fromClient(Buffer.from([1, 2, 3]), true);
    await settle();
    expect(captured).toHaveLength(1);
    expect(captured[0]!.status).toBe(429);
    expect(captured[0]!.outcome?.aborted).toBe(false);
  });
});
