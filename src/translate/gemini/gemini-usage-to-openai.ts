// Gemini `usageMetadata` → OpenAI `usage`. completion_tokens counts what the model generated,
// thoughts included (as OpenAI's does for reasoning models, and as wire/gemini/convert-usage.ts
// records it); completion_tokens_details.reasoning_tokens carries the thoughts alone, and
// cachedContentTokenCount becomes prompt_tokens_details.cached_tokens.
import { asNumber, isObject } from '../../wire/shared/read-json.js';
import { readField } from '../../wire/gemini/read-field.js';
import type { ChatCompletionUsage } from '../openai-chat-response.js';

export function geminiUsageToOpenAi(usageMetadata: unknown): ChatCompletionUsage | undefined {
  if (!isObject(usageMetadata)) return undefined;
  const prompt = asNumber(readField(usageMetadata, 'promptTokenCount')) ?? 0;
  const candidates = asNumber(readField(usageMetadata, 'candidatesTokenCount')) ?? 0;
  const thoughts = asNumber(readField(usageMetadata, 'thoughtsTokenCount'));
  const cached = asNumber(readField(usageMetadata, 'cachedContentTokenCount'));
  const completion = candidates + (thoughts ?? 0);
  const usage: ChatCompletionUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: asNumber(readField(usageMetadata, 'totalTokenCount')) ?? prompt + completion,
  };
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  if (thoughts !== undefined) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}
