// How the wire readers build an assistant message's text parts (see assistantText in
// conversation/model.ts): text contiguous on the wire is one part, anything in between starts a
// new one.
import type { ContentPart } from '../../conversation/model.js';

/** Appends `text` onto the last part when it continues it on the wire (`joins`), else as a new part. */
export function appendText(parts: ContentPart[], text: string, joins: boolean): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (joins && last?.type === 'text') last.text += text;
  else parts.push({ type: 'text', text });
}

/** Adjacent text parts of one wire content list (one message's content array) made one run. */
export function mergeAdjacentText(parts: readonly ContentPart[]): ContentPart[] {
  const merged: ContentPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') appendText(merged, part.text, true);
    else merged.push(part);
  }
  return merged;
}
