// Reasoning for the earlier steps of an exported thread. Clients that do not send reasoning back
// (Gemini CLI drops thoughts; clients at the OpenAI-compatible entry send plain messages) leave
// the longest record's earlier assistant turns without it, though the record that produced each
// turn recorded it in its response. Given the exported conversation and the responses of its
// ancestors, each assistant turn without reasoning takes the reasoning of the ancestor response
// with the same text and the same calls (names and exact arguments). Pure.
import { carriesReasoning } from '../conversation/final-answer.js';
import { argumentsJsonOf, assistantText, type AssistantMessage, type Conversation } from '../conversation/model.js';

/** The identity of an assistant step: what the client echoed back of it. */
function stepKey(message: AssistantMessage): string {
  // Arguments compared as parsed-then-written JSON: a client may re-serialise them with other spacing.
  const calls = message.toolCalls.map((call) => [call.name, normaliseJson(argumentsJsonOf(call))]);
  return JSON.stringify([assistantText(message.parts).trim(), calls]);
}

function normaliseJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Whether any assistant turn before the last one lacks reasoning (so looking up ancestors can help). */
export function lacksEarlierReasoning(conversation: Conversation): boolean {
  const assistants = conversation.messages.filter((message): message is AssistantMessage => message.role === 'assistant');
  return assistants.slice(0, -1).some((message) => !carriesReasoning(message));
}

export function fillMissingReasoning(conversation: Conversation, ancestorResponses: readonly AssistantMessage[]): { conversation: Conversation; filled: number } {
  const byKey = new Map<string, AssistantMessage>();
  for (const response of ancestorResponses) if (carriesReasoning(response)) byKey.set(stepKey(response), response);
  if (byKey.size === 0) return { conversation, filled: 0 };
  let filled = 0;
  const messages = conversation.messages.map((message) => {
    if (message.role !== 'assistant' || carriesReasoning(message)) return message;
    const producer = byKey.get(stepKey(message));
    if (producer === undefined) return message;
    filled += 1;
    return { ...message, reasoning: producer.reasoning! };
  });
  return filled === 0 ? { conversation, filled } : { conversation: { ...conversation, messages }, filled };
}
