// Which recorded tool result answers which call (formats.md 5.1 "parallel results"): by call id
// first, then by tool name, then by position. Shared by the ShareGPT repairs (one observation in
// call order) and the OpenAI writer (one `tool` message per call id). Pure.

export interface MatchableResult {
  callId?: string;
  name?: string;
}

export interface MatchableCall {
  id?: string;
  name: string;
}

export interface ResultMatch<R> {
  /** One slot per call, in call order: the result answering it, or undefined when none does. */
  slots: Array<R | undefined>;
  /** Results that answer no call, in source order. */
  unmatched: R[];
  /** The results in call order followed by the unmatched ones. */
  ordered: R[];
  /** True when `ordered` differs from the source order. */
  reordered: boolean;
}

export function matchResultsToCalls<R extends MatchableResult>(
  results: readonly R[],
  calls: readonly MatchableCall[],
): ResultMatch<R> {
  const slots: Array<R | undefined> = calls.map(() => undefined);
  const pending = new Set(results.keys());
  const assign = (matches: (call: MatchableCall, result: R) => boolean): void => {
    for (const index of [...pending]) {
      const result = results[index] as R;
      const slot = calls.findIndex((call, i) => slots[i] === undefined && matches(call, result));
      if (slot !== -1) {
        slots[slot] = result;
        pending.delete(index);
      }
    }
  };
  assign((call, result) => result.callId !== undefined && call.id !== undefined && call.id === result.callId);
  // A result carrying an id that matches no call is not matched by name or position: it answers
  // another call (the row is then rejected), it is not a stand-in for one of these.
  assign((call, result) => result.callId === undefined && result.name !== undefined && call.name === result.name);
  assign((_, result) => result.callId === undefined);
  const unmatched = [...pending].map((index) => results[index] as R);
  const ordered = [...slots.filter((slot): slot is R => slot !== undefined), ...unmatched];
  const reordered = ordered.some((result, index) => result !== results[index]);
  return { slots, unmatched, ordered, reordered };
}
