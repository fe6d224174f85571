// The storage interface we own. SQLite and PostgreSQL implement it; store.contract.ts tests both.
// Nothing here is SQLite-only: ids are text, times are epoch ms integers, bodies are compressed bytes.
import type { ApiKind, ReviewState, StoredExchange, ExchangeRecord } from '../capture/exchange.js';

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
   * Full-text search over `searchText`. Words (split on whitespace) must all occur, each as a word
   * prefix, case- and diacritic-insensitive; quotes and operators are taken literally. A blank
   * string is no filter; a string with no letters or digits matches nothing.
   */
  search?: string;
}

export interface ListPage<T = StoredExchange> {
  items: T[];
  /** Pass back as `before` to get the next (older) page; null at the end. */
  nextCursor: string | null;
}

export interface ListOptions {
  limit: number;
  /** Cursor from a previous page: only records with a smaller id. */
  before?: string;
}

/** What a list screen needs: everything but the bodies, plus a short preview. Cheap to read. */
export interface ExchangeSummary
  extends Omit<StoredExchange, 'requestBody' | 'responseBody' | 'sharegpt' | 'editedSharegpt' | 'searchText'> {
  /** The first user text (about 200 characters, whitespace collapsed). */
  preview: string;
  /** True when a human-edited ShareGPT row is stored. */
  edited: boolean;
}

export interface StoreStats {
  records: number;
  byReviewState: Record<ReviewState, number>;
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
  /** Newest first, keyset-paginated by id. */
  list(filter: ListFilter, options: ListOptions): Promise<ListPage>;
  /** As `list`, without the bodies. */
  listSummaries(filter: ListFilter, options: ListOptions): Promise<ListPage<ExchangeSummary>>;
  /**
   * Every matching record in ascending id order, read `batchSize` rows at a time (constant memory,
   * no transaction held open between batches: records written meanwhile with larger ids are seen).
   */
  iterate(filter: ListFilter, batchSize: number): AsyncIterable<StoredExchange>;
  /** Sets the state and reviewedAt (`now`; null when the state goes back to pending). Returns rows changed. */
  setReviewState(ids: readonly string[], state: ReviewState, now: number): Promise<number>;
  /** Stores (or with null clears) a human-edited ShareGPT row. False when the id is unknown. */
  setEditedShareGpt(id: string, row: StoredExchange['editedSharegpt']): Promise<boolean>;
  /**
   * Removes records and their search entries. Returns rows removed. Children of a removed record
   * keep their parentId and threadId (the thread id stays a valid grouping key).
   */
  delete(ids: readonly string[]): Promise<number>;
  count(filter?: ListFilter): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Cheap liveness check for /health. */
  ping(): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
}
