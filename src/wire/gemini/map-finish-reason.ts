// Gemini `finishReason` (and a prompt-level `blockReason`) to the canonical finish reason.
// https://ai.google.dev/api/generate-content#FinishReason
import type { FinishReason } from '../../conversation/model.js';

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** STOP with function calls in the message is `tool_calls`: Gemini has no finish reason of its own for it. */
export function mapFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (finishReason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop';
  if (finishReason === 'MAX_TOKENS') return 'length';
  if (finishReason !== undefined && CONTENT_FILTER_REASONS.has(finishReason)) return 'content_filter';
  // MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, none (cut off)...
  return 'other';
}
