// Anthropic `stop_reason` to the canonical finish reason: the only map of it (capture, export and
// the OpenAI-compatible entry all read it from here). https://docs.anthropic.com/en/api/handling-stop-reasons
// `model_context_window_exceeded` stopped the answer at the context limit: it is cut like
// `max_tokens` (vercel/ai maps both to length). `pause_turn` (a server tool paused the turn) and
// newer values are `other`, the raw word kept beside it.
import type { FinishReason, UnifiedFinishReason } from '../../conversation/model.js';

function unifiedOf(stopReason: string | undefined): UnifiedFinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

export function mapFinishReason(stopReason: string | undefined): FinishReason {
  return { unified: unifiedOf(stopReason), raw: stopReason };
}
