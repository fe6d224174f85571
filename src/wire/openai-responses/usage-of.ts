// The Responses API `usage` object → canonical TokenUsage (input_tokens includes cached tokens).
import type { TokenUsage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';

export function usageOf(body: unknown): TokenUsage | undefined {
  const raw = asObject(body).usage;
  if (!isObject(raw)) return undefined;
  const input = asNumber(raw.input_tokens);
  const output = asNumber(raw.output_tokens);
  const reasoning = asNumber(asObject(raw.output_tokens_details).reasoning_tokens);
  const cached = asNumber(asObject(raw.input_tokens_details).cached_tokens);
  const usage: TokenUsage = { input: {}, output: {}, raw };
  if (input !== undefined) usage.input.total = input;
  if (input !== undefined && cached !== undefined) usage.input.noCache = input - cached;
  if (cached !== undefined) usage.input.cacheRead = cached;
  if (output !== undefined) usage.output.total = output;
  if (reasoning !== undefined) usage.output.reasoning = reasoning;
  return usage;
}
