// Query strings are checked like JSON bodies: a parameter the endpoint does not know is refused
// with its name, so a typo (`?stat=confirmed`) never silently widens an export or a list.
import { AdminError } from './admin-error.js';

/** The filter's query parameters (ApiFilter), shared by every endpoint that takes a filter. */
export const FILTER_PARAMS = ['state', 'model', 'domain', 'apiKind', 'since', 'until', 'hasTools', 'functionCallOnly', 'sideCall', 'client', 'hasError', 'q', 'tag', 'findings'] as const;

export function refuseUnknownParams(query: URLSearchParams, allowed: readonly string[]): void {
  const unknown = [...new Set([...query.keys()].filter((key) => !allowed.includes(key)))];
  if (unknown.length === 0) return;
  throw new AdminError(
    'bad_request',
    `unknown query parameter${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => `"${key}"`).join(', ')}; this endpoint takes ${allowed.length === 0 ? 'none' : allowed.join(', ')}`,
  );
}
