// The reasoning prefix of a model turn (formats.md 1.8, 4): LLaMA-Factory strips and re-attaches
// exactly "<think>\n" + reasoning + "\n</think>\n\n" at the start of a gpt / function_call value.
// These helpers split any leading <think> block a recorded or edited value carries (no newlines,
// extra blank lines, nested or repeated blocks) and render the one canonical form. Pure.
import { THINK_CLOSE, THINK_OPEN } from './sharegpt-markers.js';

const OPEN_TAG = '<think>';
const CLOSE_TAG = '</think>';

export interface LeadingReasoning {
  /** The reasoning text, trimmed; null when the value does not open with a (closed) <think> block. */
  reasoning: string | null;
  /** What follows the block(s), leading whitespace removed (the whole value when there is no block). */
  rest: string;
  /** True when the block was nested or repeated (several blocks collapsed into one). */
  doubleWrapped: boolean;
}

/**
 * Splits the <think> block(s) that open `value`. Blocks are matched with nesting, so
 * "<think>\n<think>\nx\n</think>\n\n\n</think>\n\n" gives "x"; blocks that follow one another
 * are joined. A block that is never closed is not a block: the value is returned as is.
 */
export function splitLeadingReasoning(value: string): LeadingReasoning {
  let rest = value;
  const pieces: string[] = [];
  let blocks = 0;
  let nested = false;
  for (;;) {
    const trimmed = rest.trimStart();
    if (!trimmed.startsWith(OPEN_TAG)) break;
    const end = closingIndex(trimmed);
    if (end === -1) break;
    const inner = trimmed.slice(OPEN_TAG.length, end);
    if (inner.includes(OPEN_TAG) || inner.includes(CLOSE_TAG)) nested = true;
    const text = inner.split(OPEN_TAG).join('').split(CLOSE_TAG).join('').trim();
    if (text !== '' && !pieces.includes(text)) pieces.push(text);
    blocks += 1;
    rest = trimmed.slice(end + CLOSE_TAG.length);
  }
  if (blocks === 0) return { reasoning: null, rest: value, doubleWrapped: false };
  return { reasoning: pieces.join('\n\n'), rest: rest.trimStart(), doubleWrapped: nested || blocks > 1 };
}

/** The canonical value: the prefix (when there is reasoning) then the answer, its leading whitespace removed. */
export function withReasoningPrefix(reasoning: string | null, answer: string): string {
  if (reasoning === null || reasoning === '') return answer;
  return THINK_OPEN + reasoning + THINK_CLOSE + answer.trimStart();
}

/** Index of the </think> closing the <think> at position 0, counting nested pairs; -1 when unclosed. */
function closingIndex(text: string): number {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf(OPEN_TAG, index);
    const close = text.indexOf(CLOSE_TAG, index);
    if (close === -1) return -1;
    if (open !== -1 && open < close) {
      depth += 1;
      index = open + OPEN_TAG.length;
    } else {
      depth -= 1;
      if (depth === 0) return close;
      index = close + CLOSE_TAG.length;
    }
  }
  return -1;
}
