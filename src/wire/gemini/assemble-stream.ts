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
import { asArray, asNumber, asObject, asString, cloneJson, isObject, type JsonObject, parseJsonLoosely, stringifyJson } from '../shared/read-json.js';
import type { StreamListener } from '../../conversation/stream-part.js';
import { isPromptBlocked, mapFinishReason } from './map-finish-reason.js';
import { readField } from './read-field.js';
import { continuesStreamedCall, continueStreamedCall, opensStreamedCall, openStreamedCall, type OpenCall } from './streamed-function-call.js';

interface CandidateState {
  /** The listener's view: the kind of the last part told (runs), calls told, finish told. */
  lastKind: 'text' | 'thought' | 'other' | undefined;
  textTold: boolean;
  reasoningTold: boolean;
  toolCalls: number;
  finished: boolean;
  fields: JsonObject;
  role: unknown;
  hasContent: boolean;
  parts: JsonObject[];
  /** A call whose arguments are still streaming (streamed-function-call.ts). */
  openCall: OpenCall | undefined;
}

export function createStreamAssembler(listener?: StreamListener): StreamAssembler {
  const top: JsonObject = {};
  let started = false;
  const candidates = new Map<number, CandidateState>();
  let sawChunk = false;
  let sawTerminal = false;
  let errorBody: JsonObject | undefined;

  function pushChunk(chunk: JsonObject): void {
    if (isObject(chunk.error)) {
      errorBody = chunk;
      listener?.({ type: 'error', error: readError(chunk), raw: chunk.error });
      return;
    }
    sawChunk = true;
    if (listener !== undefined && !started) {
      started = true;
      const id = asString(readField(chunk, 'responseId'));
      const model = asString(readField(chunk, 'modelVersion'));
      listener({ type: 'response-start', ...(id !== undefined ? { id } : {}), ...(model !== undefined ? { model } : {}) });
    }
    for (const [key, value] of Object.entries(chunk)) {
      if (key !== 'candidates') top[key] = value;
    }
    const blockReason = readField(asObject(readField(chunk, 'promptFeedback')), 'blockReason');
    if (asString(blockReason) !== undefined) {
      sawTerminal = true;
      if (listener !== undefined && asArray(chunk.candidates).length === 0 && candidates.size === 0 && isPromptBlocked(blockReason)) {
        listener({ type: 'finish', choice: 0, finishReason: { unified: 'content_filter', raw: blockReason } });
      }
    }
    asArray(chunk.candidates).forEach((raw, position) => {
      const candidate = asObject(raw);
      const index = asNumber(candidate.index) ?? position;
      let state = candidates.get(index);
      if (state === undefined) {
        state = { lastKind: undefined, textTold: false, reasoningTold: false, toolCalls: 0, finished: false, fields: {}, role: undefined, hasContent: false, parts: [], openCall: undefined };
        candidates.set(index, state);
      }
      for (const [key, value] of Object.entries(candidate)) {
        if (key !== 'content' && key !== 'index') state.fields[key] = value;
      }
      if (isObject(candidate.content)) {
        state.hasContent = true;
        if (candidate.content.role !== undefined) state.role = candidate.content.role;
        for (const part of asArray(candidate.content.parts)) {
          const closed = appendCandidatePart(state, asObject(part));
          if (listener !== undefined) tellPart(listener, index, state, asObject(part), closed);
        }
      }
      const finishReason = asString(readField(candidate, 'finishReason'));
      if (finishReason !== undefined) {
        sawTerminal = true;
        if (listener !== undefined && !state.finished) {
          state.finished = true;
          listener({ type: 'finish', choice: index, finishReason: mapFinishReason(finishReason, state.toolCalls > 0) });
        }
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

/** Appends a part; answers the streamed call this part closed, if it closed one. */
function appendCandidatePart(state: CandidateState, part: JsonObject): JsonObject | undefined {
  const functionCall = readField(part, 'functionCall');
  if (isObject(functionCall)) {
    if (state.openCall !== undefined && continuesStreamedCall(functionCall)) {
      const open = state.openCall;
      if (!continueStreamedCall(open, part)) return undefined;
      state.openCall = undefined;
      return open.part;
    }
    if (opensStreamedCall(functionCall)) {
      state.openCall = openStreamedCall(part);
      state.parts.push(state.openCall.part);
      return undefined;
    }
  }
  appendPart(state.parts, part);
  return undefined;
}

/**
 * Tells one arriving part as canonical stream parts, with runs decided as model-parts-to-message
 * reads them: text after a thought or a call starts a new run, every new thought run too. A whole
 * functionCall is told at once; a streamed one when its closing part arrives.
 */
function tellPart(listener: StreamListener, choice: number, state: CandidateState, part: JsonObject, closed: JsonObject | undefined): void {
  const text = asString(part.text);
  if (text !== undefined) {
    if (text === '') return;
    if (part.thought === true) {
      listener({ type: 'reasoning-delta', choice, text, ...(state.reasoningTold && state.lastKind !== 'thought' ? { newRun: true as const } : {}) });
      state.reasoningTold = true;
      state.lastKind = 'thought';
    } else {
      listener({ type: 'text-delta', choice, text, ...(state.textTold && state.lastKind !== 'text' ? { newRun: true as const } : {}) });
      state.textTold = true;
      state.lastKind = 'text';
    }
    return;
  }
  const functionCall = readField(part, 'functionCall');
  if (isObject(functionCall) && (opensStreamedCall(functionCall) || (state.openCall !== undefined && continuesStreamedCall(functionCall)))) {
    state.lastKind = 'other';
    return; // still streaming: told whole once closed
  }
  const whole = closed ?? (isObject(functionCall) ? part : undefined);
  if (whole !== undefined) {
    const call = asObject(readField(whole, 'functionCall'));
    const index = state.toolCalls++;
    const id = asString(call.id);
    const signature = asString(readField(whole, 'thoughtSignature'));
    listener({ type: 'tool-call-start', choice, index, ...(id !== undefined ? { id } : {}), name: asString(call.name) ?? '', ...(signature !== undefined ? { signature } : {}) });
    listener({ type: 'tool-call-delta', choice, index, argumentsText: stringifyJson(isObject(call.args) ? call.args : {}) });
    listener({ type: 'tool-call-end', choice, index });
  }
  state.lastKind = 'other';
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

