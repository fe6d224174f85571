// What a ShareGPT row contains, for the export report (SPEC.md section 4: "with tool use, with
// assistant text, function-call-only") and the --only-function-call-only filter. Pure.
import { readFunctionCallValue, readGptValue } from './model-turn.js';
import type { ShareGptRow } from './sharegpt-types.js';

export interface RowFeatures {
  /** At least one function_call turn. */
  toolUse: boolean;
  /** At least one model turn with visible text (a gpt answer, or text next to calls). */
  assistantText: boolean;
  /** The final turn is a function_call: the row trains the model to call a tool (the seed's option). */
  functionCallOnly: boolean;
  /** At least one model turn with a reasoning prefix. */
  reasoning: boolean;
  images: boolean;
}

export function rowFeatures(row: ShareGptRow): RowFeatures {
  const features: RowFeatures = { toolUse: false, assistantText: false, functionCallOnly: false, reasoning: false, images: row.images.length > 0 };
  for (const turn of row.conversations) {
    if (turn.from === 'gpt') {
      const read = readGptValue(turn.value).turn;
      if (read.text.trim() !== '') features.assistantText = true;
      if (read.reasoning) features.reasoning = true;
    } else if (turn.from === 'function_call') {
      features.toolUse = true;
      const read = readFunctionCallValue(turn.value)?.turn;
      if (read?.text.trim()) features.assistantText = true;
      if (read?.reasoning) features.reasoning = true;
    }
  }
  features.functionCallOnly = row.conversations[row.conversations.length - 1]?.from === 'function_call';
  return features;
}
