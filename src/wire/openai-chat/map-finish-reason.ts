// OpenAI chat `finish_reason` → canonical FinishReason. The raw string is kept beside it by the
// result's `raw`, so provider-specific values (e.g. "insufficient_system_resource"
// from DeepSeek) stay visible while mapping to 'other'.
import type { FinishReason, UnifiedFinishReason } from '../../conversation/model.js';

export function mapFinishReason(raw: string | undefined): FinishReason {
  return { unified: unifiedOf(raw), raw };
}

function unifiedOf(raw: string | undefined): UnifiedFinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}
