// The model turn a later step of a thread echoes back: the derived conversation's final message
// when it is the assistant's (the response; with no usable response, the request's own last turn),
// and whether it carries reasoning. One definition for the flag capture stores with each record
// (ExchangeRecord.responseReasoning) and for what the export reads from an ancestor to fill a
// thread's missing reasoning (export/fill-reasoning.ts): the flag may spare the export a read
// only if both judge the same message the same way. Pure.
import type { AssistantMessage, Conversation } from './model.js';

export function finalAnswerOf(conversation: Conversation): AssistantMessage | null {
  const last = conversation.messages.at(-1);
  return last?.role === 'assistant' ? last : null;
}

/** Reasoning text, however short: what fill-reasoning copies (signed blocks alone do not count). */
export function carriesReasoning(message: AssistantMessage): boolean {
  return (message.reasoning ?? '') !== '';
}

/** Whether the conversation's final answer carries reasoning (what `responseReasoning` stores). */
export function finalAnswerCarriesReasoning(conversation: Conversation): boolean {
  const answer = finalAnswerOf(conversation);
  return answer !== null && carriesReasoning(answer);
}
