// Google's Code Assist endpoint, which Gemini CLI calls when signed in with a Google account
// (google-gemini/gemini-cli packages/core/src/code_assist/server.ts and converter.ts):
//   POST {CODE_ASSIST_ENDPOINT}/v1internal:generateContent
//   POST {CODE_ASSIST_ENDPOINT}/v1internal:streamGenerateContent?alt=sse
// The request wraps a Gemini request: `{model, project, user_prompt_id, request: {contents, …}}`;
// the answer (and each streamed chunk) wraps a Gemini response: `{response: {candidates, …}, traceId}`.
// Capture unwraps the recorded bytes (capture/unwrap-code-assist-exchange.ts: the request becomes
// `{model, …request}`, each answer its `response`), so the record is plain Gemini; this format
// claims the paths (wire format `gemini`) and reads either shape, wrapped or not.
import { asObject, asString, isObject, parseJsonObject } from '../shared/read-json.js';
import type { SseEvent, StreamAssembler, WireFormat } from '../wire-format.js';
import { geminiFormat } from './index.js';

const CODE_ASSIST_PATH = /\/v1internal:(?:generateContent|streamGenerateContent)\/?$/;

/** The Gemini request inside a Code Assist request (the body itself when it is not wrapped). */
export function unwrapCodeAssistRequest(body: unknown): unknown {
  const wrapper = asObject(body);
  return isObject(wrapper.request) ? wrapper.request : body;
}

/** The Gemini response inside a Code Assist answer or chunk (errors and unwrapped bodies as they are). */
export function unwrapCodeAssistResponse(body: unknown): unknown {
  const wrapper = asObject(body);
  return isObject(wrapper.response) && wrapper.candidates === undefined ? wrapper.response : body;
}

export function isCodeAssistPath(path: string): boolean {
  return CODE_ASSIST_PATH.test(path);
}

/** The recorded request: the Gemini request with the model it names (`project` and ids dropped). */
export function unwrapCodeAssistRequestBody(body: unknown): unknown {
  const wrapper = asObject(body);
  if (!isObject(wrapper.request)) return body;
  return typeof wrapper.model === 'string' ? { model: wrapper.model, ...wrapper.request } : wrapper.request;
}

/** One streamed chunk (SSE data or JSON-array element), unwrapped. */
export function unwrapCodeAssistEvent(event: SseEvent): SseEvent {
  const chunk = parseJsonObject(event.data);
  if (!chunk || !isObject(chunk.response)) return event;
  return { ...event, data: JSON.stringify(unwrapCodeAssistResponse(chunk)) };
}

export const codeAssistFormat: WireFormat = {
  ...geminiFormat,
  matchesPath: (method, path) => method.toUpperCase() === 'POST' && isCodeAssistPath(path),
  isStreamRequest: (path) => path.includes(':streamGenerateContent'),
  modelOf: (_path, body) => asString(asObject(body).model),
  requestToConversation: (body, path) => geminiFormat.requestToConversation(unwrapCodeAssistRequest(body), path),
  responseToModel: (body) => geminiFormat.responseToModel(unwrapCodeAssistResponse(body)),
  usageOf: (body) => geminiFormat.usageOf(unwrapCodeAssistResponse(body)),
  createStreamAssembler(): StreamAssembler {
    const inner = geminiFormat.createStreamAssembler();
    return {
      push: (event) => inner.push(unwrapCodeAssistEvent(event)),
      finish: () => inner.finish(),
    };
  },
};
