// Signed reasoning for tool calls, kept for clients that drop it between the calls of a tool loop
// (opencode / the AI SDK send `reasoning_content` back but not `thinking_blocks`, and tool calls
// without `extra_content.google.thought_signature`). With extended thinking on, Anthropic refuses an
// assistant turn whose tool_use does not follow its signed thinking block; Gemini 3 refuses a
// functionCall part without its thoughtSignature. The answers we hand out are remembered by tool-call
// id (bounded LRU, memory only, per process) and put back on the next request before it is
// translated; on a miss the request is made acceptable instead (see acceptWithoutSignedReasoning).
import type { ChatRequest, ThinkingBlock } from '../../translate/openai-chat-request.js';
import type { ChatCompletion, OpenAiStreamEvent } from '../../translate/openai-chat-response.js';
import type { ChatStreamTranslator } from '../../translate/provider-translator.js';

export const DEFAULT_SIGNED_REASONING_ENTRIES = 4096;
/** Thinking text can be long: the cache also stops at about this many characters in all. */
export const DEFAULT_SIGNED_REASONING_CHARS = 32 * 1024 * 1024;

/** Google's documented stand-in when a Gemini 3 function call's real thought signature is lost. */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

interface SignedReasoning {
  /** The Anthropic thinking blocks that preceded this call's tool_use. */
  thinkingBlocks?: ThinkingBlock[];
  /** Gemini's thoughtSignature of this call's functionCall part. */
  thoughtSignature?: string;
}

export class SignedReasoningCache {
  private readonly entries = new Map<string, SignedReasoning & { chars: number }>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number = DEFAULT_SIGNED_REASONING_ENTRIES,
    private readonly maxChars: number = DEFAULT_SIGNED_REASONING_CHARS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  private remember(id: string, entry: SignedReasoning): void {
    if (entry.thinkingBlocks === undefined && entry.thoughtSignature === undefined) return;
    const known = this.entries.get(id);
    if (known) this.chars -= known.chars;
    this.entries.delete(id);
    const merged = { ...known, ...entry };
    const chars = id.length + (merged.thoughtSignature?.length ?? 0) + (merged.thinkingBlocks ? JSON.stringify(merged.thinkingBlocks).length : 0);
    if (chars > this.maxChars) return;
    this.entries.set(id, { ...merged, chars });
    this.chars += chars;
    while (this.entries.size > this.maxEntries || this.chars > this.maxChars) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest[0]);
      this.chars -= oldest[1].chars;
    }
  }

  private recall(id: string): SignedReasoning | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  /** A non-streamed answer the client is about to get. */
  rememberCompletion(completion: ChatCompletion): void {
    for (const choice of completion.choices) {
      const blocks = signedBlocks(choice.message.thinking_blocks);
      for (const call of choice.message.tool_calls ?? []) {
        this.remember(call.id, {
          ...(blocks ? { thinkingBlocks: blocks } : {}),
          ...(call.extra_content?.google.thought_signature !== undefined ? { thoughtSignature: call.extra_content.google.thought_signature } : {}),
        });
      }
    }
  }

  /** Wraps a stream translator so the chunks it produces are remembered as they pass. */
  observeStream(translator: ChatStreamTranslator): ChatStreamTranslator {
    // thinking_blocks deltas are cumulative per choice (wire-stream-translator.ts) and come before the tool calls.
    const blocksByChoice = new Map<number, ThinkingBlock[]>();
    const observe = (events: OpenAiStreamEvent[]): OpenAiStreamEvent[] => {
      for (const event of events) {
        if (event === '[DONE]' || !('choices' in event)) continue;
        for (const choice of event.choices) {
          const blocks = signedBlocks(choice.delta.thinking_blocks);
          if (blocks) blocksByChoice.set(choice.index, blocks);
          for (const call of choice.delta.tool_calls ?? []) {
            if (call.id === undefined) continue;
            const known = blocksByChoice.get(choice.index);
            this.remember(call.id, {
              ...(known ? { thinkingBlocks: known } : {}),
              ...(call.extra_content?.google.thought_signature !== undefined ? { thoughtSignature: call.extra_content.google.thought_signature } : {}),
            });
          }
        }
      }
      return events;
    };
    return {
      push: (event) => observe(translator.push(event)),
      finish: () => {
        const end = translator.finish();
        observe(end.events);
        return end;
      },
    };
  }

  /**
   * Puts remembered signed reasoning back on assistant tool calls that arrive without it (mutates
   * `request`). Returns how many assistant messages were restored.
   */
  restore(request: ChatRequest): number {
    let restored = 0;
    for (const message of request.messages) {
      if (message.role !== 'assistant' || !message.tool_calls?.length) continue;
      let changed = false;
      if (!message.thinking_blocks?.length) {
        for (const call of message.tool_calls) {
          const blocks = call.id !== undefined ? this.recall(call.id)?.thinkingBlocks : undefined;
          if (blocks) {
            message.thinking_blocks = blocks.map((block) => ({ ...block }));
            changed = true;
            break;
          }
        }
      }
      for (const call of message.tool_calls) {
        if (call.id === undefined || call.extra_content?.google?.thought_signature !== undefined) continue;
        const signature = this.recall(call.id)?.thoughtSignature;
        if (signature === undefined) continue;
        call.extra_content = { ...call.extra_content, google: { ...call.extra_content?.google, thought_signature: signature } };
        changed = true;
      }
      if (changed) restored += 1;
    }
    return restored;
  }
}

function signedBlocks(blocks: ThinkingBlock[] | null | undefined): ThinkingBlock[] | undefined {
  if (!blocks?.length) return undefined;
  // Only blocks the provider can verify are worth restoring.
  return blocks.some((block) => block.type === 'redacted_thinking' || block.signature !== undefined) ? blocks.map((block) => ({ ...block })) : undefined;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * After translation, when signed reasoning is still missing: makes the provider request one it
 * accepts. Anthropic (extended thinking on, the last assistant turn has tool_use not led by a
 * thinking block, which Anthropic refuses): thinking is turned off for this request. Gemini 3 (a
 * model turn's functionCall parts carry no thoughtSignature): the first gets Google's documented
 * skip value. Returns a description of what was changed, or undefined (mutates `body`).
 */
export function acceptWithoutSignedReasoning(provider: string, model: string, body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (provider === 'anthropic') {
    if (!isObject(body.thinking) || body.thinking.type !== 'enabled' || !Array.isArray(body.messages)) return undefined;
    const lastAssistant = [...body.messages].reverse().find((message): message is Json => isObject(message) && message.role === 'assistant');
    const content = lastAssistant?.content;
    if (!Array.isArray(content) || !content.some((block) => isObject(block) && block.type === 'tool_use')) return undefined;
    const first: unknown = content[0];
    if (isObject(first) && (first.type === 'thinking' || first.type === 'redacted_thinking')) return undefined;
    delete body.thinking;
    return 'extended thinking turned off for this request';
  }
  if (provider === 'google') {
    if (!/gemini-3/i.test(model) || !Array.isArray(body.contents)) return undefined;
    let filled = 0;
    for (const content of body.contents) {
      if (!isObject(content) || content.role !== 'model' || !Array.isArray(content.parts)) continue;
      const calls = content.parts.filter((part): part is Json => isObject(part) && isObject(part.functionCall));
      if (calls.length === 0 || calls.some((part) => typeof part.thoughtSignature === 'string')) continue;
      calls[0]!.thoughtSignature = GEMINI_SKIP_SIGNATURE;
      filled += 1;
    }
    return filled > 0 ? `${filled} function call turn(s) sent with ${GEMINI_SKIP_SIGNATURE}` : undefined;
  }
  return undefined;
}
