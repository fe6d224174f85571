import { describe, expect, it } from 'vitest';
import { detectClient, pickClientHeaders } from './detect-client.js';

describe('detectClient', () => {
  it.each([
    ['claude-cli/2.1.197 (external, cli)', { name: 'claude-code', version: '2.1.197' }],
    ['codex_exec/0.171.0 (Ubuntu 24.4.0; x86_64) xterm-256color (codex_exec; 0.171.0)', { name: 'codex', version: '0.171.0' }],
    ['codex_cli_rs/0.171.0 (Mac OS 15.1.0; arm64) iTerm.app/3.5.10', { name: 'codex', version: '0.171.0' }],
    ['GeminiCLI/0.61.0 (linux; x64)', { name: 'gemini-cli', version: '0.61.0' }],
    ['opencode/1.18.33 ai-sdk/provider-utils/3.0.9 runtime/bun/1.2.21', { name: 'opencode', version: '1.18.33' }],
    ['OpenAI/JS 6.3.0', { name: 'openai-js', version: '6.3.0' }],
    ['OpenAI/Python 2.1.0', { name: 'openai-python', version: '2.1.0' }],
    ['Anthropic/JS 0.68.0', { name: 'anthropic-js', version: '0.68.0' }],
    ['Anthropic/Python 0.69.0', { name: 'anthropic-python', version: '0.69.0' }],
    ['google-genai-sdk/1.30.0 gl-node/v20.19.0', { name: 'google-genai-js', version: '1.30.0' }],
    ['ai-sdk/openai/2.0.42', { name: 'ai-sdk', version: '2.0.42' }],
  ])('reads %s', (userAgent, expected) => {
    expect(detectClient({ 'user-agent': userAgent })).toEqual(expected);
  });

  it('names the agent before the SDK it is built on, and reads the other headers when the User-Agent says nothing', () => {
    expect(detectClient({ 'user-agent': 'GeminiCLI/0.61.0 (linux; x64) google-genai-sdk/1.30.0 gl-node/v20.19.0' })).toEqual({ name: 'gemini-cli', version: '0.61.0' });
    expect(detectClient({ 'user-agent': 'node', 'x-goog-api-client': 'google-genai-sdk/1.16.0 gl-python/3.12.3' })).toEqual({ name: 'google-genai-python', version: '1.16.0' });
    expect(detectClient({ 'user-agent': 'custom', originator: 'codex_exec' })).toEqual({ name: 'codex', version: null });
    expect(detectClient({ 'user-agent': 'my-app/1.0', 'x-stainless-lang': 'js', 'x-stainless-package-version': '6.3.0' })).toEqual({ name: 'stainless-sdk-js', version: '6.3.0' });
    expect(detectClient({ 'user-agent': 'curl/8.5.0' })).toBeNull();
    expect(detectClient({})).toBeNull();
  });

  it('keeps only the naming headers, never credentials', () => {
    expect(pickClientHeaders({ 'user-agent': 'claude-cli/2.1.197 (external, cli)', authorization: 'Bearer x', 'x-api-key': 'k', 'x-app': 'cli', originator: ['codex_exec', 'b'] })).toEqual({
      'user-agent': 'claude-cli/2.1.197 (external, cli)',
      'x-app': 'cli',
      originator: 'codex_exec',
    });
  });
});
