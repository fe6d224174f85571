// The admin API's wire contract: what /api/ takes and returns. The review UI (ui/) imports these
// types and nothing else from src/, so a change here that the UI does not follow fails to typecheck.
// Everything is JSON; times are epoch milliseconds; ids are ULIDs (newest sorts last).
import type { ApiKind, ReviewState, StoredExchange } from '../capture/exchange.js';
import type { Usage } from '../conversation/model.js';
import type {
  AggregateGroup,
  Annotation,
  ExchangeSummary,
  FacetValue,
  FindingsFilter,
  KeyedGroup,
  Percentiles,
  StoreAggregates,
  StoreFacets,
  TimeBucket,
} from '../store/store.js';
import type { ShareGptRole, ShareGptRow, ShareGptTurn } from '../training/sharegpt-types.js';
import type { FindingSpan, RowFindings } from '../privacy/row-findings.js';

export type {
  FindingsFilter,
  FindingSpan,
  RowFindings,
};
export { FINDINGS_FILTERS } from '../store/store.js';

export type {
  AggregateGroup,
  Annotation,
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
  /** Agents' side calls (titles, quota probes, compaction summaries); false leaves them out. */
  sideCall?: boolean;
  /** The client name (capture/detect-client.ts), e.g. `claude-code`. */
  client?: string;
  hasError?: boolean;
  /** Full-text search: every word must occur as a word prefix (case- and accent-insensitive). */
  q?: string;
  /** Records whose annotation carries this tag. */
  tag?: string;
  /**
   * By the background privacy scan: `secrets`, `personal` (e-mail, phone, IP, card, IBAN), `any`
   * of them, `none` (scanned, nothing found) or `unscanned` (not scanned yet; never in `none`).
   */
  findings?: FindingsFilter;
}

/** GET /api/exchanges?<filter>&limit=50&order=desc&cursor=... */
export interface ListResponse {
  items: ListItem[];
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

/** One reason the export leaves a row out: a stable code (export-reasons.ts, validate-*.ts) and what happened. */
export interface ExportReasonBody {
  code: string;
  message: string;
}

/** What the export does with one format's row of a record, judged on its own. */
export interface FormatVerdict {
  valid: boolean;
  reasons: ExportReasonBody[];
}

/**
 * Will the record export, and if not why: the export's own reading, repair and validation
 * (export-records.ts judgeRecord), per format. `exportable` is the ShareGPT verdict. What only a
 * whole export decides (the review state selected, one record per thread) is told apart: see
 * ThreadStep.exported and the export preview.
 */
export interface ExportVerdict {
  exportable: boolean;
  /** The ShareGPT row's reasons (empty when exportable). */
  reasons: ExportReasonBody[];
  /** Every format in the single-record answer; ShareGPT only in lists. */
  formats: Partial<Record<ExportFormatName, FormatVerdict>>;
}

/**
 * What the background scan found in a record (counts per kind, never values): `secret`, `email`,
 * `phone`, `ip`, `credit_card`, `iban`.
 */
export interface ListFindings {
  secrets: number;
  personal: number;
  kinds: Record<string, number>;
}

/**
 * A list row: the summary, its export verdict, the reviewer's annotation (null when none) and the
 * background scan's findings (null: not scanned yet).
 */
export type ListItem = ExchangeSummary & { export: ExportVerdict; annotation: Annotation | null; findings: ListFindings | null };

/** One record the export's near-dedup would group with another (GET /api/exchanges/:id/near-duplicates). */
export interface NearDuplicate {
  id: string;
  /** Estimated Jaccard similarity of their turns' word shingles (MinHash), 0-1. */
  similarity: number;
  startedAt: number;
  model: string | null;
  reviewState: ReviewState;
  threadId: string;
  preview: string;
}

/** GET /api/exchanges/:id/near-duplicates?threshold=0.8 */
export interface NearDuplicatesResponse {
  id: string;
  /** False while the background scan has not reached the record yet (items is then empty). */
  scanned: boolean;
  /** The similarity from which records are near-duplicates (the export's default unless given). */
  threshold: number;
  /** Most similar first. */
  items: NearDuplicate[];
}

/** PUT /api/exchanges/:id/annotation: replaces the annotation; an empty one (or null) removes it. */
export interface AnnotationRequest {
  annotation: { note: string; tags: string[]; rating: number | null } | null;
}

export interface AnnotationResponse {
  annotation: Annotation | null;
}

/** GET /api/exchanges/:id: one record with its raw bodies and ShareGPT rows (search text left out). */
export type ExchangeDetail = Omit<StoredExchange, 'searchText'> & {
  /** See ApiFilter.functionCallOnly. */
  functionCallOnly: boolean;
  /** True when a human-edited ShareGPT row is stored (as in the list). */
  edited: boolean;
  /** The first user text, as in the list. */
  preview: string;
  export: ExportVerdict;
  annotation: Annotation | null;
  /** The model's finish reason as the provider sent it (null when none was recorded). */
  finishReason: string | null;
  /** Secrets and personal data in the (edited or derived) ShareGPT row: counts per kind, places (turn, field), no values. */
  privacy: RowFindings;
};

/** One record of a thread, oldest first, with where it continued. */
export interface ThreadStep extends ListItem {
  /** Index in `steps` of the record this one continues (its parent); null for a first request. */
  continues: number | null;
  /** Turns this request added after its parent's (its own turn count for a first request). */
  newTurns: number;
  /** True when no later record continues this one (a leaf: a thread's end, or a branch's). */
  leaf: boolean;
  /** True for each record the export keeps for this thread (threads=longest: every leaf, see export/select-records.ts). */
  exported: boolean;
}

/** A record a default export keeps for a thread, with its review state. */
export interface ExportedRef {
  id: string;
  reviewState: ReviewState;
  reviewedAt: number | null;
}

/** One row of the thread list: a conversation recorded as successive requests. */
export interface ThreadSummary {
  threadId: string;
  /**
   * The record the row shows: of those a default export keeps for this thread (one per branch),
   * the complete one with the most turns, then the newest.
   */
  head: ListItem;
  /** Every record a default export keeps for this thread, in id order: what reviewing the thread reviews. */
  exported: ExportedRef[];
  steps: number;
  firstAt: number;
  lastAt: number;
  models: string[];
  domains: string[];
  /** Records that no later record continues: more than one means the thread branched. */
  leaves: number;
}

/** GET /api/threads?<filter>&limit&order&cursor&exportable */
export interface ThreadListResponse {
  items: ThreadSummary[];
  nextCursor: string | null;
  /** Threads with a matching record; first page only, and not with `exportable`. */
  total: number | null;
  newestId: string | null;
}

/** GET /api/threads/:threadId: every record of the thread, oldest first. */
export interface ThreadDetail {
  threadId: string;
  steps: ThreadStep[];
  /** Id of the thread's head (see ThreadSummary.head; null when the thread holds no chat record). */
  exportedId: string | null;
  /** Every record a default export keeps for this thread, in id order. */
  exported: ExportedRef[];
  leaves: number;
}

/** GET /api/export/preview?<filter>&status=…: what a download with these options writes and leaves out. */
export interface ExportPreview {
  status: 'confirmed' | 'rejected' | 'pending' | 'all';
  format: ExportFormatName;
  /** Records the export read (after the state, thread and model selection). */
  records: number;
  /** Rows written. */
  rows: number;
  /** Rows left out, by reason code, most frequent first. */
  dropped: Array<{ code: string; count: number; description: string; ids: string[] }>;
  /** Records skipped because a better record of the same thread is exported. */
  threadsCollapsed: number;
  /** Matching chat records in a review state the export does not take (e.g. pending with status confirmed). */
  otherStates: number;
}

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
