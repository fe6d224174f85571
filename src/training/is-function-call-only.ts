// Whether a ShareGPT row is a "function-call-only" sample (SPEC.md section 4: the original export's
// "only function-call-only samples" option): its final turn is a function_call, so the row trains
// the model to call a tool. The definition is the export's (training/row-features.ts), so the review
// UI's filter and `export --only-function-call-only` select the same records. Computed once by capture
// (and by the admin API on edit) and stored with the record, so filtering never decompresses a body.
import { rowFeatures } from './row-features.js';
import type { ShareGptRow } from './sharegpt-types.js';

export function isFunctionCallOnly(row: ShareGptRow | null): boolean {
  return row !== null && rowFeatures(row).functionCallOnly;
}
