// Anthropic `stop_reason` → OpenAI `finish_reason`. https://docs.anthropic.com/en/api/handling-stop-reasons
import type { OpenAiFinishReason } from '../openai-chat-response.js';

export function mapAnthropicStopReason(stopReason: string | undefined, hasToolCalls: boolean): { finishReason: OpenAiFinishReason; unusual: boolean } {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return { finishReason: hasToolCalls ? 'tool_calls' : 'stop', unusual: false };
    case 'tool_use':
      // With only the JSON-mode tool called, the answer is content: the turn simply ended.
      return { finishReason: hasToolCalls ? 'tool_calls' : 'stop', unusual: false };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { finishReason: 'length', unusual: stopReason !== 'max_tokens' };
    case 'refusal':
      return { finishReason: 'content_filter', unusual: false };
    default:
      // pause_turn (a server tool paused the turn) and anything newer.
      return { finishReason: hasToolCalls ? 'tool_calls' : 'stop', unusual: true };
  }
}
