// For the OpenAI-compatible entry's tests: one loopback fake that speaks Gemini's, Anthropic's and
// OpenAI's exact wire formats, answering per model name (the translated request carries no test
// header), and the real recorder and capture processing with the records kept in memory.
import type { ServerResponse } from 'node:http';
import { createRecorder } from '../../src/capture/create-recorder.js';
import type { ExchangeRecord } from '../../src/capture/exchange.js';
import { processExchange } from '../../src/capture/process-exchange.js';
import type { RecordingService } from '../../src/main.js';
import { framesOf, json, sse, startFakeUpstream, type FakeUpstream, type ReceivedRequest, type Responder } from './fake-upstream.js';
import { fixtureJson, fixtureText } from './fixtures.js';
import { waitFor } from './wait-for.js';

export interface CompatUpstream {
  upstream: FakeUpstream;
  /** `localhost:PORT`: the allowlist key and route domain. */
  domain: string;
  /** The answer for a model (Gemini: from the path; others: from the body's `model`). */
  answer(model: string, responder: Responder): void;
  /** The last request the fake received whose path starts with `pathPrefix`. */
  last(pathPrefix: string): ReceivedRequest & { json: Record<string, unknown> };
  close(): Promise<void>;
}

const GEMINI_PATH = /^\/v1beta\/models\/([^:/?]+):/;

export async function startCompatUpstream(): Promise<CompatUpstream> {
  const upstream = await startFakeUpstream();
  const answers = new Map<string, Responder>();
  upstream.fallback((request, response) => {
    const geminiModel = GEMINI_PATH.exec(request.url)?.[1];
    const model = geminiModel ?? bodyModel(request);
    const responder = model !== undefined ? answers.get(decodeURIComponent(model)) : undefined;
    if (!responder) return json(404, { error: { message: `fake upstream: no answer for model ${String(model)} at ${request.url}` } })(request, response);
    return responder(request, response);
  });
  return {
    upstream,
    domain: `localhost:${upstream.port}`,
    answer(model, responder) {
      answers.set(model, responder);
    },
    last(pathPrefix) {
      const found = [...upstream.received].reverse().find((request) => request.url.startsWith(pathPrefix));
      if (!found) throw new Error(`the fake upstream received nothing on ${pathPrefix}`);
      return { ...found, json: found.body.length > 0 ? (JSON.parse(found.body.toString('utf8')) as Record<string, unknown>) : {} };
    },
    close: () => upstream.close(),
  };
}

function bodyModel(request: ReceivedRequest): string | undefined {
  try {
    const model = (JSON.parse(request.body.toString('utf8')) as { model?: unknown }).model;
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined;
  }
}

/** Replays a recorded fixture of `format`: the SSE capture when the request streams, else the JSON. */
export function replay(format: 'gemini' | 'anthropic-messages' | 'openai-chat', name: string): Responder {
  return (request: ReceivedRequest, response: ServerResponse) => {
    const streams = request.url.includes(':streamGenerateContent') || bodyStreams(request);
    if (streams) return sse(framesOf(fixtureText(format, `${name}.chunks.txt`).replace(/\r\n/g, '\n')))(request, response);
    return json(200, fixtureJson(format, `${name}.json`))(request, response);
  };
}

function bodyStreams(request: ReceivedRequest): boolean {
  try {
    return (JSON.parse(request.body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

export interface MemoryRecording extends RecordingService {
  records: ExchangeRecord[];
  /** Waits for the `count`-th record (1-based) and returns it. */
  nth(count: number): Promise<ExchangeRecord>;
}

export function memoryRecording(): MemoryRecording {
  const records: ExchangeRecord[] = [];
  // What the recording side does with each ended exchange, minus the store.
  const recorder = createRecorder({ sink: (raw) => records.push(processExchange(raw, `record-${records.length + 1}`)) });
  return {
    records,
    recorder,
    health: async () => ({ recording: true, records: records.length }),
    close: () => recorder.drain(),
    async nth(count) {
      await waitFor(() => records.length >= count, 10_000, `record ${count}`);
      return records[count - 1]!;
    },
  };
}
