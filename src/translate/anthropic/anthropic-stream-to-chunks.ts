// Anthropic Messages stream events → OpenAI `chat.completion.chunk` events, as each arrives: the
// wire format's stream assembler reads the events (wire/anthropic-messages/assemble-stream.ts),
// shared/wire-stream-translator.ts writes the chunks. https://docs.anthropic.com/en/docs/build-with-claude/streaming
import { anthropicMessagesFormat } from '../../wire/anthropic-messages/index.js';
import type { ChatStreamTranslator, TranslationContext } from '../provider-translator.js';
import { createWireStreamTranslator } from '../shared/wire-stream-translator.js';
import { anthropicErrorObjectToOpenAi } from './anthropic-error-to-openai.js';
import { ANTHROPIC_ANSWER } from './anthropic-response-to-chat.js';

export function createAnthropicStreamTranslator(context: TranslationContext): ChatStreamTranslator {
  return createWireStreamTranslator(anthropicMessagesFormat, context, {
    ...ANTHROPIC_ANSWER,
    errorToOpenAi: (raw) => anthropicErrorObjectToOpenAi(0, raw),
  });
}
