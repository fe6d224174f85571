import type { ReviewState } from '../../../src/admin/api-types.js';

const LABEL: Record<ReviewState, string> = { pending: 'Pending', confirmed: 'Confirmed', rejected: 'Rejected' };

export function StateBadge({ state }: { state: ReviewState }) {
  return (
    <span class={`badge state-${state}`} data-state={state}>
      {LABEL[state]}
    </span>
  );
}
