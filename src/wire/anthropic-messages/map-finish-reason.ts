// Anthropic `stop_reason` to the canonical finish reason.
// https://docs.anthropic.com/en/api/handling-stop-reasons
import type { FinishReason } from '../../conversation/model.js';

export function mapFinishReason(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // pause_turn, model_context_window_exceeded, null (a cut-off stream)...: kept raw beside it.
      return 'other';
  }
}
