// The page's client for the admin API: one typed function per endpoint (types from
// src/admin/api-types.ts), JSON in and out, the CSRF header on every mutation, errors as ApiError.
import {
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type ApiErrorBody,
  type AnnotationRequest,
  type AnnotationResponse,
  type ApiFilter,
  type ChangedResponse,
  type DeletedResponse,
  type EditResponse,
  type ExchangeDetail,
  type ExportFormatName,
  type ExportPreview,
  type ThreadDetail,
  type ThreadListResponse,
  type FacetsResponse,
  type ListResponse,
  type NearDuplicatesResponse,
  type ReviewState,
  type Selection,
  type SessionResponse,
  type ShareGptRow,
  type StatsResponse,
} from '../../src/admin/api-types.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = CSRF_HEADER_VALUE;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached: is llm-proxy-sharegpt still running?');
  }
  if (!response.ok) {
    let code = 'http_error';
    let message = `${response.status} ${response.statusText}`;
    try {
      const error = ((await response.json()) as ApiErrorBody).error;
      code = error.code;
      message = error.message;
    } catch {
      // not our JSON: keep the status line
    }
    if (response.status === 401) window.dispatchEvent(new CustomEvent('llmproxy:unauthorized'));
    throw new ApiError(response.status, code, message);
  }
  return (await response.json()) as T;
}

/** ApiFilter as query parameters (the same names the API and the page's address use). */
export function filterToParams(filter: ApiFilter, params = new URLSearchParams()): URLSearchParams {
  for (const [key, value] of Object.entries(filter) as Array<[string, unknown]>) {
    if (value === undefined || value === '' || value === null) continue;
    params.set(key, String(value));
  }
  return params;
}

export interface PageOptions {
  order: 'desc' | 'asc';
  cursor?: string | null;
  limit?: number;
  /** Only records / threads that will (true) or will not (false) export. */
  exportable?: boolean;
}

export type ExportStatus = 'confirmed' | 'rejected' | 'pending' | 'all';

function pageParams(filter: ApiFilter, options: PageOptions): URLSearchParams {
  const params = filterToParams(filter);
  params.set('order', options.order);
  params.set('limit', String(options.limit ?? 50));
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.exportable !== undefined) params.set('exportable', String(options.exportable));
  return params;
}

/** The export's status is its own choice (confirmed unless the user picks otherwise), not the list's state filter. */
function exportParams(filter: ApiFilter, format: ExportFormatName, status: ExportStatus): URLSearchParams {
  const { state: _state, ...rest } = filter;
  const params = filterToParams(rest);
  params.set('format', format);
  params.set('status', status);
  return params;
}

export const api = {
  session: () => call<SessionResponse>('GET', '/api/session'),
  signIn: (token: string) => call<{ authenticated: boolean }>('POST', '/api/session', { token }),
  list(filter: ApiFilter, options: PageOptions) {
    return call<ListResponse>('GET', `/api/exchanges?${pageParams(filter, options)}`);
  },
  threads(filter: ApiFilter, options: PageOptions) {
    return call<ThreadListResponse>('GET', `/api/threads?${pageParams(filter, options)}`);
  },
  thread: (threadId: string) => call<ThreadDetail>('GET', `/api/threads/${encodeURIComponent(threadId)}`),
  exportPreview(filter: ApiFilter, format: ExportFormatName, status: ExportStatus) {
    return call<ExportPreview>('GET', `/api/export/preview?${exportParams(filter, format, status)}`);
  },
  get: (id: string) => call<ExchangeDetail>('GET', `/api/exchanges/${encodeURIComponent(id)}`),
  nearDuplicates: (id: string) => call<NearDuplicatesResponse>('GET', `/api/exchanges/${encodeURIComponent(id)}/near-duplicates`),
  reviewOne: (id: string, state: ReviewState) =>
    call<ChangedResponse>('POST', `/api/exchanges/${encodeURIComponent(id)}/review`, { state }),
  reviewMany: (selection: Selection, state: ReviewState) => call<ChangedResponse>('POST', '/api/review', { ...selection, state }),
  deleteOne: (id: string) => call<DeletedResponse>('DELETE', `/api/exchanges/${encodeURIComponent(id)}`),
  deleteMany: (selection: Selection) => call<DeletedResponse>('POST', '/api/delete', selection),
  annotate: (id: string, annotation: AnnotationRequest['annotation']) =>
    call<AnnotationResponse>('PUT', `/api/exchanges/${encodeURIComponent(id)}/annotation`, { annotation }),
  edit: (id: string, sharegpt: ShareGptRow | null) =>
    call<EditResponse>('PUT', `/api/exchanges/${encodeURIComponent(id)}/sharegpt`, { sharegpt }),
  stats(filter: ApiFilter) {
    const params = filterToParams(filter);
    params.set('tz', String(-new Date().getTimezoneOffset()));
    return call<StatsResponse>('GET', `/api/stats?${params}`);
  },
  facets: () => call<FacetsResponse>('GET', '/api/facets'),
  exportUrl(filter: ApiFilter, format: ExportFormatName, status: ExportStatus): string {
    return `/api/export?${exportParams(filter, format, status)}`;
  },
};
