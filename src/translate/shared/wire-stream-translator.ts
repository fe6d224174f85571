// A provider's stream → OpenAI `chat.completion.chunk` events, as each event arrives. It holds no
// reading of its own: the wire format's stream assembler interprets every provider event (the
// same one that reassembles the recording) and tells canonical stream parts
// (conversation/stream-part.ts); this maps each part to its chunk:
//   response-start          → {role: 'assistant', content: ''} (choice 0; other choices on first sight)
//   text-delta              → {content} ("\n\n" before a new run, as assistantText joins runs)
//   reasoning-delta         → {reasoning_content} (likewise)
//   reasoning-block         → {thinking_blocks: every block so far} (cumulative, so a client keeping the last value has all)
//   tool-call-start / -delta→ {tool_calls: [{index, id, type, function: {name, arguments: ''}}]} / {tool_calls: [{index, function: {arguments}}]}
//   tool-call-end           → '{}' arguments for a call that streamed none
//   (the JSON-mode tool's argument pieces → {content})
//   finish                  → {} with finish_reason (canonical-to-openai.ts)
//   error                   → an OpenAI error event, which ends the stream
// then, once the upstream ended complete: a finish chunk for a choice that had none, the usage
// chunk (`choices: []`) when include_usage, read from the assembled response by the wire format's
// usageOf, and [DONE]. Cut off (no terminal event): no [DONE], so the caller breaks the stream.
import type { StreamPart } from '../../conversation/stream-part.js';
import type { WireFormat } from '../../wire/wire-format.js';
import type { ThinkingBlock } from '../openai-chat-request.js';
import type { OpenAiErrorBody, OpenAiStreamEvent } from '../openai-chat-response.js';
import type { ChatStreamTranslator, TranslationContext } from '../provider-translator.js';
import { EMPTY_USAGE, finishReasonToOpenAi, type AnswerOptions, unusualFinishWarning, usageToOpenAi } from './canonical-to-openai.js';
import { createChunkFactory } from './create-chunk.js';

export interface WireStreamOptions extends AnswerOptions {
  /** The provider's error object of an `error` part → OpenAI's error body. */
  errorToOpenAi(raw: unknown): OpenAiErrorBody | undefined;
}

interface ChoiceState {
  toolCalls: number;
  textTold: boolean;
  reasoningTold: boolean;
  finished: boolean;
}

type CallState = { kind: 'json' } | { kind: 'tool'; openAiIndex: number; hasArguments: boolean };

class WireStreamTranslator implements ChatStreamTranslator {
  private id: string | undefined;
  private model: string;
  private errored = false;
  private readonly choices = new Map<number, ChoiceState>();
  private readonly calls = new Map<string, CallState>();
  private readonly thinkingBlocks: ThinkingBlock[] = [];
  private readonly warnings: string[] = [];
  private readonly chunks;
  private readonly assembler;
  private pending: OpenAiStreamEvent[] = [];

  constructor(
    private readonly format: WireFormat,
    private readonly context: TranslationContext,
    private readonly options: WireStreamOptions,
  ) {
    this.model = context.model;
    this.chunks = createChunkFactory(context, () => ({ id: this.id ?? '', model: this.model }));
    this.assembler = format.createStreamAssembler((part) => this.tell(part));
  }

  push(event: Parameters<ChatStreamTranslator['push']>[0]): OpenAiStreamEvent[] {
    if (this.errored) return [];
    this.assembler.push(event);
    const events = this.pending;
    this.pending = [];
    return events;
  }

  private choice(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      this.id ??= `chatcmpl-${this.context.generateId()}`;
      state = { toolCalls: 0, textTold: false, reasoningTold: false, finished: false };
      this.choices.set(index, state);
      this.pending.push(this.chunks.choice(index, { role: 'assistant', content: '', refusal: null }));
    }
    return state;
  }

  private tell(part: StreamPart): void {
    if (this.errored) return;
    switch (part.type) {
      case 'response-start':
        if (part.id !== undefined) this.id ??= `chatcmpl-${part.id}`;
        if (part.model !== undefined) this.model = part.model;
        this.choice(0);
        return;
      case 'text-delta': {
        const state = this.choice(part.choice);
        const content = (part.newRun === true && state.textTold ? '\n\n' : '') + part.text;
        state.textTold = true;
        this.pending.push(this.chunks.choice(part.choice, { content }));
        return;
      }
      case 'reasoning-delta': {
        const state = this.choice(part.choice);
        const reasoning = (part.newRun === true && state.reasoningTold ? '\n\n' : '') + part.text;
        state.reasoningTold = true;
        this.pending.push(this.chunks.choice(part.choice, { reasoning_content: reasoning }));
        return;
      }
      case 'reasoning-block':
        this.choice(part.choice);
        this.thinkingBlocks.push({ ...part.block });
        this.pending.push(this.chunks.choice(part.choice, { thinking_blocks: [...this.thinkingBlocks] }));
        return;
      case 'tool-call-start': {
        const state = this.choice(part.choice);
        const key = `${part.choice}:${part.index}`;
        if (this.context.jsonToolName !== undefined && part.name === this.context.jsonToolName) {
          this.calls.set(key, { kind: 'json' });
          return;
        }
        const openAiIndex = state.toolCalls++;
        this.calls.set(key, { kind: 'tool', openAiIndex, hasArguments: false });
        const id = this.options.keepCallIds && part.id !== undefined && part.id !== '' ? part.id : `call_${this.context.generateId()}`;
        const extra = part.signature !== undefined ? this.options.signatureContent?.(part.signature) : undefined;
        this.pending.push(
          this.chunks.choice(part.choice, {
            tool_calls: [{ index: openAiIndex, id, type: 'function', function: { name: part.name, arguments: '' }, ...(extra !== undefined ? { extra_content: extra } : {}) }],
          }),
        );
        return;
      }
      case 'tool-call-delta': {
        const call = this.calls.get(`${part.choice}:${part.index}`);
        if (call === undefined || part.argumentsText === '') return;
        if (call.kind === 'json') {
          this.pending.push(this.chunks.choice(part.choice, { content: part.argumentsText }));
        } else {
          call.hasArguments = true;
          this.pending.push(this.chunks.choice(part.choice, { tool_calls: [{ index: call.openAiIndex, function: { arguments: part.argumentsText } }] }));
        }
        return;
      }
      case 'tool-call-end': {
        // A call without input streams no JSON at all: its arguments are still a JSON object.
        const call = this.calls.get(`${part.choice}:${part.index}`);
        if (call?.kind === 'tool' && !call.hasArguments) {
          this.pending.push(this.chunks.choice(part.choice, { tool_calls: [{ index: call.openAiIndex, function: { arguments: '{}' } }] }));
        }
        return;
      }
      case 'finish': {
        const state = this.choice(part.choice);
        if (state.finished) return;
        state.finished = true;
        const { finishReason, unusual } = finishReasonToOpenAi(part.finishReason, state.toolCalls > 0);
        if (unusual) this.warnings.push(unusualFinishWarning(part.finishReason, finishReason));
        this.pending.push(this.chunks.choice(part.choice, {}, finishReason));
        return;
      }
      case 'error': {
        this.errored = true;
        const error = this.options.errorToOpenAi(part.raw);
        if (error) this.pending.push(error);
        return;
      }
    }
  }

  finish(): { events: OpenAiStreamEvent[]; complete: boolean; warnings: string[] } {
    if (this.errored) return { events: [], complete: true, warnings: this.warnings };
    const assembled = this.assembler.finish();
    const events = this.pending;
    this.pending = [];
    if (!assembled.complete) return { events, complete: false, warnings: this.warnings };
    // What the canonical reading of the whole answer dropped or noticed (server tool blocks…).
    this.warnings.push(...this.format.responseToModel(assembled.response).warnings);
    for (const [index, state] of this.choices) {
      if (!state.finished) events.push(this.chunks.choice(index, {}, state.toolCalls > 0 ? 'tool_calls' : 'stop'));
    }
    if (this.context.includeUsage) events.push(this.chunks.usage(usageToOpenAi(this.format.usageOf(assembled.response)) ?? EMPTY_USAGE));
    events.push('[DONE]');
    return { events, complete: true, warnings: this.warnings };
  }
}

export function createWireStreamTranslator(format: WireFormat, context: TranslationContext, options: WireStreamOptions): ChatStreamTranslator {
  return new WireStreamTranslator(format, context, options);
}
