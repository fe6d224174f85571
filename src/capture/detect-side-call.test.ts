import { describe, expect, it } from 'vitest';
import type { RequestConversation } from '../conversation/model.js';
import { detectSideCall } from './detect-side-call.js';

const request = (system: string, ...users: string[]): RequestConversation => ({
  stream: true,
  system,
  tools: [],
  messages: users.map((text) => ({ role: 'user' as const, parts: [{ type: 'text' as const, text }] })),
  warnings: [],
});

describe('detectSideCall', () => {
  it("recognises opencode's title generator", () => {
    expect(detectSideCall(request('You are a title generator. You output ONLY a thread title. Nothing else.\n\n<task>...', 'Generate a title for this conversation:\nfix the build'))).toBe('title');
  });
  it("recognises Claude Code's quota probe, title and compaction calls", () => {
    expect(detectSideCall(request("You are Claude Code, Anthropic's official CLI for Claude.", 'quota'), 1)).toBe('quota-probe');
    expect(detectSideCall(request('Summarize this coding conversation in under 50 characters.\nCapture the main task...', 'Please write a 5-10 word title for the following conversation:'))).toBe('title');
    expect(detectSideCall(request("You are Claude Code, Anthropic's official CLI for Claude.", 'Fix it', 'Your task is to create a detailed summary of the conversation so far, paying close attention to...'))).toBe('compaction');
  });
  it("recognises Codex's and Gemini CLI's compaction", () => {
    expect(detectSideCall(request('You are Codex...', 'You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary...'))).toBe('compaction');
    expect(detectSideCall(request('You are the component that summarizes internal chat history into a given structure.\n\n...<state_snapshot>', 'First, reason in your scratchpad. Then, generate the <state_snapshot>.'))).toBe('compaction');
  });
  it("recognises Codex's WebSocket prewarm (generate: false), not a request that generates", () => {
    expect(detectSideCall(request('You are Codex...'), undefined, false)).toBe('prewarm');
    expect(detectSideCall(request('You are Codex...', 'Read hello.txt'), undefined, true)).toBeNull();
  });
  it('leaves session steps alone, a one-token request that is not the probe too', () => {
    expect(detectSideCall(request("You are Claude Code, Anthropic's official CLI for Claude.", 'Summarize README.md for me'))).toBeNull();
    expect(detectSideCall(request('', 'quota'), 4096)).toBeNull();
    expect(detectSideCall(request('', 'hello'), 1)).toBeNull();
  });
});
