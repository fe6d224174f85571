import { describe, expect, it } from 'vitest';
import { removeBillingHeader } from './remove-billing-header.js';

describe('removeBillingHeader', () => {
  it("removes the line opening Claude Code's system prompt, and only that", () => {
    const system = "x-anthropic-billing-header: cc_version=2.1.197.a3f; cc_entrypoint=cli; cch=00000;\n\nYou are Claude Code, Anthropic's official CLI for Claude.";
    expect(removeBillingHeader(system)).toBe("You are Claude Code, Anthropic's official CLI for Claude.");
    expect(removeBillingHeader('x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;')).toBe('');
  });
  it('keeps a system prompt that merely mentions it later', () => {
    const system = 'You are helpful.\nx-anthropic-billing-header: not at the start';
    expect(removeBillingHeader(system)).toBe(system);
  });
});
