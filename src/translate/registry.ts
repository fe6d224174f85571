// The only list of translated providers. `openai` routes are passed through untranslated, so they
// have no entry. Adding a provider: a folder beside gemini/ and anthropic/, and one line here.
import { anthropicTranslator } from './anthropic/index.js';
import { geminiTranslator } from './gemini/index.js';
import type { ChatTranslator } from './provider-translator.js';
import type { CompatProvider } from './route-model.js';

const TRANSLATORS: Partial<Record<CompatProvider, ChatTranslator>> = {
  google: geminiTranslator,
  anthropic: anthropicTranslator,
};

/** The translator for a route's provider; undefined for `openai` (pass-through). */
export function translatorFor(provider: CompatProvider): ChatTranslator | undefined {
  return TRANSLATORS[provider];
}
