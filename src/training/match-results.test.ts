// Which tool result answers which call (formats.md 5.1): by id, then by name, then by position.
import { describe, expect, it } from 'vitest';
import { matchResultsToCalls } from './match-results.js';

describe('matchResultsToCalls', () => {
  it('matches by id first, then by name, then by position, and keeps unmatched results last', () => {
    const calls = [{ id: 'a', name: 'weather' }, { name: 'time' }, { name: 'weather' }, { id: 'd', name: 'news' }];
    const results = [{ callId: 'x', content: 'stray' }, { content: 'second weather' }, { name: 'time', content: 'time' }, { callId: 'a', content: 'first weather' }];
    const match = matchResultsToCalls(results, calls);
    expect(match.slots.map((slot) => slot?.content)).toEqual(['first weather', 'time', 'second weather', undefined]);
    expect(match.unmatched.map((result) => result.content)).toEqual(['stray']);
    expect(match.ordered.map((result) => result.content)).toEqual(['first weather', 'time', 'second weather', 'stray']);
    expect(match.reordered).toBe(true);
  });

  it('reports no reordering when results already follow the calls', () => {
    expect(matchResultsToCalls([{ name: 'f', content: '1' }, { name: 'f', content: '2' }], [{ name: 'f' }, { name: 'f' }]).reordered).toBe(false);
  });
});
