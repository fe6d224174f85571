// Anthropic Messages response → OpenAI `chat.completion`. https://docs.anthropic.com/en/api/messages
// Read through wire/anthropic-messages (the one reading of blocks, stop reasons and usage), then
// written by canonical-to-openai.ts:
//   text blocks              → message.content (runs a blank line apart; null when none)
//   thinking blocks          → message.reasoning_content, and message.thinking_blocks with their
//                              signatures (redacted_thinking too) so a tool loop can send them back
//   tool_use blocks          → message.tool_calls (Anthropic's toolu_ ids kept: they come back as
//                              tool_call_id and map straight to tool_use_id)
//   the JSON-mode tool       → its input, serialised, is message.content (finish_reason stop)
//   id / model               → chatcmpl-<id> / model
import { anthropicMessagesFormat } from '../../wire/anthropic-messages/index.js';
import { parseJsonLoosely } from '../../wire/shared/read-json.js';
import type { ChatCompletion } from '../openai-chat-response.js';
import type { TranslationContext } from '../provider-translator.js';
import { modelsToCompletion, type AnswerOptions } from '../shared/canonical-to-openai.js';

export const ANTHROPIC_ANSWER: AnswerOptions = { keepCallIds: true };

/** `body` parsed, or its text: text is parsed here keeping long integers in tool inputs (read-json.ts). */
export function anthropicResponseToChat(body: unknown, context: TranslationContext): { completion: ChatCompletion; warnings: string[] } {
  const parsed = typeof body === 'string' ? parseJsonLoosely(body) : body;
  return modelsToCompletion([{ index: 0, model: anthropicMessagesFormat.responseToModel(parsed) }], context, ANTHROPIC_ANSWER);
}
