import { describe, expect, it } from 'vitest';
import { assistant, call, conversation, image, result, toolMessage, user } from './__fixtures__/conversations.js';
import { firstUserTextOf, searchTextOf } from './search-text.js';

const sample = conversation(
  [
    assistant('Welcome.'),
    user(image('data:image/png;base64,AAAA'), '  Weather in Lima?  '),
    assistant('Checking.', { reasoning: 'secret plan', calls: [call('get_weather', { city: 'Lima' }, 'c1')] }),
    toolMessage([result('sunny, 25 C', { callId: 'c1' })], 'in Spanish please'),
    assistant('Soleado, 25 °C.'),
  ],
  { system: 'Be helpful.' },
);

describe('searchTextOf', () => {
  it('holds the system prompt and the visible text of every turn, in order', () => {
    expect(searchTextOf(sample)).toBe(
      ['Be helpful.', 'Welcome.', 'Weather in Lima?', 'Checking.', 'get_weather {"city":"Lima"}', 'sunny, 25 C', 'in Spanish please', 'Soleado, 25 °C.'].join('\n'),
    );
  });

  it('leaves out reasoning and image data', () => {
    const text = searchTextOf(sample);
    expect(text).not.toContain('secret plan');
    expect(text).not.toContain('base64');
  });
});

describe('firstUserTextOf', () => {
  it('gives the first non-empty user text, trimmed', () => {
    expect(firstUserTextOf(sample)).toBe('Weather in Lima?');
    expect(firstUserTextOf(conversation([user(image('https://x.test/a.png')), user('Second')]))).toBe('Second');
    expect(firstUserTextOf(conversation([assistant('Only me.')]))).toBe('');
  });
});
