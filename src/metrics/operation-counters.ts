// Counts of the long operations (exports, rebuilds) run in this process, for /metrics. A plain
// module-level tally: the admin API and the CLI call countExport/countRebuild without knowing
// whether anyone scrapes. Outcomes: "ok" | "failed" | "aborted"; formats are the export formats.
const exports: Record<string, number> = {};
const rebuilds: Record<string, number> = {};

export type OperationOutcome = 'ok' | 'failed' | 'aborted';

export function countExport(format: string, outcome: OperationOutcome): void {
  const key = `${format}|${outcome}`;
  exports[key] = (exports[key] ?? 0) + 1;
}

export function countRebuild(outcome: OperationOutcome): void {
  rebuilds[outcome] = (rebuilds[outcome] ?? 0) + 1;
}

export function operationCounts(): { exports: Readonly<Record<string, number>>; rebuilds: Readonly<Record<string, number>> } {
  return { exports, rebuilds };
}
