// PostgreSQL `text` cannot hold U+0000, which a recorded error message, path or preview may
// contain. Text columns therefore go through a reversible escape: U+0000 becomes U+E000 "0" and
// U+E000 itself becomes U+E000 U+E000 (a private-use character, so ordinary text is unchanged).
// Filter values are escaped the same way, so equality still works.

const ESCAPE = '\uE000';

export function toPgText(value: string): string;
export function toPgText(value: string | null): string | null;
export function toPgText(value: string | null): string | null {
  if (value === null || (!value.includes('\u0000') && !value.includes(ESCAPE))) return value;
  return value.replace(/[\u0000\uE000]/gu, (char) => (char === ESCAPE ? ESCAPE + ESCAPE : `${ESCAPE}0`));
}

export function fromPgText(value: string): string;
export function fromPgText(value: string | null): string | null;
export function fromPgText(value: string | null): string | null {
  if (value === null || !value.includes(ESCAPE)) return value;
  return value.replace(/\uE000([0\uE000])/gu, (_, next: string) => (next === '0' ? '\u0000' : ESCAPE));
}
