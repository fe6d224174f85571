// Rebuilds ONE non-streaming GenerateContentResponse from streamGenerateContent chunks.
// https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
// Each event's `data` is one GenerateContentResponse: an SSE `data:` line with ?alt=sse, or one
// element of the streamed JSON array otherwise (the capture pushes each element as an event).
//
// Merging, so the result equals what generateContent returns for the same message:
// - candidates are merged by `index`; parts are appended in order, and a text part is
//   concatenated onto the previous one when both are text of the same kind (thought or not);
// - an empty text part (Gemini 3 closes with `{"text": "", "thoughtSignature": …}`) is not a part
//   of its own: its signature moves to the previous part when that has none;
// - other candidate fields (finishReason, safetyRatings, citationMetadata...) and top-level fields
//   (usageMetadata, modelVersion, responseId, promptFeedback) are taken from the last chunk carrying them.
// - Gemini 3's streamed function-call arguments (a call opened with `willContinue`, then
//   `partialArgs` pieces, then a closing part) are folded into one whole functionCall part
//   (streamed-function-call.ts);
// Complete when a finishReason (or a prompt blockReason) was seen. An `{error}` chunk is reported
// in AssembledStream.error; when nothing else arrived, `response` is that error body itself.
import type { AssembledStream, SseEvent, StreamAssembler } from '../wire-format.js';
import { asArray, asNumber, asObject, asString, cloneJson, isObject, type JsonObject, parseJsonLoosely } from '../shared/read-json.js';
import { readField } from './read-field.js';
import { continuesStreamedCall, continueStreamedCall, opensStreamedCall, openStreamedCall, type OpenCall } from './streamed-function-call.js';

interface CandidateState {
  fields: JsonObject;
  role: unknown;
  hasContent: boolean;
  parts: JsonObject[];
  /** A call whose arguments are still streaming (streamed-function-call.ts). */
  openCall: OpenCall | undefined;
}

export function createStreamAssembler(): StreamAssembler {
  const top: JsonObject = {};
  const candidates = new Map<number, CandidateState>();
  let sawChunk = false;
  let sawTerminal = false;
  let errorBody: JsonObject | undefined;

  function pushChunk(chunk: JsonObject): void {
    if (isObject(chunk.error)) {
      errorBody = chunk;
      return;
    }
    sawChunk = true;
    for (const [key, value] of Object.entries(chunk)) {
      if (key !== 'candidates') top[key] = value;
    }
    if (asString(readField(asObject(readField(chunk, 'promptFeedback')), 'blockReason')) !== undefined) {
      sawTerminal = true;
    }
    asArray(chunk.candidates).forEach((raw, position) => {
      const candidate = asObject(raw);
      const index = asNumber(candidate.index) ?? position;
      let state = candidates.get(index);
      if (state === undefined) {
        state = { fields: {}, role: undefined, hasContent: false, parts: [], openCall: undefined };
        candidates.set(index, state);
      }
      for (const [key, value] of Object.entries(candidate)) {
        if (key !== 'content' && key !== 'index') state.fields[key] = value;
      }
      if (readField(candidate, 'finishReason') !== undefined) sawTerminal = true;
      if (isObject(candidate.content)) {
        state.hasContent = true;
        if (candidate.content.role !== undefined) state.role = candidate.content.role;
        for (const part of asArray(candidate.content.parts)) appendCandidatePart(state, asObject(part));
      }
    });
  }

  return {
    push(event: SseEvent): void {
      const data = parseJsonLoosely(event.data);
      // Tolerate a capture that hands over the whole array (or a piece of it) at once.
      for (const chunk of Array.isArray(data) ? data : [data]) {
        if (isObject(chunk)) pushChunk(chunk);
      }
    },

    finish(): AssembledStream {
      const error = errorBody === undefined ? undefined : readError(errorBody);
      if (errorBody !== undefined && !sawChunk) {
        return { response: cloneJson(errorBody), complete: false, ...(error ? { error } : {}) };
      }
      const response: JsonObject = {};
      if (candidates.size > 0) {
        response.candidates = [...candidates.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, state]) => ({
            ...(state.hasContent ? { content: { parts: state.parts, role: state.role ?? 'model' } } : {}),
            ...state.fields,
            index,
          }));
      }
      Object.assign(response, top);
      return {
        response: cloneJson(response),
        complete: sawTerminal && errorBody === undefined,
        ...(error ? { error } : {}),
      };
    },
  };
}

function appendCandidatePart(state: CandidateState, part: JsonObject): void {
  const functionCall = readField(part, 'functionCall');
  if (isObject(functionCall)) {
    if (state.openCall !== undefined && continuesStreamedCall(functionCall)) {
      if (continueStreamedCall(state.openCall, part)) state.openCall = undefined;
      return;
    }
    if (opensStreamedCall(functionCall)) {
      state.openCall = openStreamedCall(part);
      state.parts.push(state.openCall.part);
      return;
    }
  }
  appendPart(state.parts, part);
}

function appendPart(parts: JsonObject[], part: JsonObject): void {
  const text = asString(part.text);
  const last = parts[parts.length - 1];
  if (text !== undefined && isSignatureOnly(part)) {
    const signature = readField(part, 'thoughtSignature');
    if (last === undefined) {
      if (signature !== undefined) parts.push({ ...part });
    } else if (signature !== undefined && readField(last, 'thoughtSignature') === undefined) {
      last.thoughtSignature = signature;
    }
    return;
  }
  if (
    text !== undefined &&
    last !== undefined &&
    typeof last.text === 'string' &&
    (last.thought === true) === (part.thought === true)
  ) {
    last.text += text;
    const signature = readField(part, 'thoughtSignature');
    if (signature !== undefined && readField(last, 'thoughtSignature') === undefined) {
      last.thoughtSignature = signature;
    }
    return;
  }
  parts.push({ ...part });
}

/** `{text: ""}` with nothing but a signature (or a thought flag) beside it. */
function isSignatureOnly(part: JsonObject): boolean {
  return (
    part.text === '' &&
    Object.keys(part).every((key) => key === 'text' || key === 'thought' || key === 'thoughtSignature' || key === 'thought_signature')
  );
}

function readError(body: JsonObject): { type: string; message: string } {
  const error = asObject(body.error);
  const code = asNumber(error.code);
  return {
    type: asString(error.status) ?? (code !== undefined ? String(code) : 'error'),
    message: asString(error.message) ?? '',
  };
}

