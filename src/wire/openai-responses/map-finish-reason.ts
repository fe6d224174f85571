// A Responses API `status` (+ `incomplete_details.reason`) → canonical FinishReason.
// completed → stop, or tool_calls when the output holds a function_call;
// incomplete → length (max_output_tokens) / content_filter / other; failed → error;
// in_progress (a cut-off stream), queued, cancelled → other.
// https://platform.openai.com/docs/api-reference/responses/object
import type { FinishReason, UnifiedFinishReason } from '../../conversation/model.js';

/** `raw` is `incomplete_details.reason` for an incomplete response, else the status. */
export function mapFinishReason(status: string | undefined, incompleteReason: string | undefined, hasToolCalls: boolean): FinishReason {
  return {
    unified: unifiedOf(status, incompleteReason, hasToolCalls),
    raw: status === 'incomplete' ? (incompleteReason ?? status) : status,
  };
}

function unifiedOf(status: string | undefined, incompleteReason: string | undefined, hasToolCalls: boolean): UnifiedFinishReason {
  switch (status) {
    case 'completed':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'incomplete':
      if (incompleteReason === 'max_output_tokens') return 'length';
      if (incompleteReason === 'content_filter') return 'content_filter';
      return 'other';
    case 'failed':
      return 'error';
    default:
      return 'other';
  }
}
