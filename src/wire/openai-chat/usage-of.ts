// The `usage` object of a chat completion (non-streaming, or assembled from the usage chunk that
// `stream_options.include_usage` adds) → canonical Usage. Reads DeepSeek's
// `prompt_cache_hit_tokens` and Moonshot's top-level `cached_tokens` when the OpenAI field is absent.
import type { Usage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function usageOf(body: unknown): Usage | undefined {
  const raw = asObject(body).usage;
  if (!isObject(raw)) return undefined;
  const usage: Usage = {};
  const input = asNumber(raw.prompt_tokens);
  const output = asNumber(raw.completion_tokens);
  const total = asNumber(raw.total_tokens);
  const reasoning = asNumber(asObject(raw.completion_tokens_details).reasoning_tokens);
  const cached =
    asNumber(asObject(raw.prompt_tokens_details).cached_tokens) ??
    asNumber(raw.prompt_cache_hit_tokens) ??
    asNumber(raw.cached_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return usage;
}
