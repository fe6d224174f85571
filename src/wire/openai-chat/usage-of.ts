// The `usage` object of a chat completion (non-streaming, or assembled from the usage chunk that
// `stream_options.include_usage` adds) → canonical TokenUsage. prompt_tokens includes cached
// tokens; reads DeepSeek's `prompt_cache_hit_tokens` and Moonshot's top-level `cached_tokens`
// when the OpenAI field is absent.
import type { TokenUsage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function usageOf(body: unknown): TokenUsage | undefined {
  const raw = asObject(body).usage;
  if (!isObject(raw)) return undefined;
  const input = asNumber(raw.prompt_tokens);
  const output = asNumber(raw.completion_tokens);
  const reasoning = asNumber(asObject(raw.completion_tokens_details).reasoning_tokens);
  const cached =
    asNumber(asObject(raw.prompt_tokens_details).cached_tokens) ??
    asNumber(raw.prompt_cache_hit_tokens) ??
    asNumber(raw.cached_tokens);
  const usage: TokenUsage = { input: {}, output: {}, raw };
  if (input !== undefined) usage.input.total = input;
  if (input !== undefined && cached !== undefined) usage.input.noCache = input - cached;
  if (cached !== undefined) usage.input.cacheRead = cached;
  if (output !== undefined) usage.output.total = output;
  if (reasoning !== undefined) usage.output.reasoning = reasoning;
  return usage;
}
