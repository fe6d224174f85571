// Full-text search terms for PostgreSQL, computed in JavaScript rather than by a text-search
// parser, so the index and the query split words exactly alike and the store's search contract
// holds (store.ts ListFilter.search): words are runs of letters and digits, case-folded, with
// diacritics removed (NFKD, then every combining mark dropped). The index is a `tsvector` built
// with array_to_tsvector() (no parser, no dictionary, no extension needed); a search is a
// `tsquery` of prefix terms ANDed together, built here with every lexeme quoted, so user input is
// never query syntax.

/** Longer words are cut to this many characters, in the index and in queries alike (prefix match still holds). */
export const MAX_LEXEME_CHARS = 128;
/** At most this many distinct words of one record are indexed (a tsvector is limited to 1 MB). */
export const MAX_LEXEMES_PER_RECORD = 50_000;
/** At most this many search words are used: enough for any real search, and it bounds the query. */
export const MAX_SEARCH_TERMS = 32;
/** Longest search input considered. */
const MAX_SEARCH_INPUT_CHARS = 2_000;
/** Budget for the sum of lexeme lengths of one record (bytes, well under the 1 MB tsvector limit). */
const MAX_VECTOR_BYTES = 600_000;

const MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const ROUGH_RUN = /[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/gu;
const NON_ASCII = /[^\x00-\x7f]/u;

/** The words of `text`, folded, in order of first appearance, each once. */
export function wordsOf(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const seen = new Set<string>();
  const add = (word: string): boolean => {
    seen.add(word.length > MAX_LEXEME_CHARS ? cutAtCodePoint(word, MAX_LEXEME_CHARS) : word);
    return seen.size >= limit;
  };
  // Runs of ASCII letters and digits and of any non-ASCII character. An ASCII run (most prompts
  // and code) is a word as it is; only runs with other characters pay for normalization and the
  // Unicode-property pattern (several times slower). The words are the same either way.
  for (const run of text.matchAll(ROUGH_RUN)) {
    const piece = run[0];
    if (!NON_ASCII.test(piece)) {
      if (add(piece.toLowerCase())) break;
      continue;
    }
    let full = false;
    for (const match of piece.normalize('NFKD').replace(MARKS, '').toLowerCase().matchAll(WORD)) {
      if ((full = add(match[0]))) break;
    }
    if (full) break;
  }
  return [...seen];
}

/** The lexemes to index for a record's search text (bounded in count and bytes). */
export function indexLexemes(searchText: string): string[] {
  const words = wordsOf(searchText, MAX_LEXEMES_PER_RECORD);
  let bytes = 0;
  const kept: string[] = [];
  for (const word of words) {
    bytes += Buffer.byteLength(word) + 8;
    if (bytes > MAX_VECTOR_BYTES) break;
    kept.push(word);
  }
  return kept;
}

/** The tsquery text for a search (every word as a prefix, ANDed); null when it has no word. */
export function toTsQuery(search: string): string | null {
  const words = wordsOf(search.slice(0, MAX_SEARCH_INPUT_CHARS), MAX_SEARCH_TERMS);
  if (words.length === 0) return null;
  return words.map((word) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}':*`).join(' & ');
}

function cutAtCodePoint(text: string, chars: number): string {
  let cut = text.slice(0, chars);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}
