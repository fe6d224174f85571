// What the export report counts per row (SPEC.md section 4) and what --only-function-call-only keeps.
import { describe, expect, it } from 'vitest';
import { rowFeatures } from './row-features.js';

const row = (conversations: Array<{ from: 'human' | 'gpt' | 'function_call' | 'observation'; value: string }>, images: string[] = []) => ({ conversations, system: '', tools: '', images });

describe('rowFeatures', () => {
  it('sees tool use, a final function call and reasoning without assistant text', () => {
    expect(rowFeatures(row([{ from: 'human', value: 'Paris?' }, { from: 'function_call', value: '<think>\nTool.\n</think>\n\n{"name":"f","arguments":{}}' }]))).toEqual({
      toolUse: true,
      assistantText: false,
      functionCallOnly: true,
      reasoning: true,
      images: false,
    });
  });

  it('sees assistant text next to calls and in answers, and images', () => {
    const features = rowFeatures(
      row(
        [
          { from: 'human', value: '<image>Paris?' },
          { from: 'function_call', value: 'Checking.\n<tool_call>{"name":"f","arguments":{}}</tool_call>' },
          { from: 'observation', value: '18 C' },
          { from: 'gpt', value: '18 C.' },
        ],
        ['media/a.png'],
      ),
    );
    expect(features).toEqual({ toolUse: true, assistantText: true, functionCallOnly: false, reasoning: false, images: true });
  });
});
