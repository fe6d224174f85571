// Anthropic `usage` to the canonical TokenUsage. Anthropic's `input_tokens` counts only the tokens
// read neither from nor into the cache, so the prompt's total is input_tokens +
// cache_read_input_tokens + cache_creation_input_tokens (vercel/ai's anthropic provider reads it
// the same way). Thinking is inside `output_tokens`; Anthropic reports no separate reasoning count.
// https://docs.anthropic.com/en/api/messages (usage)
import type { TokenUsage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function convertUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const noCache = asNumber(usage.input_tokens);
  const cacheRead = asNumber(usage.cache_read_input_tokens);
  const cacheWrite = asNumber(usage.cache_creation_input_tokens);
  const output = asNumber(usage.output_tokens);
  if (noCache === undefined && cacheRead === undefined && cacheWrite === undefined && output === undefined) return undefined;
  const input: TokenUsage['input'] = {};
  if (noCache !== undefined || cacheRead !== undefined || cacheWrite !== undefined) {
    input.total = (noCache ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  }
  if (noCache !== undefined) input.noCache = noCache;
  if (cacheRead !== undefined) input.cacheRead = cacheRead;
  if (cacheWrite !== undefined) input.cacheWrite = cacheWrite;
  return { input, output: output !== undefined ? { total: output } : {}, raw: usage };
}

export function usageOf(body: unknown): TokenUsage | undefined {
  return convertUsage(asObject(body).usage);
}
