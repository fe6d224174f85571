// Turns what a user typed into a safe FTS5 MATCH expression (https://sqlite.org/fts5.html#full_text_query_syntax).
// Each whitespace-separated word becomes a quoted string (so AND, OR, NOT, NEAR, column filters,
// parentheses and `*` are taken literally) with a prefix `*` after it; the words are ANDed.

/**
 * `undefined` for a blank input (no filter); `null` when no word has a letter or digit (the
 * tokenizer would drop them all, so nothing can match); else the MATCH expression.
 */
export function toFts5Query(input: string): string | null | undefined {
  const words = input.split(/\s+/u).filter((word) => word.length > 0);
  if (words.length === 0) return undefined;
  const searchable = words.filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (searchable.length === 0) return null;
  return searchable.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}
