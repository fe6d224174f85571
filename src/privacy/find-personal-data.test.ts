import { describe, expect, it } from 'vitest';
import { luhnCardNumber, seededRandom, validIban } from './__fixtures__/seeded-values.js';
import { findPersonalData, isCardNumber, isIban, PERSONAL_DATA_KINDS, type PersonalDataKind } from './find-personal-data.js';

const every = new Set(PERSONAL_DATA_KINDS);
const found = (text: string, kinds: ReadonlySet<PersonalDataKind> = every): Array<[string, string]> =>
  findPersonalData(text, kinds).map((match) => [match.kind, match.value]);

describe('findPersonalData', () => {
  it('finds e-mail addresses, phones, IPv4/IPv6, Luhn-valid card numbers and mod-97-valid IBANs', () => {
    const card = luhnCardNumber(seededRandom(1));
    const iban = validIban('FR', '20041010050500013M02606');
    const text = `Mail ana.lopez+billing@shop.example.org or call +33 1 42 68 53 00 / (212) 555-0187. ` +
      `Server 198.51.100.23 and 2001:db8::ff00:42:8329. Card ${card}, IBAN ${iban}.`;
    expect(found(text)).toEqual([
      ['email', 'ana.lopez+billing@shop.example.org'],
      ['phone', '+33 1 42 68 53 00'],
      ['phone', '(212) 555-0187'],
      ['ip', '198.51.100.23'],
      ['ip', '2001:db8::ff00:42:8329'],
      ['credit_card', card],
      ['iban', iban],
    ]);
  });

  it('ignores what only looks like personal data: dates, versions, ids, loopback, failed checksums', () => {
    const card = luhnCardNumber(seededRandom(2));
    const wrongCard = card.slice(0, -1) + String((Number(card.at(-1)) + 1) % 10);
    const text = [
      'released 2025-08-01 12:30:45, version 1.2.3.4-beta, build 20250801123045',
      'order id 1756000000000, listening on 127.0.0.1:8080 and [::1]:3000 and 0.0.0.0',
      `card ${wrongCard}, iban DE00370400440532013000, std::vector<int>, a::b`,
      'time 12:30:45, ratio 3:2, hash deadbeef:cafe',
    ].join('\n');
    expect(found(text)).toEqual([]);
  });

  it('looks only for the kinds it is asked for', () => {
    expect(found('a@b.example.com 203.0.113.9', new Set(['ip']))).toEqual([['ip', '203.0.113.9']]);
  });

  it('checks card numbers with Luhn and an issuer prefix, IBANs with mod 97', () => {
    expect(isCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(isCardNumber('4111 1111 1111 1112')).toBe(false);
    expect(isCardNumber('1234 5678 9012 3452')).toBe(false); // Luhn-valid, no issuer
    expect(isCardNumber('3782 822463 10005')).toBe(true); // Amex, 15 digits
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });
});
