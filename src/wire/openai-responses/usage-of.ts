// The Responses API `usage` object → canonical Usage.
import type { Usage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function usageOf(body: unknown): Usage | undefined {
  const raw = asObject(body).usage;
  if (!isObject(raw)) return undefined;
  const usage: Usage = {};
  const input = asNumber(raw.input_tokens);
  const output = asNumber(raw.output_tokens);
  const total = asNumber(raw.total_tokens);
  const reasoning = asNumber(asObject(raw.output_tokens_details).reasoning_tokens);
  const cached = asNumber(asObject(raw.input_tokens_details).cached_tokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return usage;
}
