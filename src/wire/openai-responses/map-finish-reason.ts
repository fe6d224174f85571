// A Responses API `status` (+ `incomplete_details.reason`) → canonical FinishReason.
// completed → stop, or tool_calls when the output holds a function_call;
// incomplete → length (max_output_tokens) / content_filter / other; failed → error;
// in_progress (a cut-off stream), queued, cancelled → other.
// https://platform.openai.com/docs/api-reference/responses/object
import type { FinishReason } from '../../conversation/model.js';

export function mapFinishReason(status: unknown, incompleteReason: unknown, hasToolCalls: boolean): FinishReason {
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
