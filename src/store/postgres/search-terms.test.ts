import { describe, expect, it } from 'vitest';
import { MAX_LEXEME_CHARS, indexLexemes, toTsQuery, wordsOf } from './search-terms.js';

describe('search terms', () => {
  it('splits ASCII and Unicode text into the same folded words', () => {
    expect(wordsOf('Hello, World: foo.bar_baz() 42x')).toEqual(['hello', 'world', 'foo', 'bar', 'baz', '42x']);
    expect(wordsOf('Héllo, Wörld: foo.bar_baz() 42x')).toEqual(['hello', 'world', 'foo', 'bar', 'baz', '42x']);
    expect(wordsOf('Crème BRÛLÉE cafe\u0301 s’il')).toEqual(['creme', 'brulee', 'cafe', 's', 'il']);
  });

  it('quotes every word as a prefix term, so input is never tsquery syntax', () => {
    expect(toTsQuery("a) OR (b'; --")).toBe("'a':* & 'or':* & 'b':*");
    expect(toTsQuery('?!')).toBeNull();
  });

  it('cuts long words and bounds a record’s lexemes', () => {
    expect(indexLexemes('x'.repeat(500))).toEqual(['x'.repeat(MAX_LEXEME_CHARS)]);
    const many = Array.from({ length: 200_000 }, (_, index) => `w${index}`).join(' ');
    const lexemes = indexLexemes(many);
    expect(lexemes.length).toBeLessThanOrEqual(50_000);
    expect(lexemes.reduce((sum, word) => sum + word.length + 8, 0)).toBeLessThanOrEqual(600_000);
  });
});
