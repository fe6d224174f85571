// Anthropic `usage` to canonical Usage. `input_tokens` excludes cached tokens on Anthropic's side;
// it is reported as sent, with `cache_read_input_tokens` as cachedInputTokens beside it.
import type { Usage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function convertUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  const inputTokens = asNumber(usage.input_tokens);
  const outputTokens = asNumber(usage.output_tokens);
  const cachedInputTokens = asNumber(usage.cache_read_input_tokens);
  const result: Usage = {};
  if (inputTokens !== undefined) result.inputTokens = inputTokens;
  if (outputTokens !== undefined) result.outputTokens = outputTokens;
  if (inputTokens !== undefined || outputTokens !== undefined) {
    result.totalTokens = (inputTokens ?? 0) + (outputTokens ?? 0);
  }
  if (cachedInputTokens !== undefined) result.cachedInputTokens = cachedInputTokens;
  return Object.keys(result).length > 0 ? result : undefined;
}

export function usageOf(body: unknown): Usage | undefined {
  return convertUsage(asObject(body).usage);
}
