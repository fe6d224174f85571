import { describe, expect, it } from 'vitest';
import { keyColumnOf, keyFormsOf, keyFromColumn } from './thread-key-column.js';

const HEX = '0123456789abcdef00ff7a1b2c3d4e5f';

describe('thread keys in SQLite', () => {
  it('stores a 32-hex-digit key as its 16 bytes and reads it back exactly', () => {
    const stored = keyColumnOf(HEX);
    expect(Buffer.isBuffer(stored)).toBe(true);
    expect((stored as Buffer).length).toBe(16);
    expect(keyFromColumn(stored)).toBe(HEX);
  });

  it('keeps every other key as text: capitals, other lengths, other characters', () => {
    for (const key of [HEX.toUpperCase(), HEX.slice(1), `${HEX}0`, `${HEX.slice(0, 31)}g`, 'root', '']) {
      expect(keyColumnOf(key)).toBe(key);
      expect(keyFromColumn(keyColumnOf(key))).toBe(key);
    }
    expect(keyColumnOf(null)).toBeNull();
    expect(keyFromColumn(null)).toBeNull();
  });

  it('reads a hex key stored as text (rows before migration 13) as the same key, and looks a hex key up in both forms', () => {
    expect(keyFromColumn(HEX)).toBe(HEX);
    const forms = keyFormsOf(HEX);
    expect(forms).toHaveLength(2);
    expect((forms[0] as Buffer).equals(Buffer.from(HEX, 'hex'))).toBe(true);
    expect(forms[1]).toBe(HEX);
    expect(keyFormsOf('root')).toEqual(['root']);
  });
});
