// Anthropic Messages stream events → OpenAI `chat.completion.chunk` events, as each arrives.
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
//   message_start                        → {role: 'assistant', content: ''}
//   text_delta                           → {content}
//   thinking_delta                       → {reasoning_content}; at the block's end, every thinking
//                                          block so far with its signature → {thinking_blocks}
//   content_block_start tool_use         → {tool_calls: [{index, id, type, function: {name, arguments: ''}}]}
//   input_json_delta                     → {tool_calls: [{index, function: {arguments}}]} ('{}' for a call
//                                          that streamed no input)
//   (the JSON-mode tool's input_json_delta → {content})
//   message_delta stop_reason            → {} with finish_reason
//   message_stop                         → (after the upstream ends) usage chunk when include_usage, [DONE]
//   error                                → an OpenAI error event, which ends the stream
//   ping                                 → nothing
import { asNumber, asObject, asString, isObject, parseJsonObject, type JsonObject } from '../../wire/shared/read-json.js';
import type { SseEvent } from '../../wire/wire-format.js';
import type { ThinkingBlock } from '../openai-chat-request.js';
import type { ChatCompletionUsage, OpenAiStreamEvent } from '../openai-chat-response.js';
import type { ChatStreamTranslator, TranslationContext } from '../provider-translator.js';
import { createChunkFactory } from '../shared/create-chunk.js';
import { anthropicErrorObjectToOpenAi } from './anthropic-error-to-openai.js';
import { anthropicUsageToOpenAi } from './anthropic-usage-to-openai.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking'; thinking: string; signature?: string }
  | { kind: 'redacted_thinking'; data: string }
  | { kind: 'tool'; toolIndex: number; hasArguments: boolean }
  | { kind: 'json' }
  | { kind: 'other' };

class AnthropicStreamTranslator implements ChatStreamTranslator {
  private id: string | undefined;
  private model: string;
  private started = false;
  private stopped = false;
  private errored = false;
  private finished = false;
  private toolCalls = 0;
  private usageRaw: JsonObject = {};
  private readonly blocks = new Map<number, BlockState>();
  private readonly thinkingBlocks: ThinkingBlock[] = [];
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
    const type = asString(parsed.type) ?? event.event;
    const events: OpenAiStreamEvent[] = [];
    switch (type) {
      case 'message_start': {
        const message = asObject(parsed.message);
        this.id = `chatcmpl-${asString(message.id) ?? this.context.generateId()}`;
        this.model = asString(message.model) ?? this.model;
        this.mergeUsage(message.usage);
        this.start(events);
        break;
      }
      case 'content_block_start':
        this.start(events);
        this.blockStart(asNumber(parsed.index) ?? 0, asObject(parsed.content_block), events);
        break;
      case 'content_block_delta':
        this.start(events);
        this.blockDelta(asNumber(parsed.index) ?? 0, asObject(parsed.delta), events);
        break;
      case 'content_block_stop':
        this.blockStop(asNumber(parsed.index) ?? 0, events);
        break;
      case 'message_delta': {
        this.start(events);
        this.mergeUsage(parsed.usage);
        const stopReason = asString(asObject(parsed.delta).stop_reason);
        if (stopReason !== undefined && !this.finished) {
          this.finished = true;
          const { finishReason, unusual } = mapAnthropicStopReason(stopReason, this.toolCalls > 0);
          if (unusual) this.warnings.push(`stop_reason ${stopReason} answered as "${finishReason}"`);
          events.push(this.chunks.choice(0, {}, finishReason));
        }
        break;
      }
      case 'message_stop':
        this.stopped = true;
        break;
      case 'error': {
        this.errored = true;
        const error = anthropicErrorObjectToOpenAi(0, parsed.error);
        if (error) events.push(error);
        break;
      }
      default:
        // ping, and event types newer than this translator.
        break;
    }
    return events;
  }

  private start(events: OpenAiStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    this.id ??= `chatcmpl-${this.context.generateId()}`;
    events.push(this.chunks.choice(0, { role: 'assistant', content: '', refusal: null }));
  }

  private mergeUsage(usage: unknown): void {
    if (!isObject(usage)) return;
    for (const [key, value] of Object.entries(usage)) if (value !== null && value !== undefined) this.usageRaw[key] = value;
  }

  private blockStart(index: number, block: JsonObject, events: OpenAiStreamEvent[]): void {
    switch (block.type) {
      case 'text': {
        this.blocks.set(index, { kind: 'text' });
        const text = asString(block.text) ?? '';
        if (text !== '') events.push(this.chunks.choice(0, { content: text }));
        break;
      }
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking', thinking: asString(block.thinking) ?? '' });
        break;
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'redacted_thinking', data: asString(block.data) ?? '' });
        break;
      case 'tool_use': {
        const name = asString(block.name) ?? '';
        if (this.context.jsonToolName !== undefined && name === this.context.jsonToolName) {
          this.blocks.set(index, { kind: 'json' });
          break;
        }
        const toolIndex = this.toolCalls++;
        this.blocks.set(index, { kind: 'tool', toolIndex, hasArguments: false });
        const id = asString(block.id) ?? `call_${this.context.generateId()}`;
        events.push(this.chunks.choice(0, { tool_calls: [{ index: toolIndex, id, type: 'function', function: { name, arguments: '' } }] }));
        break;
      }
      default:
        this.blocks.set(index, { kind: 'other' });
        this.warnings.push(`content block of type "${String(block.type)}" has no OpenAI chat equivalent and was dropped`);
    }
  }

  private blockDelta(index: number, delta: JsonObject, events: OpenAiStreamEvent[]): void {
    const block = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta': {
        const text = asString(delta.text) ?? '';
        if (text !== '') events.push(this.chunks.choice(0, { content: text }));
        break;
      }
      case 'thinking_delta': {
        const thinking = asString(delta.thinking) ?? '';
        if (block?.kind === 'thinking') block.thinking += thinking;
        if (thinking !== '') events.push(this.chunks.choice(0, { reasoning_content: thinking }));
        break;
      }
      case 'signature_delta':
        if (block?.kind === 'thinking') block.signature = (block.signature ?? '') + (asString(delta.signature) ?? '');
        break;
      case 'input_json_delta': {
        const piece = asString(delta.partial_json) ?? '';
        if (piece === '') break;
        if (block?.kind === 'json') events.push(this.chunks.choice(0, { content: piece }));
        else if (block?.kind === 'tool') {
          block.hasArguments = true;
          events.push(this.chunks.choice(0, { tool_calls: [{ index: block.toolIndex, function: { arguments: piece } }] }));
        }
        break;
      }
      default:
        break;
    }
  }

  private blockStop(index: number, events: OpenAiStreamEvent[]): void {
    const block = this.blocks.get(index);
    if (block?.kind === 'thinking') {
      this.thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, ...(block.signature !== undefined ? { signature: block.signature } : {}) });
    } else if (block?.kind === 'redacted_thinking') {
      this.thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    } else {
      // A call without input streams no JSON at all: its arguments are still a JSON object.
      if (block?.kind === 'tool' && !block.hasArguments) events.push(this.chunks.choice(0, { tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] }));
      return;
    }
    // Cumulative, so a client that keeps the last value (the OpenAI SDK's stream helper) has them all.
    events.push(this.chunks.choice(0, { thinking_blocks: [...this.thinkingBlocks] }));
  }

  finish(): { events: OpenAiStreamEvent[]; complete: boolean; warnings: string[] } {
    if (this.errored) return { events: [], complete: true, warnings: this.warnings };
    if (!this.stopped) return { events: [], complete: false, warnings: this.warnings };
    const events: OpenAiStreamEvent[] = [];
    if (!this.finished) events.push(this.chunks.choice(0, {}, this.toolCalls > 0 ? 'tool_calls' : 'stop'));
    if (this.context.includeUsage) {
      const usage: ChatCompletionUsage = anthropicUsageToOpenAi(this.usageRaw) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      events.push(this.chunks.usage(usage));
    }
    events.push('[DONE]');
    return { events, complete: true, warnings: this.warnings };
  }
}

export function createAnthropicStreamTranslator(context: TranslationContext): ChatStreamTranslator {
  return new AnthropicStreamTranslator(context);
}
