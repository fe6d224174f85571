// Personal data in one text: e-mail addresses, phone numbers, IP addresses, credit-card numbers
// (Luhn-checked, with a known issuer prefix) and IBANs (ISO 13616 mod-97 checked). Pure and
// synchronous. Each detector errs towards precision: a training set full of false `<PHONE_1>`
// placeholders (version numbers, timestamps, ids) is damaged as surely as one that leaks.
import ipaddr from 'ipaddr.js';

export const PERSONAL_DATA_KINDS = ['email', 'phone', 'ip', 'credit_card', 'iban'] as const;
export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];

export interface TextMatch {
  value: string;
  start: number;
  end: number;
}

export interface PersonalDataMatch extends TextMatch {
  kind: PersonalDataKind;
}

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
// An international number (+CC …), a parenthesised area code, or at least three separated
// digit groups; 9 to 15 digits (E.164). A bare run of digits is an id or a timestamp, not a phone.
const PHONE = /(?<![\w+.\-/:])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,5}){1,5}(?![\w.\-/:]*\d)/g;
const IPV4 = /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w.]*\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g;

export function findPersonalData(text: string, kinds: ReadonlySet<PersonalDataKind>): PersonalDataMatch[] {
  const found: PersonalDataMatch[] = [];
  const add = (kind: PersonalDataKind, matches: TextMatch[]): void => {
    for (const match of matches) found.push({ kind, ...match });
  };
  // Cheap guards first: most texts hold no '@' and few digits.
  if (kinds.has('email') && text.includes('@')) add('email', matchesOf(EMAIL, text));
  const hasDigit = /\d/.test(text);
  if (kinds.has('credit_card') && hasDigit) add('credit_card', matchesOf(CARD, text).filter((match) => isCardNumber(match.value)));
  if (kinds.has('iban') && hasDigit) add('iban', matchesOf(IBAN, text).filter((match) => isIban(match.value)));
  if (kinds.has('ip')) {
    if (hasDigit) add('ip', matchesOf(IPV4, text).filter((match) => isPersonalIp(match.value) && !isVersion(text, match.start)));
    if (text.includes(':')) add('ip', matchesOf(IPV6, text).filter((match) => isIpv6Literal(match.value) && isPersonalIp(match.value)));
  }
  if (kinds.has('phone') && hasDigit) {
    // Digits already taken by an address, a card or an IBAN are not also a phone (sorted: one pass).
    const taken = found.filter((match) => match.kind !== 'email').sort((a, b) => a.start - b.start);
    let cursor = 0;
    const phones = matchesOf(PHONE, text).filter((match) => {
      while (cursor < taken.length && taken[cursor]!.end <= match.start) cursor += 1;
      const next = taken[cursor];
      return isPhone(match.value) && !(next !== undefined && overlaps(next, match));
    });
    add('phone', phones);
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}

function matchesOf(pattern: RegExp, text: string): TextMatch[] {
  const matches: TextMatch[] = [];
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    matches.push({ value: match[0], start, end: start + match[0].length });
  }
  return matches;
}

function overlaps(a: TextMatch, b: TextMatch): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Luhn (ISO/IEC 7812-1) over 13-19 digits, plus a known issuer prefix (IIN) for the length. */
export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  if (!hasIssuerPrefix(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function hasIssuerPrefix(digits: string): boolean {
  const length = digits.length;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return length === 13 || length === 16 || length === 19; // Visa
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return length === 16; // Mastercard
  if (two === 34 || two === 37) return length === 15; // American Express
  if (digits.startsWith('6011') || two === 65 || (Number(digits.slice(0, 3)) >= 644 && Number(digits.slice(0, 3)) <= 649)) return length >= 16; // Discover
  if (four >= 3528 && four <= 3589) return length >= 16; // JCB
  if (two === 36 || two === 38 || (Number(digits.slice(0, 3)) >= 300 && Number(digits.slice(0, 3)) <= 305)) return length >= 14; // Diners
  return false;
}

/** ISO 13616: letters to numbers (A=10 … Z=35), the first four characters moved to the end, mod 97 = 1. */
export function isIban(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return false;
  // Dates and times (2025-08-01, 2025.08.01 12) are not phone numbers.
  if (/^\d{4}[-.]\d{2}[-.]\d{2}/.test(candidate)) return false;
  if (candidate.startsWith('+') || candidate.includes('(')) return true;
  return (candidate.match(/[ .-]/g) ?? []).length >= 2 && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(candidate);
}

function isIpv6Literal(candidate: string): boolean {
  // Eight groups, or a "::" with at least two groups: "a:b" or "12:30:45" are not addresses.
  const groups = candidate.split(':').filter((group) => group !== '');
  if (!candidate.includes('::') && groups.length < 8) return false;
  return groups.length >= 2 && candidate.length >= 6 && /\d/.test(candidate) && ipaddr.IPv6.isValid(candidate);
}

/** "version 1.2.3.4", "v1.2.3.4": a four-part version number, not an address. */
function isVersion(text: string, start: number): boolean {
  return /(?:\bv|\bversion|\bver\.?)\s*$/i.test(text.slice(Math.max(0, start - 12), start));
}

/** Loopback and unspecified addresses are in every code sample and say nothing about anyone. */
function isPersonalIp(candidate: string): boolean {
  if (!ipaddr.isValid(candidate)) return false;
  const range = ipaddr.parse(candidate).range();
  return range !== 'loopback' && range !== 'unspecified';
}
