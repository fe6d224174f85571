// Requests an agent sends for itself, beside the session: a title for the session, a quota probe,
// a summary of the conversation to compact it. They are recorded like any exchange but marked, so
// review and export can leave them out (ListFilter.sideCall = false). Recognised from the prompt
// each client sends for them (read in the clients' sources), never from the client name alone. Pure.
import type { RequestConversation } from '../conversation/model.js';

export type SideCallKind = 'title' | 'quota-probe' | 'compaction' | 'topic-check' | 'next-speaker-check' | 'prewarm';

/** Text markers, tested on the system prompt and the last user text. */
const MARKERS: ReadonlyArray<{ kind: SideCallKind; pattern: RegExp }> = [
  // opencode: packages/opencode/src/agent/prompt/title.txt
  { kind: 'title', pattern: /^You are a title generator\. You output ONLY a thread title/m },
  // Claude Code: the session title and "is this a new topic" calls to the small model
  { kind: 'title', pattern: /Summarize this coding conversation in under 50 characters/ },
  { kind: 'topic-check', pattern: /Analyze if this message indicates a new conversation topic/ },
  // Gemini CLI: packages/core/src/core/prompts.ts getCompressionPrompt()
  { kind: 'compaction', pattern: /You are the component that summarizes internal chat history into a given structure/ },
  // Gemini CLI: packages/core/src/utils/nextSpeakerChecker.ts
  { kind: 'next-speaker-check', pattern: /Analyze \*only\* the content and structure of your immediately preceding response/ },
  // Claude Code /compact and auto-compact
  { kind: 'compaction', pattern: /Your task is to create a detailed summary of the conversation so far/ },
  // Codex: core/templates/compact/prompt.md
  { kind: 'compaction', pattern: /You are performing a CONTEXT CHECKPOINT COMPACTION/ },
  // opencode: packages/opencode/src/session/prompt/summarize.txt and compaction.txt
  { kind: 'compaction', pattern: /Provide a detailed prompt for continuing our conversation above/ },
  { kind: 'compaction', pattern: /^You are a helpful AI assistant tasked with summarizing conversations/m },
];

/** `generate` is the Responses request's `generate` flag: Codex's WebSocket prewarm sends `false` (no output is made). */
export function detectSideCall(request: RequestConversation, maxTokens?: number, generate?: boolean): SideCallKind | null {
  if (generate === false) return 'prewarm';
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const userText = lastUser?.role === 'user' ? lastUser.parts.map((part) => (part.type === 'text' ? part.text : '')).join('\n') : '';
  // Claude Code checks the quota with a one-token "quota" request before the session starts.
  if (maxTokens === 1 && userText.trim().toLowerCase() === 'quota' && request.messages.length === 1) return 'quota-probe';
  for (const { kind, pattern } of MARKERS) {
    if (pattern.test(request.system.slice(0, 4096)) || pattern.test(userText.slice(0, 4096))) return kind;
  }
  return null;
}
