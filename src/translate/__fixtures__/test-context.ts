// A deterministic TranslationContext for the translators' tests: fixed clock, counting ids.
import type { TranslationContext } from '../provider-translator.js';

export const TEST_NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export function testContext(overrides: Partial<TranslationContext> = {}): TranslationContext {
  let next = 0;
  return {
    model: 'test-model',
    includeUsage: false,
    now: TEST_NOW,
    generateId: () => `id${++next}`,
    ...overrides,
  };
}
