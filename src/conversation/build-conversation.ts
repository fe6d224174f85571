// Joins what a chat request carried (its history) with what the model answered (its final
// message) into one canonical Conversation, the unit every training format is written from.
// Pure: no I/O, clock or randomness.
import type {
  AssistantMessage,
  Conversation,
  Message,
  ModelResponse,
  RequestConversation,
} from './model.js';

export interface BuildConversationOptions {
  /** False when the stream was cut off or the exchange failed (the row must not be exported). */
  complete: boolean;
}

/**
 * History + response message. The response message is appended when it carries anything (text,
 * an image, reasoning or a call); an empty one (typical of error answers) is left out with a
 * warning, so the conversation then ends with the client's turn and fails validation for the
 * right reason (it has no model answer) instead of for an empty gpt value.
 *
 * A request that ends with an assistant message without calls is an Anthropic-style prefill: the
 * model continues that text, so the response is merged into it (its first text run continues the
 * prefill's last one, as sent) rather than appended as a second assistant message.
 */
export function buildConversation(
  request: RequestConversation,
  response: ModelResponse | null,
  options: BuildConversationOptions,
): Conversation {
  const messages: Message[] = [...request.messages];
  const warnings = [...request.warnings];
  if (response !== null) {
    warnings.push(...response.warnings);
    if (response.error !== undefined) {
      warnings.push(`response is an error (${response.error.type}): ${response.error.message}`);
    }
    if (isEmptyAssistantMessage(response.message)) {
      warnings.push('response message is empty: nothing to train on');
    } else {
      const last = messages[messages.length - 1];
      if (last !== undefined && last.role === 'assistant' && last.toolCalls.length === 0) {
        messages[messages.length - 1] = continuePrefill(last, response.message);
        warnings.push('request ended with an assistant message: treated as a prefill continued by the response');
      } else {
        messages.push(response.message);
      }
    }
  }
  const conversation: Conversation = {
    system: request.system,
    tools: request.tools,
    messages,
    complete: options.complete,
    warnings,
  };
  if (response !== null) conversation.finishReason = response.finishReason;
  return conversation;
}

/** True when an assistant message has no text, image, reasoning or call. */
export function isEmptyAssistantMessage(message: AssistantMessage): boolean {
  if (message.toolCalls.length > 0) return false;
  if (message.reasoning !== undefined && message.reasoning.trim() !== '') return false;
  return message.parts.every((part) => part.type === 'text' && part.text.trim() === '');
}

function continuePrefill(prefill: AssistantMessage, continuation: AssistantMessage): AssistantMessage {
  // The continuation goes on from the prefill's last character: its first text run joins it as sent.
  const parts = prefill.parts.map((part) => ({ ...part }));
  continuation.parts.forEach((part, index) => {
    const last = parts[parts.length - 1];
    if (index === 0 && part.type === 'text' && last?.type === 'text') last.text += part.text;
    else parts.push({ ...part });
  });
  const merged: AssistantMessage = { role: 'assistant', parts, toolCalls: [...continuation.toolCalls] };
  const reasoning = [prefill.reasoning, continuation.reasoning]
    .filter((text): text is string => text !== undefined && text.trim() !== '')
    .join('\n\n');
  if (reasoning !== '') merged.reasoning = reasoning;
  return merged;
}
