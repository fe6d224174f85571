// Gemini `streamGenerateContent?alt=sse` events → OpenAI `chat.completion.chunk` events, one Gemini
// chunk at a time: the wire format's stream assembler reads the chunks (wire/gemini/assemble-stream.ts,
// which also folds Gemini 3's streamed function-call arguments), shared/wire-stream-translator.ts
// writes the chunks. A functionCall arrives whole, so it becomes the two deltas OpenAI clients
// expect (name, then arguments). A `{error}` event becomes an OpenAI error event, which ends the
// stream (the OpenAI SDK throws). https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
import { geminiFormat } from '../../wire/gemini/index.js';
import type { ChatStreamTranslator, TranslationContext } from '../provider-translator.js';
import { createWireStreamTranslator } from '../shared/wire-stream-translator.js';
import { geminiErrorObjectToOpenAi } from './gemini-error-to-openai.js';
import { GEMINI_ANSWER } from './gemini-response-to-chat.js';

export function createGeminiStreamTranslator(context: TranslationContext): ChatStreamTranslator {
  return createWireStreamTranslator(geminiFormat, context, {
    ...GEMINI_ANSWER,
    errorToOpenAi: (raw) => geminiErrorObjectToOpenAi(0, raw),
  });
}
