// What `--db` (and `DB`, and config `recording.database.url`) may name: a SQLite file path, or a
// PostgreSQL connection URL (postgres:// or postgresql://). Parsing lives here so every caller
// agrees; describeLocator() is the only form of a locator that may be shown (health, logs,
// report.json, the UI, error messages): it never contains the password.

export type StoreLocator = { backend: 'sqlite'; path: string } | { backend: 'postgres'; url: string };

/** Thrown for a locator no backend serves (another URL scheme, an unparsable URL). */
export class LocatorError extends Error {
  override name = 'LocatorError';
}

const POSTGRES_SCHEME = /^postgres(?:ql)?:\/\//iu;
const ANY_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//iu;

export function isPostgresLocator(locator: string): boolean {
  return POSTGRES_SCHEME.test(locator.trim());
}

export function parseLocator(locator: string): StoreLocator {
  const text = locator.trim();
  if (text === '') throw new LocatorError('the database locator is empty: give a SQLite file path or a postgres:// URL (--db)');
  if (isPostgresLocator(text)) {
    try {
      new URL(text);
    } catch {
      throw new LocatorError(`the database URL ${describeLocator(text)} is not a valid URL (postgres://user:password@host:port/database)`);
    }
    return { backend: 'postgres', url: text };
  }
  const scheme = ANY_SCHEME.exec(text)?.[1];
  // `file:` URIs are SQLite's own; any other scheme is a mistake, not a folder to create.
  if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
    throw new LocatorError(`unsupported database URL scheme "${scheme}:": use a SQLite file path or postgres://user:password@host:port/database (--db)`);
  }
  return { backend: 'sqlite', path: text };
}

/** The locator with any password (in the userinfo or a `password=` parameter) replaced by `***`. */
export function describeLocator(locator: string): string {
  const text = locator.trim();
  if (ANY_SCHEME.exec(text) === null || /^file:/iu.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/iu.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    // Not a URL we can parse: mask everything between "user:" and "@" by pattern.
    return text.replace(/(\/\/[^/:@]*:)[^@/]*@/u, '$1***@').replace(/(password=)[^&]*/giu, '$1***');
  }
}

/** `text` with the locator's password (raw and URL-decoded) replaced by `***`: for error messages from drivers. */
export function maskLocatorSecrets(text: string, locator: string): string {
  let masked = text;
  const secrets = new Set<string>();
  try {
    const url = new URL(locator.trim());
    if (url.password !== '') {
      secrets.add(url.password);
      secrets.add(decodeURIComponent(url.password));
    }
    for (const [key, value] of url.searchParams) if (/pass|secret|token|key/iu.test(key) && value !== '') secrets.add(value);
  } catch {
    return masked.split(locator).join(describeLocator(locator));
  }
  masked = masked.split(locator.trim()).join(describeLocator(locator));
  for (const secret of secrets) if (secret.length > 0) masked = masked.split(secret).join('***');
  return masked;
}
