// Which auth scheme the upstream expects: the allowlist entry's auth_type, else the path
// (SPEC.md section 1: /anthropic/ or /v1/messages → anthropic; Gemini paths → google; else openai).
import type { AuthType } from '../../config/defaults.js';

const GOOGLE_PATH = /\/v1(?:alpha|beta)?\/(?:models|tunedModels|files|cachedContents)(?:\/|$)|:(?:generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens)\b/;

export function detectAuthType(configured: AuthType | undefined, path: string): AuthType {
  if (configured) return configured;
  if (path.includes('/anthropic/') || path.includes('/v1/messages')) return 'anthropic';
  if (GOOGLE_PATH.test(path) && !path.includes('/openai/')) return 'google';
  return 'openai';
}
