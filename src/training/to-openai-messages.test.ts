// Canonical conversations -> openai-messages and openai-ft rows (formats.md 7, 3). Uses the hand-built
// conversations of the ShareGPT converter tests, so both writers are checked on the same inputs.
import { describe, expect, it } from 'vitest';
import { assistant, call, conversation, conversionCases, image, result, timeTool, toolMessage, user, weatherTool } from './__fixtures__/conversations.js';
import { openAiMessagesToFineTuning } from './to-openai-ft.js';
import { conversationToOpenAiMessages } from './to-openai-messages.js';
import { validateOpenAiFtRow } from './validate-openai-ft.js';

describe('conversationToOpenAiMessages', () => {
  it('writes parallel calls in one message and one tool message per call, in call order, matched by id', () => {
    const converted = conversationToOpenAiMessages(
      conversation(
        [
          user('Paris and Lyon?'),
          assistant('Let me check.', { calls: [call('get_weather', { city: 'Paris' }, 'c1'), call('get_weather', { city: 'Lyon' }, 'c2')] }),
          toolMessage([result('21 C', { callId: 'c2' }), result('18 C', { callId: 'c1' })], 'Hurry please.'),
          assistant('18 C and 21 C.', { reasoning: 'Both answered.' }),
        ],
        { system: 'Be brief.', tools: [weatherTool] },
      ),
    );
    expect(converted.repairs).toEqual(['observations-reordered']);
    expect(converted.row).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Paris and Lyon?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', name: 'get_weather', content: '18 C' },
        { role: 'tool', tool_call_id: 'c2', name: 'get_weather', content: '21 C' },
        { role: 'user', content: 'Hurry please.' },
        { role: 'assistant', content: '18 C and 21 C.', reasoning_content: 'Both answered.' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.parameters } }],
    });
    expect(openAiMessagesToFineTuning(converted.row)).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Paris and Lyon?' },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '18 C' },
        { role: 'tool', tool_call_id: 'c2', content: '21 C' },
        { role: 'user', content: 'Hurry please.' },
        { role: 'assistant', content: '18 C and 21 C.' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.parameters } }],
    });
  });

  it('assigns ids to calls without one (call_1…, skipping ids in use) and matches results by name, then position', () => {
    const converted = conversationToOpenAiMessages(
      conversation([
        user('Time and weather?'),
        assistant('', { calls: [call('get_time', {}), call('get_weather', { city: 'Oslo' }), call('get_weather', { city: 'Rome' }, 'call_1')] }),
        toolMessage([result('9 C', { name: 'get_weather' }), result('10:00', { name: 'get_time' }), result('20 C', { callId: 'call_1' })]),
        assistant('Done.'),
      ]),
      { toolsSchema: 'no' },
    );
    expect(converted.repairs).toEqual(['tool-call-ids-assigned', 'observations-reordered']);
    const messages = converted.row.messages;
    expect(messages[1]).toMatchObject({ tool_calls: [{ id: 'call_2' }, { id: 'call_3' }, { id: 'call_1' }] });
    expect(messages.slice(2, 5)).toEqual([
      { role: 'tool', tool_call_id: 'call_2', name: 'get_time', content: '10:00' },
      { role: 'tool', tool_call_id: 'call_3', name: 'get_weather', content: '9 C' },
      { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: '20 C' },
    ]);
  });

  it('merges consecutive messages of one role, splits a <think> block out of the text, drops assistant images', () => {
    const converted = conversationToOpenAiMessages(
      conversation([
        user('Hello'),
        user('Are you there?', image('data:image/png;base64,AAAA')),
        assistant([{ type: 'text', text: '<think>Greeting.</think>Yes.' }, image('data:image/png;base64,BBBB')]),
        assistant('', { calls: [call('get_time', {})] }),
        assistant('', { calls: [call('get_time', { tz: 'UTC' })] }),
      ]),
      { toolsSchema: 'no' },
    );
    expect(converted.hasImages).toBe(true);
    expect(converted.repairs).toEqual(['same-role-merged', 'assistant-image-dropped', 'reasoning-normalised', 'parallel-calls-merged', 'tool-call-ids-assigned']);
    expect(converted.row.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'Are you there?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      {
        role: 'assistant',
        content: 'Yes.',
        reasoning_content: 'Greeting.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
        ],
      },
    ]);
  });

  it('drops reasoning, truncates tool results and derives tool schemas on request', () => {
    const converted = conversationToOpenAiMessages(
      conversation([user('Weather?'), assistant('', { reasoning: 'Tool.', calls: [call('get_weather', { city: 'Paris', days: 2 }, 'c')] }), toolMessage([result('A very long forecast.', { callId: 'c' })]), assistant('Fine.')], {
        tools: [timeTool],
      }),
      { reasoning: 'drop', truncateObservation: 6, toolsSchema: 'auto' },
    );
    expect(converted.repairs).toEqual(['reasoning-dropped', 'observation-truncated', 'tools-derived']);
    expect(converted.row.messages[2]).toEqual({ role: 'tool', tool_call_id: 'c', name: 'get_weather', content: 'A very\n…[truncated 15 characters]' });
    expect(converted.row.tools?.map((tool) => tool.function)).toEqual([
      { name: 'get_time', description: 'Local time for a city', parameters: timeTool.parameters },
      { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] } },
    ]);
  });

  it('keeps invalid call arguments raw so the validator rejects the row', () => {
    const converted = conversationToOpenAiMessages(
      conversation([user('Weather?'), assistant('', { calls: [{ id: 'c', name: 'get_weather', arguments: '{"city": "Par', argumentsInvalid: true }] })]),
    );
    const verdict = validateOpenAiFtRow(openAiMessagesToFineTuning(converted.row));
    expect(verdict.errors.map((error) => error.code)).toEqual(['tool-call-arguments-not-json']);
  });

  it('gives openai-ft rows the validator accepts for every conversion case the ShareGPT converter accepts', () => {
    for (const testCase of conversionCases.filter((candidate) => candidate.rejectedWith === undefined)) {
      const converted = conversationToOpenAiMessages(testCase.conversation);
      const ft = openAiMessagesToFineTuning(converted.row);
      const errors = validateOpenAiFtRow(ft).errors.filter((error) => error.code !== 'image-url-invalid');
      expect({ name: testCase.name, errors }).toEqual({ name: testCase.name, errors: [] });
      expect(validateOpenAiFtRow(converted.row, { openAiMessages: true }).errors.filter((error) => error.code !== 'image-url-invalid')).toEqual([]);
    }
  });
});
