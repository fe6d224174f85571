// Gemini `GenerateContentResponse` → OpenAI `chat.completion`.
// https://ai.google.dev/api/generate-content#generatecontentresponse
// Read through wire/gemini (the one reading of parts, finish reasons and usage), then written by
// canonical-to-openai.ts:
//   candidates[i]            → choices[i] (candidate.index when given)
//   text parts               → message.content (runs a blank line apart; null when none)
//   thought parts            → message.reasoning_content
//   functionCall parts       → message.tool_calls (ids generated, args as a JSON string; a
//                              thoughtSignature rides along in extra_content.google, as Google's
//                              own OpenAI-compatible endpoint does, so the next turn can return it)
//   promptFeedback.blockReason with no candidates → one empty choice, finish_reason content_filter
//   modelVersion / responseId → model / id (chatcmpl-<responseId>)
import { responseToModels } from '../../wire/gemini/response-to-model.js';
import { parseJsonLoosely } from '../../wire/shared/read-json.js';
import type { ChatCompletion } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { modelsToCompletion, type AnswerOptions } from '../shared/canonical-to-openai.js';

export const GEMINI_ANSWER: AnswerOptions = {
  keepCallIds: false,
  signatureContent: (signature) => ({ google: { thought_signature: signature } }),
};

/** `body` parsed, or its text: text is parsed here keeping long integers in call args (read-json.ts). */
export function geminiResponseToChat(body: unknown, context: TranslationContext): { completion: ChatCompletion; warnings: string[] } {
  const parsed = typeof body === 'string' ? parseJsonLoosely(body) : body;
  return modelsToCompletion(responseToModels(parsed), context, GEMINI_ANSWER);
}
