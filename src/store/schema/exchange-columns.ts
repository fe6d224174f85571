// The metadata columns of `exchanges` that every backend has, in select order: one list, so the
// SQLite and PostgreSQL row mappings cannot drift. A backend appends the columns it keeps apart
// (PostgreSQL: client, client_version, side_call; SQLite keeps those in a side table).
import type { Usage } from '../../conversation/model.js';

/** One column per Usage field; a new Usage field fails to compile until it has a column. */
export const usageColumns: Readonly<Record<keyof Usage, string>> = {
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  totalTokens: 'total_tokens',
  reasoningTokens: 'reasoning_tokens',
  cachedInputTokens: 'cached_input_tokens',
};
export const usageKeys = Object.keys(usageColumns) as Array<keyof Usage>;

export const EXCHANGE_META_COLUMNS: readonly string[] = [
  'id',
  'started_at',
  'domain',
  'method',
  'path',
  'api_kind',
  'wire_format',
  'model',
  'upstream_provider',
  'streamed',
  'status',
  'duration_ms',
  'ttfb_ms',
  ...usageKeys.map((key) => usageColumns[key]),
  'error_class',
  'error_message',
  'incomplete',
  'request_is_json',
  'converter_version',
  'parent_key',
  'self_key',
  'parent_id',
  'thread_id',
  'turn_count',
  'has_tools',
  'review_state',
  'reviewed_at',
  // Nullable (unknown for records stored before it): SQLite migration 10, PostgreSQL 9.
  'response_reasoning',
];
