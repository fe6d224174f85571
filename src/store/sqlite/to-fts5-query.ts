// Builds the FTS5 MATCH expression (https://sqlite.org/fts5.html#full_text_query_syntax) for a
// search. The terms come from the index's own tokenizer (see sqlite-store.ts), so each is exactly
// one token: quoted it can never be read as syntax (AND, OR, NOT, NEAR, column filters, `^`), nor
// as a phrase (which detail=none would refuse). Each term matches as a prefix; terms are ANDed.

/** At most this many terms are used: enough for any real search, and it bounds the query size. */
export const MAX_SEARCH_TERMS = 32;

/** null when there is no term (nothing can match). */
export function toFts5Query(terms: readonly string[]): string | null {
  const unique = [...new Set(terms.filter((term) => term.length > 0))].slice(0, MAX_SEARCH_TERMS);
  if (unique.length === 0) return null;
  return unique.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
}
