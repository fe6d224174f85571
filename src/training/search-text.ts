// Text derived from a conversation for full-text search and list previews. Pure.
// Only what a reader sees: reasoning and image bytes are left out (a data: URL would swamp the
// index); tool names, arguments and results are in, since people search for them.
import { argumentsJsonOf, assistantText, textOf, type Conversation } from '../conversation/model.js';

/** System prompt and the visible text of every message, one block per line group, in order. */
export function searchTextOf(conversation: Conversation): string {
  const blocks: string[] = [conversation.system];
  for (const message of conversation.messages) {
    switch (message.role) {
      case 'user':
        blocks.push(textOf(message.parts));
        break;
      case 'assistant':
        blocks.push(assistantText(message.parts));
        for (const call of message.toolCalls) blocks.push(`${call.name} ${argumentsJsonOf(call)}`);
        break;
      case 'tool':
        blocks.push(...message.results.map((result) => result.content), textOf(message.parts));
        break;
    }
  }
  return blocks.map((block) => block.trim()).filter((block) => block !== '').join('\n');
}

/** The first non-empty user text, trimmed (for previews); "" when there is none. */
export function firstUserTextOf(conversation: Conversation): string {
  for (const message of conversation.messages) {
    if (message.role !== 'user') continue;
    const text = textOf(message.parts).trim();
    if (text !== '') return text;
  }
  return '';
}
