// Gemini `usageMetadata` to canonical Usage.
// Decision: outputTokens = candidatesTokenCount + thoughtsTokenCount, so it counts what the model
// generated including reasoning, like OpenAI's completion_tokens and Anthropic's output_tokens;
// reasoningTokens carries thoughtsTokenCount on its own. totalTokens is Gemini's own total.
import type { Usage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';
import { readField } from './read-field.js';

export function convertUsage(usageMetadata: unknown): Usage | undefined {
  if (!isObject(usageMetadata)) return undefined;
  const prompt = asNumber(readField(usageMetadata, 'promptTokenCount'));
  const candidates = asNumber(readField(usageMetadata, 'candidatesTokenCount'));
  const thoughts = asNumber(readField(usageMetadata, 'thoughtsTokenCount'));
  const total = asNumber(readField(usageMetadata, 'totalTokenCount'));
  const cached = asNumber(readField(usageMetadata, 'cachedContentTokenCount'));
  const usage: Usage = {};
  if (prompt !== undefined) usage.inputTokens = prompt;
  if (candidates !== undefined || thoughts !== undefined) usage.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  if (total !== undefined) usage.totalTokens = total;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

export function usageOf(body: unknown): Usage | undefined {
  // A streamed JSON array (no alt=sse) carries usage in every chunk: the last one wins.
  const chunks = Array.isArray(body) ? body : [body];
  for (let index = chunks.length - 1; index >= 0; index -= 1) {
    const usage = convertUsage(readField(asObject(chunks[index]), 'usageMetadata'));
    if (usage !== undefined) return usage;
  }
  return undefined;
}
