// The `openai-ft` row (formats.md 7, 3.1, 3.3): the `openai-messages` row as OpenAI fine-tuning
// accepts it. `reasoning_content` is not a fine-tuning key, so it is dropped; a tool message keeps
// only role/content/tool_call_id; an assistant message that only calls tools has no `content`.
// `developer` instructions are already in the system message (the wire readers fold them into
// the conversation's system text). Pure.
import type { OpenAiContentPart, OpenAiMessagesRow, OpenAiToolCall } from './to-openai-messages.js';
import type { OpenAiTool } from './tool-schemas.js';

export type OpenAiFtMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAiContentPart[] }
  | { role: 'assistant'; content?: string; tool_calls?: OpenAiToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAiFtRow {
  messages: OpenAiFtMessage[];
  tools?: OpenAiTool[];
}

export function openAiMessagesToFineTuning(row: OpenAiMessagesRow): OpenAiFtRow {
  const messages = row.messages.map((message): OpenAiFtMessage => {
    switch (message.role) {
      case 'assistant': {
        const out: Extract<OpenAiFtMessage, { role: 'assistant' }> = { role: 'assistant' };
        const calls = message.tool_calls ?? [];
        if (message.content !== '' || calls.length === 0) out.content = message.content;
        if (calls.length > 0) out.tool_calls = calls;
        return out;
      }
      case 'tool':
        return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
      default:
        return message;
    }
  });
  return row.tools === undefined ? { messages } : { messages, tools: row.tools };
}
