// The short text a list row shows: the first user turn of the derived conversation, else the start
// of the search text. Computed once by capture and stored with the record, so listing never
// decompresses a body.
import type { ShareGptRow } from './sharegpt-types.js';

export const PREVIEW_CHARS = 200;

// Blocks coding agents put before the user's words (Claude Code's <system-reminder>, Codex's
// <environment_context> / <user_instructions>, Gemini CLI's <session_context>, opencode's
// <system-reminder>...): a tag on its own at the start of a turn, closed later in it.
const CONTEXT_TAGS = ['system-reminder', 'environment_context', 'session_context', 'user_instructions', 'context', 'ide_opened_file', 'ide_selection', 'command-message', 'local-command-stdout', 'user-prompt-submit-hook'];
const LEADING_BLOCK = new RegExp(`^\\s*<(${CONTEXT_TAGS.join('|')})(?:\\s[^>]*)?>[\\s\\S]*?</\\1>`);

/** `text` without the context blocks clients inject before the user's words; "" when it holds nothing else. */
export function userWordsOf(text: string): string {
  let rest = text;
  for (let match = LEADING_BLOCK.exec(rest); match !== null; match = LEADING_BLOCK.exec(rest)) rest = rest.slice(match[0].length);
  return rest.trim();
}

export function previewOf(record: { sharegpt: ShareGptRow | null; searchText: string }): string {
  const humans = record.sharegpt?.conversations.filter((turn) => turn.from === 'human') ?? [];
  // The first human turn holding more than injected context (Codex sends <environment_context>
  // as a message of its own before the user's); a conversation of context only shows it as is.
  const firstHuman = humans.map((turn) => userWordsOf(turn.value)).find((words) => words !== '') ?? humans[0]?.value;
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
