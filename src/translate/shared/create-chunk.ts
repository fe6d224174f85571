// Builds `chat.completion.chunk` objects with the fields every chunk of one stream shares.
import type { TranslationContext } from '../provider-translator.js';
import type { ChatCompletionChunk, ChatCompletionUsage, ChunkDelta, OpenAiFinishReason } from '../openai-chat-response.js';

export interface ChunkFactory {
  choice(index: number, delta: ChunkDelta, finishReason?: OpenAiFinishReason | null): ChatCompletionChunk;
  usage(usage: ChatCompletionUsage): ChatCompletionChunk;
}

export function createChunkFactory(context: TranslationContext, header: () => { id: string; model: string }): ChunkFactory {
  const created = Math.floor(context.now / 1000);
  const base = (): Omit<ChatCompletionChunk, 'choices'> => {
    const { id, model } = header();
    return { id, object: 'chat.completion.chunk', created, model };
  };
  return {
    choice(index, delta, finishReason = null) {
      const chunk: ChatCompletionChunk = { ...base(), choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] };
      if (context.includeUsage) chunk.usage = null;
      return chunk;
    },
    usage(usage) {
      return { ...base(), choices: [], usage };
    },
  };
}
