import { describe, expect, it } from 'vitest';
import { previewOf, userWordsOf } from './preview-of.js';
import type { ShareGptRow } from './sharegpt-types.js';

const row = (...humans: string[]): ShareGptRow => ({
  conversations: humans.flatMap((value) => [
    { from: 'human' as const, value },
    { from: 'gpt' as const, value: 'ok' },
  ]),
  system: '',
  tools: '',
  images: [],
});

describe('previewOf shows the user words, not injected context', () => {
  it('skips Claude Code system reminders before the prompt', () => {
    const value =
      '<system-reminder>\nAs you answer the user\'s questions, you can use the following context:\n# claudeMd\nCodebase rules...\n</system-reminder>\n\n' +
      '<system-reminder>Today is 2026-12-01.</system-reminder>\nFix the failing test in src/a.ts';
    expect(previewOf({ sharegpt: row(value), searchText: '' })).toBe('Fix the failing test in src/a.ts');
  });

  it("skips Codex's environment_context and user_instructions turn for the next one", () => {
    const context = '<user_instructions>\nUse pnpm.\n</user_instructions>\n\n<environment_context>\n  <cwd>/home/u/app</cwd>\n  <shell>bash</shell>\n</environment_context>';
    expect(previewOf({ sharegpt: row(context, 'List the files'), searchText: '' })).toBe('List the files');
  });

  it("skips Gemini CLI's session_context", () => {
    expect(previewOf({ sharegpt: row('<session_context>\nThis is the Gemini CLI. Today is ...\n</session_context>\nwhat does main.ts do?'), searchText: '' })).toBe('what does main.ts do?');
  });

  it('keeps a turn that is only context when nothing else is there, and text with tags later on', () => {
    expect(previewOf({ sharegpt: row('<environment_context><cwd>/x</cwd></environment_context>'), searchText: '' })).toBe('<environment_context><cwd>/x</cwd></environment_context>');
    expect(userWordsOf('Explain <system-reminder>x</system-reminder> here')).toBe('Explain <system-reminder>x</system-reminder> here');
  });
});
