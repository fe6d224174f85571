// Anthropic `usage` → OpenAI `usage`. Anthropic's input_tokens excludes cached tokens, OpenAI's
// prompt_tokens includes them: prompt_tokens = input + cache_read + cache_creation, with
// cache_read as prompt_tokens_details.cached_tokens. Anthropic reports no separate reasoning count
// (thinking is inside output_tokens).
import { asNumber, isObject } from '../../wire/shared/read-json.js';
import type { ChatCompletionUsage } from '../openai-chat-response.js';

export function anthropicUsageToOpenAi(usage: unknown): ChatCompletionUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = asNumber(usage.input_tokens) ?? 0;
  const cacheRead = asNumber(usage.cache_read_input_tokens) ?? 0;
  const cacheCreation = asNumber(usage.cache_creation_input_tokens) ?? 0;
  const output = asNumber(usage.output_tokens) ?? 0;
  const prompt = input + cacheRead + cacheCreation;
  const result: ChatCompletionUsage = { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output };
  if (usage.cache_read_input_tokens !== undefined) result.prompt_tokens_details = { cached_tokens: cacheRead };
  return result;
}
