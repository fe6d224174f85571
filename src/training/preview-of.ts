// The short text a list row shows: the first user turn of the derived conversation, else the start
// of the search text. Computed once by capture and stored with the record, so listing never
// decompresses a body.
import type { ShareGptRow } from './sharegpt-types.js';

export const PREVIEW_CHARS = 200;

export function previewOf(record: { sharegpt: ShareGptRow | null; searchText: string }): string {
  const firstHuman = record.sharegpt?.conversations.find((turn) => turn.from === 'human')?.value;
  // Look at a bounded prefix only: a turn may be megabytes of pasted text or a data: URL.
  const source = (firstHuman ?? record.searchText).slice(0, PREVIEW_CHARS * 4);
  const collapsed = source.replace(/\s+/g, ' ').trim();
  if (collapsed.length <= PREVIEW_CHARS) return collapsed;
  let cut = collapsed.slice(0, PREVIEW_CHARS);
  // Never end on the first half of a surrogate pair (emoji, rare CJK).
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}
