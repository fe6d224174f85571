import { describe, expect, it } from 'vitest';
import { redactSlot, redactText, Replacer, scanTextsOf, slotsOf, type TextSlot } from './row-texts.js';

const card = ['4111', '1111', '1111', '1111'].join('');

describe('row texts', () => {
  it('lists every text of a ShareGPT row with its turn and field, JSON where the row needs JSON', () => {
    const row = {
      conversations: [
        { from: 'human', value: 'hi' },
        { from: 'function_call', value: '{"name":"f","arguments":{"a":"x"}}' },
        { from: 'observation', value: '{"ok":true}' },
        { from: 'gpt', value: 'done' },
      ],
      system: 'sys',
      tools: '[{"name":"f"}]',
      images: [],
    };
    expect(slotsOf('sharegpt', row).map(({ place, json }) => [place.turn, place.field, json])).toEqual([
      [null, 'system', false],
      [null, 'tools', true],
      [0, 'human', false],
      [1, 'function_call', true],
      [2, 'observation', true],
      [3, 'gpt', false],
    ]);
  });

  it('redacts inside JSON string values and numbers, and the JSON stays valid', () => {
    const slot: TextSlot = { place: { turn: 1, field: 'function_call' }, text: `{"name":"pay","arguments":{"card":${card},"note":"card ${card} \\"quoted\\""}}`, json: true };
    const redacted = redactSlot(slot, [{ value: card, placeholder: '<CREDIT_CARD_1>' }]);
    expect(JSON.parse(redacted)).toEqual({ name: 'pay', arguments: { card: '<CREDIT_CARD_1>', note: 'card <CREDIT_CARD_1> "quoted"' } });
    expect(scanTextsOf(slot)).toContain(`card ${card} "quoted"`);
  });

  it('keeps an unchanged JSON text byte for byte, big numbers included', () => {
    const text = '{ "id": 12345678901234567890, "x": "y" }';
    expect(redactSlot({ place: { turn: 0, field: 'observation' }, text, json: true }, [{ value: 'absent', placeholder: '<X_1>' }])).toBe(text);
  });

  it('replaces the longest value first and every JSON spelling of a value', () => {
    const replacements = [
      { value: 'abc', placeholder: '<A_1>' },
      { value: 'abcdef', placeholder: '<B_1>' },
      { value: 'line1\nline2', placeholder: '<K_1>' },
    ];
    expect(redactText('abcdef abc', replacements)).toBe('<B_1> <A_1>');
    expect(redactText('{"key":"line1\\nline2"}', replacements)).toBe('{"key":"<K_1>"}');
  });

  it('replaces thousands of values in one pass, longest first, and says whether any is left', () => {
    const values = Array.from({ length: 2_000 }, (_, index) => ({ value: `10.${index >> 8}.${index & 255}.7`, placeholder: `<IP_${index + 1}>` }));
    values.push({ value: '10.0.1.77', placeholder: '<IP_LONG>' });
    const replacer = new Replacer(values);
    const text = values.map(({ value }) => `host ${value};`).join(' ');
    const redacted = replacer.replace(text);
    expect(redacted).toContain('host <IP_1>; host <IP_2>;');
    expect(redacted).toContain('host <IP_LONG>;');
    expect(redacted).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
    expect(replacer.occursIn(redacted)).toBe(false);
    expect(replacer.occursIn('see 10.7.200.7 here')).toBe(true);
  });
});
