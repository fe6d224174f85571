// Builds the FTS5 MATCH expression (https://sqlite.org/fts5.html#full_text_query_syntax) for a
// search. The terms come from the index's own tokenizer (see sqlite-store.ts), so each is exactly
// one token: quoted it can never be read as syntax (AND, OR, NOT, NEAR, column filters, `^`), nor
// as a phrase (which detail=none would refuse). Each term matches as a prefix; terms are ANDed.
//
// A prefix term (`"please"*`) makes FTS5 merge the entries of every indexed term it prefixes into
// one list before returning the first match, so its cost grows with the index (50 ms for a common
// word at 300,000 records, 3.4 s at a million), and no newest-first page can stop early. Given
// the indexed terms a prefix stands for (the store reads them from the index's vocabulary), the
// term becomes their OR, which FTS5 walks lazily: the first page of a common word is again a few
// index pages. A prefix of more than MAX_PREFIX_TERMS terms (a one-letter search) stays a prefix.

/** At most this many terms are used: enough for any real search, and it bounds the query size. */
export const MAX_SEARCH_TERMS = 32;

/** Indexed terms a prefix expands to at most: past this it stays an FTS5 prefix query. */
export const MAX_PREFIX_TERMS = 64;

/**
 * The indexed terms that start with `prefix` (itself included when indexed), or null when there
 * are more than MAX_PREFIX_TERMS.
 */
export type ExpandPrefix = (prefix: string) => readonly string[] | null;

const quoted = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** null when there is no term, or when a term prefixes no indexed term (nothing can match). */
export function toFts5Query(terms: readonly string[], expand?: ExpandPrefix): string | null {
  const unique = [...new Set(terms.filter((term) => term.length > 0))].slice(0, MAX_SEARCH_TERMS);
  if (unique.length === 0) return null;
  const parts: string[] = [];
  for (const term of unique) {
    const expanded = expand?.(term) ?? null;
    if (expanded === null) parts.push(`${quoted(term)}*`);
    else if (expanded.length === 0) return null;
    else parts.push(expanded.length === 1 ? quoted(expanded[0]!) : `(${expanded.map(quoted).join(' OR ')})`);
  }
  // Explicit AND: FTS5 reads juxtaposed terms as one group, which a parenthesised OR cannot join.
  return parts.join(' AND ');
}
