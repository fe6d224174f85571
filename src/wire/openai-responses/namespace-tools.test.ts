import { describe, expect, it } from 'vitest';
import { requestToConversation } from './request-to-conversation.js';

// A Codex request's tools as codex-rs serialises them (tools/src/tool_spec.rs): plain functions,
// a namespace holding an MCP server's functions, and hosted tools.
const codexTools = [
  { type: 'function', name: 'shell', description: 'Runs a shell command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
  {
    type: 'namespace',
    name: 'mcp__docs__',
    description: 'Tools of the docs MCP server',
    tools: [
      { type: 'function', name: 'search_docs', description: 'Search the docs', strict: false, parameters: { type: 'object', properties: { query: { type: 'string' } } } },
      { type: 'function', name: 'read_page', description: 'Read one page', strict: false, parameters: { type: 'object', properties: { url: { type: 'string' } } } },
    ],
  },
  { type: 'web_search', external_web_access: false },
];

describe('Responses tools inside a Codex namespace', () => {
  it('flattens the namespace members into the tools, keeping built-ins out with a warning', () => {
    const request = requestToConversation({ model: 'gpt-5.1-codex', instructions: 'x', input: 'hi', tools: codexTools });
    expect(request.tools.map((tool) => tool.name)).toEqual(['shell', 'search_docs', 'read_page']);
    expect(request.tools[1]).toEqual({ name: 'search_docs', description: 'Search the docs', parameters: { type: 'object', properties: { query: { type: 'string' } } } });
    expect(request.warnings).toEqual(['tools[2]: built-in tool "web_search" dropped (not a function tool)']);
  });

  it('names the member position when a namespace holds something that is not a function', () => {
    const request = requestToConversation({ model: 'm', input: 'hi', tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'custom', name: 'x' }, { type: 'function' }] }] });
    expect(request.tools).toEqual([]);
    expect(request.warnings).toEqual(['tools[0].tools[0]: built-in tool "custom" dropped (not a function tool)', 'tools[0].tools[1]: function tool without a name dropped']);
  });
});
