// --truncate-observation N: long tool outputs (file dumps, search pages) are cut to N characters
// so a row stays within a trainer's cutoff_len; the cut is marked so the model never learns that
// tools return text that stops mid-sentence without saying so. Pure.
import type { Conversation } from '../conversation/model.js';

const MARKER = /\n…\[truncated \d+ characters\]$/;

/**
 * `text` cut to `max` UTF-16 units (never inside a surrogate pair) plus a marker; null when it
 * fits, or when it is already a text this function cut to at most `max` (so re-exporting is stable).
 */
export function truncateText(text: string, max: number): string | null {
  if (text.length <= max) return null;
  const marked = MARKER.exec(text);
  if (marked !== null && marked.index <= max) return null;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}\n…[truncated ${text.length - end} characters]`;
}

/** The conversation with every tool result cut to `max` characters (results stay separate from user text here). */
export function truncateToolResults(conversation: Conversation, max: number): { conversation: Conversation; truncated: boolean } {
  let truncated = false;
  const messages = conversation.messages.map((message) => {
    if (message.role !== 'tool') return message;
    return {
      ...message,
      results: message.results.map((result) => {
        const cut = truncateText(result.content, max);
        if (cut === null) return result;
        truncated = true;
        return { ...result, content: cut };
      }),
    };
  });
  return { conversation: truncated ? { ...conversation, messages } : conversation, truncated };
}
