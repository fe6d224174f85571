// Gemini `streamGenerateContent?alt=sse` events → OpenAI `chat.completion.chunk` events, one Gemini
// chunk at a time, written to the client as each arrives. Per candidate (choice index):
//   first sight        → {role: 'assistant', content: ''}
//   text / thought     → {content} / {reasoning_content}
//   functionCall       → {tool_calls: [{index, id, type, function: {name, arguments: ''}}]} then
//                        {tool_calls: [{index, function: {arguments: '<json>'}}]} (Gemini sends a
//                        call whole; the two deltas are what OpenAI clients expect)
//   finishReason       → {} with finish_reason
// then, once the upstream ends: the usage chunk (`choices: []`) when include_usage, and [DONE].
// A `{error}` event becomes an OpenAI error event, which ends the stream (the OpenAI SDK throws).
// https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
import { asArray, asObject, asString, isObject, parseJsonObject, type JsonObject } from '../../wire/shared/read-json.js';
import { readField } from '../../wire/gemini/read-field.js';
import type { SseEvent } from '../../wire/wire-format.js';
import type { ChatCompletionUsage, OpenAiStreamEvent } from '../openai-chat-response.js';
import type { ChatStreamTranslator, TranslationContext } from '../provider-translator.js';
import { createChunkFactory } from '../shared/create-chunk.js';
import { geminiErrorObjectToOpenAi } from './gemini-error-to-openai.js';
import { toolCallOf } from './gemini-response-to-chat.js';
import { geminiUsageToOpenAi } from './gemini-usage-to-openai.js';
import { isPromptBlocked, mapGeminiFinishReason } from './map-gemini-finish-reason.js';

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

class GeminiStreamTranslator implements ChatStreamTranslator {
  private id: string | undefined;
  private model: string;
  private readonly candidates = new Map<number, CandidateState>();
  private usage: ChatCompletionUsage | undefined;
  private blocked = false;
  private errored = false;
  private readonly warnings: string[] = [];
  private readonly chunks;

  constructor(private readonly context: TranslationContext) {
    this.model = context.model;
    this.chunks = createChunkFactory(context, () => ({ id: this.id ?? '', model: this.model }));
  }

  push(event: SseEvent): OpenAiStreamEvent[] {
    if (this.errored) return [];
    const parsed = parseJsonObject(event.data);
    if (!parsed) return [];
    if (parsed.error !== undefined) {
      this.errored = true;
      const error = geminiErrorObjectToOpenAi(0, parsed.error);
      return error ? [error] : [];
    }
    if (this.id === undefined) {
      const responseId = asString(readField(parsed, 'responseId'));
      this.id = `chatcmpl-${responseId ?? this.context.generateId()}`;
    }
    const modelVersion = asString(readField(parsed, 'modelVersion'));
    if (modelVersion !== undefined) this.model = modelVersion;
    const usage = geminiUsageToOpenAi(readField(parsed, 'usageMetadata'));
    if (usage) this.usage = usage;

    const events: OpenAiStreamEvent[] = [];
    const candidates = asArray(parsed.candidates);
    candidates.forEach((raw, position) => {
      const candidate = asObject(raw);
      this.pushCandidate(typeof candidate.index === 'number' ? candidate.index : position, candidate, events);
    });
    if (candidates.length === 0 && this.candidates.size === 0 && isPromptBlocked(readField(asObject(readField(parsed, 'promptFeedback')), 'blockReason'))) {
      this.blocked = true;
      this.warnings.push('prompt blocked by Gemini');
      this.candidateAt(0, events).finished = true;
      events.push(this.chunks.choice(0, {}, 'content_filter'));
    }
    return events;
  }

  private candidateAt(index: number, events: OpenAiStreamEvent[]): CandidateState {
    let state = this.candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      this.candidates.set(index, state);
      events.push(this.chunks.choice(index, { role: 'assistant', content: '', refusal: null }));
    }
    return state;
  }

  private pushCandidate(index: number, candidate: JsonObject, events: OpenAiStreamEvent[]): void {
    const state = this.candidateAt(index, events);
    for (const raw of asArray(asObject(candidate.content).parts)) {
      const part = asObject(raw);
      const functionCall = readField(part, 'functionCall');
      if (isObject(functionCall)) {
        const call = toolCallOf(functionCall, asString(readField(part, 'thoughtSignature')), this.context);
        const toolIndex = state.toolCalls++;
        events.push(
          this.chunks.choice(index, {
            tool_calls: [{ index: toolIndex, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' }, ...(call.extra_content ? { extra_content: call.extra_content } : {}) }],
          }),
          this.chunks.choice(index, { tool_calls: [{ index: toolIndex, function: { arguments: call.function.arguments } }] }),
        );
      } else if (typeof part.text === 'string') {
        if (part.text === '') continue;
        events.push(this.chunks.choice(index, part.thought === true ? { reasoning_content: part.text } : { content: part.text }));
      } else {
        this.warnings.push(`candidate ${index}: ${Object.keys(part).join('/') || 'empty'} part has no OpenAI chat equivalent and was dropped`);
      }
    }
    const rawReason = asString(readField(candidate, 'finishReason'));
    if (rawReason !== undefined && !state.finished) {
      state.finished = true;
      const { finishReason, unusual } = mapGeminiFinishReason(rawReason, state.toolCalls > 0);
      if (unusual) this.warnings.push(`candidate ${index}: finishReason ${rawReason} answered as "${finishReason}"`);
      events.push(this.chunks.choice(index, {}, finishReason));
    }
  }

  finish(): { events: OpenAiStreamEvent[]; complete: boolean; warnings: string[] } {
    if (this.errored) return { events: [], complete: true, warnings: this.warnings };
    const complete = this.blocked || (this.candidates.size > 0 && [...this.candidates.values()].every((state) => state.finished));
    if (!complete) return { events: [], complete: false, warnings: this.warnings };
    const events: OpenAiStreamEvent[] = [];
    if (this.context.includeUsage) events.push(this.chunks.usage(this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }));
    events.push('[DONE]');
    return { events, complete: true, warnings: this.warnings };
  }
}

export function createGeminiStreamTranslator(context: TranslationContext): ChatStreamTranslator {
  return new GeminiStreamTranslator(context);
}
