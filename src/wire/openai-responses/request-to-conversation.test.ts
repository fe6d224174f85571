import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestToConversation } from './request-to-conversation.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('openai-responses requestToConversation', () => {
  it('reads a string input as one user message, instructions as system', () => {
    expect(requestToConversation(fixture('request-string-input.json'))).toMatchObject({
      model: 'gpt-4.1-mini',
      stream: false,
      system: 'Answer in one sentence.',
      tools: [],
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'What is the capital of France?' }] }],
      warnings: [],
    });
  });

  describe('an agent loop (request-agent-loop.json)', () => {
    const conversation = requestToConversation(fixture('request-agent-loop.json'));

    it('joins instructions and developer messages into system', () => {
      expect(conversation.model).toBe('gpt-5-codex');
      expect(conversation.stream).toBe(true);
      expect(conversation.system).toBe('You are a coding agent.\n\nWork in /repo.');
    });

    it('reads the user message with its image', () => {
      expect(conversation.messages[0]).toMatchObject({
        role: 'user',
        parts: [
          { type: 'text', text: 'Why does the build fail? Screenshot attached.' },
          {
            type: 'image',
            url: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwg',
            mimeType: 'image/jpeg',
          },
        ],
      });
    });

    it('puts reasoning and consecutive function calls on one assistant message', () => {
      expect(conversation.messages[1]).toMatchObject({
        role: 'assistant',
        parts: [],
        reasoning: '**Inspecting the build**\n\nI should read the log and package.json.',
        toolCalls: [
          { id: 'call_read_log', name: 'shell', arguments: { command: ['cat', 'build.log'] } },
          {
            id: 'call_read_pkg',
            name: 'shell',
            arguments: '{"command":["cat","package.json"]',
            argumentsInvalid: true,
          },
        ],
      });
    });

    it('merges consecutive function_call_output items into one ToolMessage', () => {
      expect(conversation.messages[2]).toMatchObject({
        role: 'tool',
        results: [
          { callId: 'call_read_log', content: "error TS2307: Cannot find module 'zod'." },
          { callId: 'call_read_pkg', content: '{"dependencies":{}}' },
        ],
        parts: [],
      });
    });

    it('joins an encrypted-only reasoning item, an assistant message and a following call into one turn', () => {
      expect(conversation.messages[3]).toMatchObject({
        role: 'assistant',
        parts: [{ type: 'text', text: 'zod is imported but not listed in dependencies.' }],
        toolCalls: [{ id: 'call_install', name: 'shell', arguments: { command: ['npm', 'install', 'zod'] } }],
      });
      expect(conversation.messages[4]).toMatchObject({
        role: 'tool',
        results: [{ callId: 'call_install', content: 'added 1 package' }],
        parts: [],
      });
    });

    it('reads an easy input message without `type`', () => {
      expect(conversation.messages[5]).toMatchObject({
        role: 'user',
        parts: [{ type: 'text', text: 'Great, and the tests?' }],
      });
      expect(conversation.messages).toHaveLength(6);
    });

    it('reads function tools (null parameters → empty object schema) and drops built-in tools', () => {
      expect(conversation.tools).toMatchObject([
        {
          name: 'shell',
          description: 'Runs a shell command.',
          parameters: {
            type: 'object',
            properties: { command: { type: 'array', items: { type: 'string' } } },
            required: ['command'],
          },
        },
        { name: 'list_files', parameters: { type: 'object', properties: {} } },
      ]);
    });

    it('says what it dropped', () => {
      expect(conversation.warnings).toMatchObject([
        'input[12]: item of type "web_search_call" dropped',
        'input[13]: item of type "item_reference" dropped',
        'tools[2]: built-in tool "web_search" dropped (not a function tool)',
      ]);
    });
  });

  it('starts an assistant message for a function call after a tool output', () => {
    const conversation = requestToConversation({
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'a', output: 'one' },
        { type: 'function_call', call_id: 'b', name: 'f', arguments: '{}' },
      ],
    });
    expect(conversation.messages).toMatchObject([
      { role: 'user', parts: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', parts: [], toolCalls: [{ id: 'a', name: 'f', arguments: {} }] },
      { role: 'tool', results: [{ callId: 'a', content: 'one' }], parts: [] },
      { role: 'assistant', parts: [], toolCalls: [{ id: 'b', name: 'f', arguments: {} }] },
    ]);
  });

  it('reads reasoning_text content when a reasoning item has no summary', () => {
    const conversation = requestToConversation({
      input: [
        { role: 'user', content: 'hi' },
        { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'The user greets me.' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!' }] },
      ],
    });
    expect(conversation.messages[1]).toMatchObject({
      role: 'assistant',
      parts: [{ type: 'text', text: 'Hello!' }],
      reasoning: 'The user greets me.',
      toolCalls: [],
    });
  });

  it('never throws on odd shapes, and warns', () => {
    for (const body of [undefined, null, 7, [], { input: 42 }]) {
      const conversation = requestToConversation(body);
      expect(conversation.messages).toMatchObject([]);
      expect(conversation.system).toBe('');
    }
    const conversation = requestToConversation({
      input: [
        null,
        { role: 'critic', content: 'x' },
        { role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }, { type: 'input_file', file_id: 'file-2' }] },
        { type: 'function_call', call_id: 'c' },
      ],
      tools: [{ type: 'function' }],
    });
    expect(conversation.messages).toMatchObject([{ role: 'user', parts: [] }]);
    expect(conversation.warnings).toMatchObject([
      'input[0]: item of type "unknown" dropped',
      'input[1]: message with role "critic" dropped',
      'input[2]: input_image without an image_url (file_id?) dropped',
      'input[2]: content part of type "input_file" dropped',
      'input[3]: function_call without a name dropped',
      'tools[0]: function tool without a name dropped',
    ]);
  });
});
