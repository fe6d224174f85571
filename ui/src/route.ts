// Hash routing: #/ (the list, its filter in the query), #/c/<id> (one conversation), #/stats.
// The list's filter lives in the address so a reload, or a link, shows the same selection.
import type { ApiFilter } from '../../src/admin/api-types.js';
import { API_KINDS, FINDINGS_FILTERS, REVIEW_STATES } from '../../src/admin/api-types.js';
import { filterToParams } from './api.js';
import { observable } from './observable.js';

export type Route = { name: 'list' } | { name: 'conversation'; id: string } | { name: 'stats' };
export type Order = 'desc' | 'asc';
/** The list shows one row per thread (default) or per request. */
export type ListView = 'threads' | 'requests';

/** What the list shows besides the filter: kept in the address with it. */
export interface ListShape {
  order: Order;
  view: ListView;
  exportable?: boolean;
}

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/u, '').split('?')[0] ?? '';
  const conversation = /^\/c\/([^/]+)$/u.exec(path);
  if (conversation) return { name: 'conversation', id: decodeURIComponent(conversation[1]!) };
  if (path === '/stats') return { name: 'stats' };
  return { name: 'list' };
}

export const route = observable<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => route.set(parseRoute(location.hash)));

/**
 * The route in the address bar now. `route` follows it on `hashchange`, which the browser fires
 * after the navigation: a key pressed in between (j then k, quickly) must act on where the user
 * already is, not on the view being left.
 */
export function currentRoute(): Route {
  return parseRoute(location.hash);
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

const bool = (value: string | null): boolean | undefined => (value === 'true' ? true : value === 'false' ? false : undefined);
const num = (value: string | null): number | undefined => (value !== null && /^\d+$/u.test(value) ? Number(value) : undefined);

/** The list filter and order in the address (`#/?state=pending&q=…`). */
export function readListQuery(): { filter: ApiFilter } & ListShape {
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const filter: ApiFilter = {};
  const state = query.get('state');
  if (state && (REVIEW_STATES as readonly string[]).includes(state)) filter.state = state as ApiFilter['state'] & string;
  const apiKind = query.get('apiKind');
  if (apiKind && (API_KINDS as readonly string[]).includes(apiKind)) filter.apiKind = apiKind as ApiFilter['apiKind'] & string;
  for (const key of ['model', 'domain', 'q', 'tag', 'client'] as const) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  for (const key of ['since', 'until'] as const) {
    const value = num(query.get(key));
    if (value !== undefined) filter[key] = value;
  }
  for (const key of ['hasTools', 'functionCallOnly', 'sideCall', 'hasError'] as const) {
    const value = bool(query.get(key));
    if (value !== undefined) filter[key] = value;
  }
  const findings = query.get('findings');
  if (findings && (FINDINGS_FILTERS as readonly string[]).includes(findings)) filter.findings = findings as ApiFilter['findings'] & string;
  const exportable = bool(query.get('exportable'));
  return {
    filter,
    order: query.get('order') === 'asc' ? 'asc' : 'desc',
    view: query.get('view') === 'requests' ? 'requests' : 'threads',
    ...(exportable === undefined ? {} : { exportable }),
  };
}

export function writeListQuery(filter: ApiFilter, shape: ListShape): void {
  const hash = listHash(filter, shape);
  if (route.get().name === 'list' && location.hash !== hash) history.replaceState(null, '', hash);
}

export function listHash(filter: ApiFilter, shape: ListShape): string {
  const params = filterToParams(filter);
  if (shape.order === 'asc') params.set('order', 'asc');
  if (shape.view === 'requests') params.set('view', 'requests');
  if (shape.exportable !== undefined) params.set('exportable', String(shape.exportable));
  const query = params.toString();
  return `#/${query === '' ? '' : `?${query}`}`;
}
