import { describe, expect, it } from 'vitest';
import { functionResponseToResult } from './function-response-to-result.js';

describe('gemini functionResponseToResult', () => {
  it('unwraps a lone string `output` or `result`', () => {
    expect(functionResponseToResult({ name: 'f', response: { output: 'done' } })).toEqual({ name: 'f', content: 'done' });
    expect(functionResponseToResult({ name: 'f', response: { result: 'ok' } })).toEqual({ name: 'f', content: 'ok' });
  });

  it('reads a lone string `error` as an error result', () => {
    expect(functionResponseToResult({ id: 'c1', name: 'f', response: { error: 'boom' } })).toEqual({
      callId: 'c1',
      name: 'f',
      content: 'boom',
      isError: true,
    });
  });

  it('serialises any other response as JSON, so no structure is lost', () => {
    expect(functionResponseToResult({ name: 'f', response: { output: { temp: 3 } } }).content).toBe('{"output":{"temp":3}}');
    expect(functionResponseToResult({ name: 'f', response: { output: 'a', extra: 1 } }).content).toBe('{"output":"a","extra":1}');
  });

  it('gives an empty content when there is no response', () => {
    expect(functionResponseToResult({ name: 'f' })).toEqual({ name: 'f', content: '' });
    expect(functionResponseToResult(undefined)).toEqual({ content: '' });
  });
});
