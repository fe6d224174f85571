// Claude Code opens every system prompt with a block of its own, `x-anthropic-billing-header:
// cc_version=2.1.197.a1b; cc_entrypoint=cli; cch=…;`, that changes with each version and carries
// nothing a model should learn. The export removes that line (export option keepBillingHeader keeps
// it) and names the repair `billing-header-removed`. Pure.

const BILLING_HEADER_LINE = /^\s*x-anthropic-billing-header:[^\n]*(?:\n+|$)/;

/** `system` without a leading billing-header line; the same string when there is none. */
export function removeBillingHeader(system: string): string {
  const match = BILLING_HEADER_LINE.exec(system);
  return match === null ? system : system.slice(match[0].length);
}
