// The store's record type: one proxied request/response as it is stored. Owned by the store (every
// backend reads and writes exactly this); built off the hot path by capture/process-exchange.ts from
// the raw bytes the proxy saw, with secrets removed before anything is queued.
import type { Usage } from '../conversation/model.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import type { WireFormatId } from '../wire/wire-format.js';

export type ApiKind = 'chat' | 'embeddings' | 'rerank' | 'other';
export type ReviewState = 'pending' | 'confirmed' | 'rejected';

export interface ExchangeRecord {
  /** ULID: sortable by time. */
  id: string;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  domain: string;
  method: string;
  /** Path without the domain segment, query string with secrets removed appended. */
  path: string;
  apiKind: ApiKind;
  wireFormat: WireFormatId | 'other';
  model: string | null;
  /** Set when the exchange went through the OpenAI-compatible entry to another provider. */
  upstreamProvider: string | null;
  streamed: boolean;
  /** HTTP status the client got; 0 when no response was produced. */
  status: number;
  durationMs: number;
  ttfbMs: number | null;
  usage: Usage | null;
  error: { class: string; message: string } | null;
  /** True when the response was cut off (client abort, upstream reset, missing terminal event). */
  incomplete: boolean;
  /** Request body as received (JSON text), or text when not JSON (`requestIsJson` false). */
  requestBody: string;
  requestIsJson: boolean;
  /** Response body: provider JSON; for a stream, the reassembled non-streaming shape. */
  responseBody: string;
  /**
   * Derived training row; null when the exchange is not a chat conversation. Capture derives it
   * (for the flags and preview); the stores keep it only from another converter version
   * (keepsShareGptRow), so read back it is mostly null: read it with derivedShareGptOf
   * (capture/derive-stored.ts).
   */
  sharegpt: ShareGptRow | null;
  converterVersion: number;
  /** Hash of the normalised request history up to its last assistant turn (links to the parent). */
  parentKey: string | null;
  /** Hash of the normalised history including this response (what a child's parentKey matches). */
  selfKey: string | null;
  /** Turn count of the derived conversation, for picking a thread's longest record. */
  turnCount: number;
  hasTools: boolean;
  /** Text for full-text search: the conversation's visible text. */
  searchText: string;
  /** The short text a list row shows (training/preview-of.ts), computed once by capture. */
  preview: string;
  /** The program that sent the request (capture/detect-client.ts): `claude-code`, `codex`, `openai-js`...; absent when unknown. */
  client?: string | null;
  clientVersion?: string | null;
  /**
   * Set when the request is an agent's call for itself, not a step of the session (a title, a quota
   * probe, a compaction summary: capture/detect-side-call.ts); absent or null for a session step.
   */
  sideCall?: string | null;
  /** Whether `sharegpt` is a function-call-only sample (training/is-function-call-only.ts), computed by capture. */
  functionCallOnly: boolean;
  /**
   * Whether the derived conversation's final answer carries reasoning text
   * (conversation/final-answer.ts), as judged by the converter of `converterVersion`: the export
   * reads an ancestor to fill a thread's missing reasoning only when it may (export-records.ts).
   * Null or absent when unknown: records stored before the flag (SQLite migration 10, PostgreSQL
   * 9), or whose derivation failed. Optional, as `client`, so records built before it still type.
   */
  responseReasoning?: boolean | null;
}

/**
 * A stored record: what the store adds is thread linking, review state and edits. Its `searchText` went into the full-text index and is not kept beside it
 * (derivable from the bodies: see `rebuild`), so reads do not return it.
 */
export interface StoredExchange extends Omit<ExchangeRecord, 'searchText' | 'preview' | 'functionCallOnly'> {
  parentId: string | null;
  threadId: string;
  reviewState: ReviewState;
  reviewedAt: number | null;
  /** A human-edited ShareGPT row; exported instead of `sharegpt` when present. */
  editedSharegpt: ShareGptRow | null;
}
