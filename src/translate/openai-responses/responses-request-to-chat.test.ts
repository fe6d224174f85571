import { describe, expect, it } from 'vitest';
import { signaturesToEncryptedContent, thinkingBlocksToEncryptedContent } from './reasoning-carrier.js';
import { responsesRequestToChat } from './responses-request-to-chat.js';

function convert(body: Record<string, unknown>) {
  const result = responsesRequestToChat({ model: 'claude-sonnet-4-5', ...body });
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe('responsesRequestToChat', () => {
  it('a string input is one user message; instructions the system message; streams ask for usage', () => {
    const { chat } = convert({ instructions: 'Be brief.', input: 'Hi', stream: true, max_output_tokens: 50, reasoning: { effort: 'low' } });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(chat).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 50, reasoning_effort: 'low' });
  });

  it('merges consecutive assistant items (text, reasoning, function calls) into one assistant message', () => {
    const blocks = [{ type: 'thinking' as const, thinking: 'hmm', signature: 'sig' }];
    const { chat } = convert({
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: thinkingBlocksToEncryptedContent(blocks) },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"SF"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'hmm',
        thinking_blocks: blocks,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"SF"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ]);
  });

  it('puts the Gemini thought signatures a reasoning item carries back on their calls; reads the old call_id carrier too', () => {
    const { chat } = convert({
      input: [
        { role: 'user', content: 'x' },
        { type: 'reasoning', summary: [], encrypted_content: signaturesToEncryptedContent({ call_a: 'sig-a' }) },
        { type: 'function_call', call_id: 'call_a', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: `call_b.llm-proxy-ts.${Buffer.from('sig-b').toString('base64url')}`, name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_a', output: '1' },
      ],
    });
    expect(chat.messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_a', extra_content: { google: { thought_signature: 'sig-a' } } },
        { id: 'call_b', extra_content: { google: { thought_signature: 'sig-b' } } },
      ],
    });
  });

  it('keeps OpenAI’s own encrypted reasoning out of thinking blocks', () => {
    const { chat } = convert({ input: [{ role: 'user', content: 'x' }, { type: 'reasoning', summary: [], encrypted_content: 'gAAAA-openai' }, { role: 'assistant', content: 'y' }] });
    expect(chat.messages[1]).toEqual({ role: 'assistant', content: 'y' });
  });

  it('maps function tools, tool_choice and text.format; warns about what has no chat equivalent', () => {
    const result = convert({
      input: 'x',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }, { type: 'web_search' }, { type: 'namespace', name: 'ns', description: 'grouped', tools: [{ type: 'function', name: 'g', description: 'in a namespace', parameters: { type: 'object' } }] }],
      tool_choice: { type: 'function', name: 'f' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      truncation: 'auto',
    });
    expect(result.chat.tools).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object' } } },
      { type: 'function', function: { name: 'g', description: 'in a namespace', parameters: { type: 'object' } } },
    ]);
    expect(result.chat.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(result.chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } });
    expect(result.warnings).toEqual(['parameter "truncation" is not translated and was not sent', 'tool of type "web_search" has no chat equivalent and was not sent']);
  });

  it('refuses previous_response_id and an empty input', () => {
    expect(responsesRequestToChat({ model: 'm', input: 'x', previous_response_id: 'resp_1' })).toMatchObject({ ok: false, message: expect.stringContaining('previous_response_id') });
    expect(responsesRequestToChat({ model: 'm', input: [] })).toMatchObject({ ok: false, message: expect.stringContaining('messages') });
  });
});
