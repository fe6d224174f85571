// The admin API's wire contract: what /api/ takes and returns. The review UI (ui/) imports these
// types and nothing else from src/, so a change here that the UI does not follow fails to typecheck.
// Everything is JSON; times are epoch milliseconds; ids are ULIDs (newest sorts last).
import type { ApiKind, ReviewState, StoredExchange } from '../capture/exchange.js';
import type { Usage } from '../conversation/model.js';
import type {
  AggregateGroup,
  ExchangeSummary,
  FacetValue,
  KeyedGroup,
  Percentiles,
  StoreAggregates,
  StoreFacets,
  TimeBucket,
} from '../store/store.js';
import type { ShareGptRole, ShareGptRow, ShareGptTurn } from '../training/sharegpt-types.js';
import type { RowFindings } from '../privacy/row-findings.js';

export type {
  AggregateGroup,
  ApiKind,
  ExchangeSummary,
  FacetValue,
  KeyedGroup,
  Percentiles,
  ReviewState,
  ShareGptRole,
  ShareGptRow,
  ShareGptTurn,
  TimeBucket,
  Usage,
};

/** The words ShareGPT values use for reasoning, tool calls, parallel results and images (the UI parses them). */
export {
  IMAGE_PLACEHOLDER,
  THINK_CLOSE,
  THINK_OPEN,
  TOOL_CALL_CLOSE,
  TOOL_CALL_OPEN,
  TOOL_RESPONSE_SEPARATOR,
} from '../training/sharegpt-markers.js';

/** Mutating requests must carry this header with this value (a cross-site form cannot set it). */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_HEADER_VALUE = 'llm-proxy-ui';

export const REVIEW_STATES = ['pending', 'confirmed', 'rejected'] as const satisfies readonly ReviewState[];
export const API_KINDS = ['chat', 'embeddings', 'rerank', 'other'] as const satisfies readonly ApiKind[];
export const EXPORT_FORMATS = ['sharegpt', 'openai-messages', 'openai-ft'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/**
 * Which records: query parameters of a GET (`?state=pending&hasTools=true&q=weather`), or the
 * `filter` object of a POST body (same names, JSON types). Every field is optional; all given
 * fields must match.
 */
export interface ApiFilter {
  state?: ReviewState;
  model?: string;
  domain?: string;
  apiKind?: ApiKind;
  /** startedAt >= since (epoch ms). */
  since?: number;
  /** startedAt < until (epoch ms). */
  until?: number;
  hasTools?: boolean;
  /** The final turn is a tool call (as the export's --only-function-call-only). */
  functionCallOnly?: boolean;
  hasError?: boolean;
  /** Full-text search: every word must occur as a word prefix (case- and accent-insensitive). */
  q?: string;
}

/** GET /api/exchanges?<filter>&limit=50&order=desc&cursor=... */
export interface ListResponse {
  items: ExchangeSummary[];
  /** Pass back as `cursor` (with the same filter and order) for the next page; null at the end. */
  nextCursor: string | null;
  /** How many records match the filter; only on the first page (no cursor), else null. */
  total: number | null;
  /**
   * True when counting stopped at a cap (a search matching very many records): at least `total`
   * match ("10,000+"). Absent or false: `total` is exact.
   */
  totalIsLowerBound?: boolean;
  /**
   * The newest matching id when the first page was read (null on later pages or with no match).
   * `total` counts the records up to it: pass it as `throughId` to act on exactly those.
   */
  newestId: string | null;
}

/** GET /api/exchanges/:id: one record with its raw bodies and ShareGPT rows (search text left out). */
export type ExchangeDetail = Omit<StoredExchange, 'searchText'> & {
  /** See ApiFilter.functionCallOnly. */
  functionCallOnly: boolean;
  /** Secrets and personal data in the (edited or derived) ShareGPT row: counts per kind, places (turn, field), no values. */
  privacy: RowFindings;
};

/** POST /api/exchanges/:id/review */
export interface ReviewOneRequest {
  state: ReviewState;
}

/**
 * A set of records for a bulk action: explicit ids, or every record matching a filter. With a
 * filter, `throughId` (the newest id the user was shown) keeps records recorded since out of it.
 */
export type Selection = { ids: string[] } | { filter: ApiFilter; throughId?: string };

/** POST /api/review */
export type ReviewManyRequest = Selection & { state: ReviewState };

/** POST /api/delete */
export type DeleteManyRequest = Selection;

export interface ChangedResponse {
  /** Records whose state was set (ids that do not exist are not counted). */
  changed: number;
}

export interface DeletedResponse {
  deleted: number;
}

/** PUT /api/exchanges/:id/sharegpt: stores an edited row (exported instead of the derived one); null reverts. */
export interface EditRequest {
  sharegpt: ShareGptRow | null;
}

export interface EditResponse {
  edited: boolean;
}

/** GET /api/stats?<filter>&bucket=<ms>&tz=<minutes east of UTC> */
export interface StatsResponse extends StoreAggregates {
  /** The bucket width used for `overTime` (chosen from the date range unless given). */
  bucketMs: number;
  /** Error rate in [0, 1]; null with no requests. */
  errorRate: number | null;
}

/** GET /api/facets: values offered by the model and domain filters. */
export type FacetsResponse = StoreFacets;

/** GET /api/session: what the page needs before it can call anything else. */
export interface SessionResponse {
  /** True when this request may use the API (no token configured, or a valid token/cookie sent). */
  authenticated: boolean;
  tokenRequired: boolean;
  version: string;
}

/** POST /api/session: exchanges the admin token for an HttpOnly, SameSite=Strict session cookie. */
export interface LoginRequest {
  token: string;
}

export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'export_failed'
  | 'internal_error';

/** Every non-2xx answer. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}
