// What an `openai-messages` or `openai-ft` row contains, for the export report: the same counts as
// row-features.ts gives a ShareGPT row, read from the row as written (an openai-ft row holds no
// reasoning: `reasoning_content` is not a fine-tuning key). Pure.
import type { RowFeatures } from './row-features.js';

interface LooseMessage {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
  reasoning_content?: unknown;
}

export function openAiRowFeatures(row: { messages: readonly object[] }): RowFeatures {
  const features: RowFeatures = { toolUse: false, assistantText: false, functionCallOnly: false, reasoning: false, images: false };
  const messages = row.messages as readonly LooseMessage[];
  for (const message of messages) {
    if (message.role === 'assistant') {
      if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) features.toolUse = true;
      if (typeof message.content === 'string' && message.content.trim() !== '') features.assistantText = true;
      if (typeof message.reasoning_content === 'string' && message.reasoning_content.trim() !== '') features.reasoning = true;
    } else if (message.role === 'user' && Array.isArray(message.content)) {
      if (message.content.some((part: { type?: unknown }) => part.type === 'image_url')) features.images = true;
    }
  }
  const last = messages[messages.length - 1];
  features.functionCallOnly = last?.role === 'assistant' && Array.isArray(last.tool_calls) && last.tool_calls.length > 0;
  return features;
}
