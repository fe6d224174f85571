// Gemini `usageMetadata` to the canonical TokenUsage.
// promptTokenCount already includes cachedContentTokenCount (input.total; noCache is the rest).
// output.total = candidatesTokenCount + thoughtsTokenCount, so it counts what the model generated
// including reasoning, like OpenAI's completion_tokens and Anthropic's output_tokens.
// https://ai.google.dev/api/generate-content#UsageMetadata
import type { TokenUsage } from '../../conversation/model.js';
import { asNumber, asObject, isObject } from '../shared/read-json.js';
import { readField } from './read-field.js';

export function convertUsage(usageMetadata: unknown): TokenUsage | undefined {
  if (!isObject(usageMetadata)) return undefined;
  const prompt = asNumber(readField(usageMetadata, 'promptTokenCount'));
  const candidates = asNumber(readField(usageMetadata, 'candidatesTokenCount'));
  const thoughts = asNumber(readField(usageMetadata, 'thoughtsTokenCount'));
  const cached = asNumber(readField(usageMetadata, 'cachedContentTokenCount'));
  if (prompt === undefined && candidates === undefined && thoughts === undefined && cached === undefined) return undefined;
  const input: TokenUsage['input'] = {};
  if (prompt !== undefined) input.total = prompt;
  if (prompt !== undefined) input.noCache = prompt - (cached ?? 0);
  if (cached !== undefined) input.cacheRead = cached;
  const output: TokenUsage['output'] = {};
  if (candidates !== undefined || thoughts !== undefined) output.total = (candidates ?? 0) + (thoughts ?? 0);
  if (thoughts !== undefined) output.reasoning = thoughts;
  return { input, output, raw: usageMetadata };
}

export function usageOf(body: unknown): TokenUsage | undefined {
  // A streamed JSON array (no alt=sse) carries usage in every chunk: the last one wins.
  const chunks = Array.isArray(body) ? body : [body];
  for (let index = chunks.length - 1; index >= 0; index -= 1) {
    const usage = convertUsage(readField(asObject(chunks[index]), 'usageMetadata'));
    if (usage !== undefined) return usage;
  }
  return undefined;
}
