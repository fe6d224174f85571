// Clients may always send `Authorization: Bearer KEY`; each upstream gets the header it expects.
// Table-driven: one converter per auth type, applied to the outgoing header map in place.
import type { AuthType } from '../../config/defaults.js';

export type OutgoingHeaders = Record<string, string | string[]>;

const ANTHROPIC_VERSION = '2023-06-01';

function bearerToken(headers: OutgoingHeaders): string | undefined {
  const value = headers['authorization'];
  if (typeof value !== 'string') return undefined;
  const match = /^\s*bearer\s+(.+?)\s*$/i.exec(value);
  return match?.[1];
}

const CONVERTERS: Record<AuthType, (headers: OutgoingHeaders, query: string) => void> = {
  openai() {
    // Authorization passes through unchanged.
  },
  anthropic(headers) {
    if (headers['x-api-key'] === undefined) {
      const token = bearerToken(headers);
      if (token !== undefined) {
        headers['x-api-key'] = token;
        delete headers['authorization'];
      }
    }
    if (headers['anthropic-version'] === undefined) headers['anthropic-version'] = ANTHROPIC_VERSION;
  },
  google(headers, query) {
    if (headers['x-goog-api-key'] !== undefined || /(?:^|[?&])key=/.test(query)) return;
    const token = bearerToken(headers);
    // OAuth access tokens (ya29.…) are real Bearer credentials for Google: leave those alone.
    if (token !== undefined && !token.startsWith('ya29.')) {
      headers['x-goog-api-key'] = token;
      delete headers['authorization'];
    }
  },
};

export function convertAuth(authType: AuthType, headers: OutgoingHeaders, query: string): void {
  CONVERTERS[authType](headers, query);
}
