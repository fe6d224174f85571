// Gemini `finishReason` → OpenAI `finish_reason`. https://ai.google.dev/api/generate-content#FinishReason
// STOP with function calls is tool_calls (Gemini has no reason of its own for it); the safety
// family is content_filter; OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL and friends end the turn
// without a better OpenAI word, so they are stop (the raw reason goes to the warnings).
import type { OpenAiFinishReason } from '../openai-chat-response.js';

const CONTENT_FILTER = new Set([
  'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION',
]);

export function mapGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): { finishReason: OpenAiFinishReason; unusual: boolean } {
  if (reason === 'MAX_TOKENS') return { finishReason: 'length', unusual: false };
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return { finishReason: 'content_filter', unusual: false };
  if (hasToolCalls) return { finishReason: 'tool_calls', unusual: reason !== 'STOP' };
  return { finishReason: 'stop', unusual: reason !== 'STOP' };
}

/** A prompt refused before generation (`promptFeedback.blockReason`). */
export function isPromptBlocked(blockReason: unknown): boolean {
  return typeof blockReason === 'string' && blockReason !== '' && blockReason !== 'BLOCK_REASON_UNSPECIFIED';
}
