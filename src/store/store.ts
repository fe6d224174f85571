// The storage interface we own. SQLite and PostgreSQL implement it; store.contract.ts tests both.
// Nothing here is SQLite-only: ids are text, times are epoch ms integers, bodies are compressed bytes.
// Everything a backend stores is computed before it gets there (capture, the admin API): a backend
// derives nothing from a conversation. Which backend serves a locator is decided in open-store.ts alone.
import type { ApiKind, ReviewState, StoredExchange, ExchangeRecord } from './exchange-record.js';

export interface ListFilter {
  reviewState?: ReviewState;
  model?: string;
  domain?: string;
  apiKind?: ApiKind;
  /** Inclusive lower bound on startedAt (epoch ms). */
  since?: number;
  /** Exclusive upper bound on startedAt (epoch ms). */
  until?: number;
  hasTools?: boolean;
  /** True: only records whose `error` is set; false: only records without one. */
  hasError?: boolean;
  /**
   * True: only function-call-only records (see is-function-call-only.ts: the final turn is a tool
   * call, as the export's --only-function-call-only); false: only the others. Judged on the edited
   * row when one is stored, else on the derived one.
   */
  functionCallOnly?: boolean;
  /** True: only agents' side calls (titles, quota probes, compaction: capture/detect-side-call.ts); false: only session steps. */
  sideCall?: boolean;
  /** Only records from this client (capture/detect-client.ts name: `claude-code`, `codex`, ...). */
  client?: string;
  /**
   * Inclusive upper bound on id. A bulk action "on all matching" passes the newest id the user saw,
   * so records recorded after the user looked are never confirmed or deleted unseen.
   */
  throughId?: string;
  /**
   * Full-text search over `searchText`: every word of the input (runs of letters and digits;
   * anything else separates) must occur as the start of a word, case- and diacritic-insensitive.
   * No query syntax: quotes and operators are plain text. A blank string is no filter; a string
   * with no letters or digits matches nothing.
   */
  search?: string;
  /** The model is one of these (records without a model never match; an empty list matches nothing). */
  models?: readonly string[];
  /**
   * True: only the best record of each thread among the records matching the rest of the filter
   * (what an export with `threads: longest` writes): a complete one (no error, not cut off)
   * before an incomplete one, then the most turns, then the newest.
   */
  bestOfThread?: boolean;
  /**
   * True: what an export with `threads: longest` writes, among the records matching the rest of
   * the filter (the selection). A record is complete when it has no error and was not cut off.
   * - A complete record is kept when it is a leaf: no complete record of the selection continues
   *   it (has it as parentId), directly or through one record that is not complete (a stream cut
   *   off that the client continued anyway). Two records continuing the same parent differently
   *   (an edited prompt, a regenerated answer) are two leaves, both kept.
   * - A record that is not complete never makes its parent a non-leaf, and is dropped when its
   *   selection holds a better record of its thread (complete before not, then more turns, then
   *   newer): so a failed try of a step, retried successfully, is not kept beside the retry.
   *   A thread with no complete record keeps its best record alone, as bestOfThread does.
   */
  threadLeaves?: boolean;
  /** Only the records of this conversation thread (see StoredExchange.threadId). */
  threadId?: string;
  /** Only records whose annotation carries this tag (exact match). */
  tag?: string;
  /**
   * By the background privacy scan (privacy/scan-records.ts, stored with saveScans): `secrets` /
   * `personal`: at least one secret / personal-data value found; `any`: either; `none`: scanned
   * and nothing found; `unscanned`: no scan stored yet (`none` never includes those).
   */
  findings?: FindingsFilter;
}

export const FINDINGS_FILTERS = ['any', 'secrets', 'personal', 'none', 'unscanned'] as const;
export type FindingsFilter = (typeof FINDINGS_FILTERS)[number];

/**
 * What the background scan found in one record's exported row (privacy/scan-records.ts): counts,
 * never values, and the MinHash signature and LSH band keys of its turns (export/dedup/minhash.ts),
 * so the export's near-duplicates of a record are an index lookup.
 */
export interface RecordScan {
  id: string;
  /** Distinct secret values found. */
  secrets: number;
  /** Distinct personal-data values found (e-mail, phone, IP, card, IBAN). */
  personal: number;
  /** Distinct values per finding kind (`secret`, `email`, ...). */
  kinds: Record<string, number>;
  /** Which scanner produced it: a scan by another version is redone. */
  scannerVersion: string;
  /** The MinHash signature as bytes (PERMUTATIONS little-endian uint32); null when the turns hold no words. */
  signature: Uint8Array | null;
  /** Its LSH band keys (empty without a signature). */
  bandKeys: readonly number[];
}

/** A stored scan as lists show it. */
export type ScanSummary = Pick<RecordScan, 'secrets' | 'personal' | 'kinds' | 'scannerVersion'>;

/** One window of the scan queue (Store.scanQueue). */
export interface ScanQueuePage {
  /** Records in the window without a scan by the version asked for, newest first. */
  ids: string[];
  /** The oldest id of the window when the window was full (pass as `before` to go on); null at the end. */
  next: string | null;
}

/** A reviewer's judgement beside the review state: free text, tags, an optional 1-5 rating. */
export interface Annotation {
  note: string;
  /** Distinct, trimmed, non-empty, in the order given. */
  tags: string[];
  rating: number | null;
  updatedAt: number;
}

export interface ListPage<T = StoredExchange> {
  items: T[];
  /** Pass back as `before` to get the next (older) page; null at the end. */
  nextCursor: string | null;
}

/** A record's place in its thread, without its bodies or summary (Store.listLinks). */
export interface RecordLink {
  id: string;
  model: string | null;
  parentId: string | null;
  threadId: string;
  converterVersion: number;
  /** As StoredExchange.responseReasoning: left out when not known. */
  responseReasoning?: boolean;
}

export interface ListOptions {
  limit: number;
  /** Cursor from a previous newest-first page: only records with a smaller id. */
  before?: string;
  /** `desc` (default): newest first, cursor in `before`; `asc`: oldest first, cursor in `after`. */
  order?: 'desc' | 'asc';
  /** Cursor from a previous oldest-first page: only records with a larger id. */
  after?: string;
}

/** What a list screen needs: everything but the bodies, plus a short preview. Cheap to read. */
export interface ExchangeSummary
  extends Omit<StoredExchange, 'requestBody' | 'responseBody' | 'sharegpt' | 'editedSharegpt' | 'searchText'> {
  /** The first user text (about 200 characters, whitespace collapsed). */
  preview: string;
  /** True when a human-edited ShareGPT row is stored. */
  edited: boolean;
  /** See ListFilter.functionCallOnly. */
  functionCallOnly: boolean;
}

/** The fields of a record that are derived from its request and response bodies. */
export type DerivedFields = Pick<
  ExchangeRecord,
  'sharegpt' | 'converterVersion' | 'turnCount' | 'hasTools' | 'searchText' | 'preview' | 'functionCallOnly'
> & { responseReasoning: boolean | null };

export interface StoreStats {
  records: number;
  byReviewState: Record<ReviewState, number>;
}

/** Counts and token sums of one group (a time bucket, a model, a domain). */
export interface AggregateGroup {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TimeBucket extends AggregateGroup {
  /** Epoch ms of the bucket's start. */
  start: number;
}

export interface KeyedGroup extends AggregateGroup {
  /** The model or domain; null for records without a model. */
  key: string | null;
}

/** Nearest-rank percentiles in milliseconds; null when no record has the value. */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface AggregateOptions {
  /** Width of the `overTime` buckets in ms (at least 1 s). */
  bucketMs: number;
  /** Added to startedAt before bucketing, so day buckets start at local midnight (minutes east of UTC * 60 000). */
  offsetMs?: number;
  /** How many models / domains to return, largest first (default 20). */
  topN?: number;
}

/** What a stats screen needs, computed by the database over every record matching a filter. */
export interface StoreAggregates {
  requests: number;
  errors: number;
  byReviewState: Record<ReviewState, number>;
  tokens: { input: number; output: number; reasoning: number; cachedInput: number; total: number };
  /** Only buckets with at least one record, oldest first. */
  overTime: TimeBucket[];
  byModel: KeyedGroup[];
  byDomain: KeyedGroup[];
  durationMs: Percentiles;
  ttfbMs: Percentiles;
}

export interface FacetValue {
  value: string;
  count: number;
}

/** The distinct values a filter menu offers, most frequent first. */
export interface StoreFacets {
  models: FacetValue[];
  domains: FacetValue[];
  /** Client names (capture/detect-client.ts) with their record counts. */
  clients: FacetValue[];
}

export interface Store {
  /** Creates or migrates the schema. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Writes records in one transaction. Links each record to its parent (the latest older record
   * whose selfKey equals its parentKey, earlier in this batch or already stored) and sets its
   * threadId (the parent's threadId, else its own id). Idempotent on id: a record whose id is
   * already stored is skipped, so a batch may be retried safely.
   */
  insertBatch(records: readonly ExchangeRecord[]): Promise<void>;
  get(id: string): Promise<StoredExchange | null>;
  /**
   * The stored records of these ids (missing ones left out), read at once: one read snapshot and
   * one pass over the bodies, so the bases several records are stored against are decoded once.
   */
  getMany(ids: readonly string[]): Promise<Map<string, StoredExchange>>;
  /** Newest first, keyset-paginated by id. */
  list(filter: ListFilter, options: ListOptions): Promise<ListPage>;
  /** As `list`, without the bodies. */
  listSummaries(filter: ListFilter, options: ListOptions): Promise<ListPage<ExchangeSummary>>;
  /**
   * The links of the matching records with ids above `after`, at most `limit`, in ascending id
   * order: what a pass over every record needs (the export's counts, its thread walks) without a
   * summary's joins, which cost some twenty times as much per row.
   */
  listLinks(filter: ListFilter, options: { after?: string; limit: number }): Promise<RecordLink[]>;
  /**
   * Every matching record in ascending id order, read `batchSize` rows at a time (constant memory,
   * no transaction held open between batches: records written meanwhile with larger ids are seen).
   */
  iterate(filter: ListFilter, batchSize: number): AsyncIterable<StoredExchange>;
  /** Sets the state and reviewedAt (`now`; null when the state goes back to pending). Returns rows changed. */
  setReviewState(ids: readonly string[], state: ReviewState, now: number): Promise<number>;
  /** As `setReviewState`, for every record matching the filter (one statement). Returns rows changed. */
  setReviewStateWhere(filter: ListFilter, state: ReviewState, now: number): Promise<number>;
  /**
   * Stores a record's annotation (replacing the previous one), or with null (or an empty note, no
   * tags and no rating) removes it. Tags are trimmed and deduplicated; a rating is 1-5. False when
   * the id is unknown. Deleting a record deletes its annotation.
   */
  setAnnotation(id: string, annotation: Omit<Annotation, 'updatedAt'> | null, now: number): Promise<boolean>;
  /** The annotations of the given records (records without one are absent from the map). */
  annotationsOf(ids: readonly string[]): Promise<Map<string, Annotation>>;
  /**
   * Stores (or with null clears) a human-edited ShareGPT row. `functionCallOnly` is the edited
   * row's flag (training/is-function-call-only.ts, computed by the caller; ignored when clearing:
   * the derived row's flag applies again). False when the id is unknown.
   */
  setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt'], functionCallOnly: boolean): Promise<boolean>;
  /**
   * Replaces what was derived from the stored bodies (after a converter upgrade: see
   * `llm-proxy-sharegpt rebuild`), keeping the search index and filters in step. False when the
   * id is unknown. The bodies, review state and any human edit are left alone.
   */
  updateDerived(id: string, derived: DerivedFields): Promise<boolean>;
  /**
   * Removes records and their search entries. Returns rows removed. Children of a removed record
   * keep their parentId and threadId (the thread id stays a valid grouping key).
   */
  delete(ids: readonly string[]): Promise<number>;
  /** As `delete`, for every record matching the filter (one transaction). Returns rows removed. */
  deleteWhere(filter: ListFilter): Promise<number>;
  count(filter?: ListFilter): Promise<number>;
  /**
   * As `count`, but may stop counting past `cap` (cheap whatever the number of matches):
   * `{ count: cap, capped: true }` then. Filters the store keeps totals for are counted exactly
   * (`capped` false) however many records match.
   */
  countUpTo(filter: ListFilter, cap: number): Promise<{ count: number; capped: boolean }>;
  /** How many distinct threads (threadId values) the matching records belong to. */
  countThreads(filter?: ListFilter): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Counts, token sums, time series, top models/domains and latency percentiles over a filter. */
  aggregate(filter: ListFilter, options: AggregateOptions): Promise<StoreAggregates>;
  /** Distinct models and domains with their record counts. */
  facets(): Promise<StoreFacets>;
  /**
   * The scan queue, read a window at a time so that no call reads more than `window` records:
   * of the `window` newest records with id < `before` (and > `after`), those without a scan by
   * `scannerVersion`.
   */
  scanQueue(options: { before?: string; after?: string; window: number; scannerVersion: string }): Promise<ScanQueuePage>;
  /**
   * Stores scans (replacing earlier ones and their band keys), in one transaction. A scan of a
   * record deleted meanwhile is dropped. Editing a record's row (setEditedShareGpt, updateDerived)
   * removes its scan, so it is scanned again; deleting a record removes it.
   */
  saveScans(scans: readonly RecordScan[], now: number): Promise<void>;
  /** The stored scans of the given records (records not scanned are absent from the map). */
  scansOf(ids: readonly string[]): Promise<Map<string, ScanSummary>>;
  /**
   * The record's signature and the records sharing at least one LSH band key with it (at most
   * `limit`, most shared bands first), with their signatures: the candidates the export's
   * near-dedup compares. Null when the record has no stored scan.
   */
  nearDuplicateCandidates(
    id: string,
    limit: number,
  ): Promise<{ signature: Uint8Array | null; candidates: Array<{ id: string; signature: Uint8Array; sharedBands: number }> } | null>;
  /** Cheap liveness check for /health. */
  ping(): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
}
