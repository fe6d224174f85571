// The totals row both stores read for StoreAggregates (from their rollups or from the records),
// and its mapping to the interface's shape.
import type { StoreAggregates } from './store.js';

export interface AggregateTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  pending: number;
  confirmed: number;
  rejected: number;
  reasoningTokens: number;
  cachedInputTokens: number;
  totalTokens: number;
}

export function aggregateFromTotals(totals: AggregateTotals): Pick<StoreAggregates, 'requests' | 'errors' | 'byReviewState' | 'tokens'> {
  return {
    requests: totals.requests,
    errors: totals.errors,
    byReviewState: { pending: totals.pending, confirmed: totals.confirmed, rejected: totals.rejected },
    tokens: {
      input: totals.inputTokens,
      output: totals.outputTokens,
      reasoning: totals.reasoningTokens,
      cachedInput: totals.cachedInputTokens,
      total: totals.totalTokens,
    },
  };
}
