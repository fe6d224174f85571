// Gemini `finishReason` to the canonical finish reason: the only map of it.
// https://ai.google.dev/api/generate-content#FinishReason
import type { FinishReason, UnifiedFinishReason } from '../../conversation/model.js';

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

function unifiedOf(finishReason: string | undefined, hasToolCalls: boolean): UnifiedFinishReason {
  if (finishReason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop';
  if (finishReason === 'MAX_TOKENS') return 'length';
  if (finishReason !== undefined && CONTENT_FILTER_REASONS.has(finishReason)) return 'content_filter';
  // MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, none (cut off)...
  return 'other';
}

/** STOP with function calls in the message is `tool_calls`: Gemini has no finish reason of its own for it. */
export function mapFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  return { unified: unifiedOf(finishReason, hasToolCalls), raw: finishReason };
}

/** A prompt refused before generation (`promptFeedback.blockReason`). */
export function isPromptBlocked(blockReason: unknown): blockReason is string {
  return typeof blockReason === 'string' && blockReason !== '' && blockReason !== 'BLOCK_REASON_UNSPECIFIED';
}
