// Request parameters a provider translator does not handle: each one becomes a warning (logged by
// the proxy) instead of disappearing silently. The translators list what they DO handle.
import type { ChatRequest } from '../openai-chat-request.js';

/** Handled by the proxy itself for every provider. */
const HANDLED_BY_PROXY = ['model', 'messages', 'stream', 'stream_options'];

export function unmappedParameterWarnings(request: ChatRequest, handled: readonly string[], provider: string): string[] {
  const known = new Set([...HANDLED_BY_PROXY, ...handled]);
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(request)) {
    if (known.has(key) || value === null || value === undefined) continue;
    warnings.push(`parameter "${key}" is not translated for ${provider} and was not sent`);
  }
  return warnings;
}
