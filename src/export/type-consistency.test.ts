// formats.md 1.3-A: one JSON type per path across the rows of a file.
import { describe, expect, it } from 'vitest';
import { JsonTypeTracker } from './type-consistency.js';

describe('JsonTypeTracker', () => {
  it('accepts rows with the same types, nulls and missing keys, and numbers of any kind', () => {
    const tracker = new JsonTypeTracker();
    for (const row of [{ a: 'x', b: [1, 2.5] }, { a: null, b: [] }, { b: [3] }, { a: 'y', c: { d: true } }]) {
      expect(tracker.conflicts(row)).toEqual([]);
      tracker.record(row);
    }
  });

  it('reports a path whose type changes from earlier rows, and only remembers rows that were written', () => {
    const tracker = new JsonTypeTracker();
    tracker.record({ messages: [{ content: 'text' }] });
    const conflicting = { messages: [{ content: [{ type: 'text', text: 'x' }] }] };
    expect(tracker.conflicts(conflicting)).toEqual([{ path: 'messages[].content', expected: 'string', actual: 'list' }]);
    // Not recorded: the next list-content row still conflicts with the strings.
    expect(tracker.conflicts(conflicting)).toHaveLength(1);
  });

  it('reports a conflict inside one row and starts from known types', () => {
    expect(new JsonTypeTracker().conflicts({ tools: [{ enum: ['a'] }, { enum: [1] }] })).toEqual([{ path: 'tools[].enum[]', expected: 'string', actual: 'number' }]);
    expect(new JsonTypeTracker({ 'messages[].content': 'string' }).conflicts({ messages: [{ content: [] }] })).toEqual([
      { path: 'messages[].content', expected: 'string', actual: 'list' },
    ]);
  });
});
