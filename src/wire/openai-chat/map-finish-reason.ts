// OpenAI chat `finish_reason` → canonical FinishReason. The raw string is kept beside it by the
// caller (`rawFinishReason`), so provider-specific values (e.g. "insufficient_system_resource"
// from DeepSeek) stay visible while mapping to 'other'.
import type { FinishReason } from '../../conversation/model.js';

export function mapFinishReason(raw: unknown): FinishReason {
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
