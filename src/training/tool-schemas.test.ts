// Tool schemas for export (formats.md 1.6, 3.1): every recorded shape read, a minimal schema
// derived from observed calls, the export policy, and the OpenAI tools list.
import { describe, expect, it } from 'vitest';
import { applyToolsPolicy, deriveToolSchemas, readToolsValue, toOpenAiTools } from './tool-schemas.js';

describe('readToolsValue', () => {
  it('reads "" / null / [] as no tools, and a canonical string without reshaping', () => {
    expect(readToolsValue('')).toEqual({ tools: [], reshaped: false });
    expect(readToolsValue(null)).toEqual({ tools: [], reshaped: false });
    expect(readToolsValue('[]')).toEqual({ tools: [], reshaped: false });
    expect(readToolsValue('[{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}]')).toEqual({
      tools: [{ name: 'f', description: 'd', parameters: { type: 'object', properties: {} } }],
      reshaped: false,
    });
  });

  it('unwraps OpenAI, Anthropic and Gemini shapes and drops server tools', () => {
    const read = readToolsValue([
      { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: {} } } },
      { name: 'b', input_schema: { type: 'object', properties: { x: { type: 'string' } } } },
      { functionDeclarations: [{ name: 'c', parametersJsonSchema: { type: 'object' } }, { name: 'd' }] },
      { type: 'web_search_20250305', name: 'web_search' },
      { googleSearch: {} },
    ]);
    expect(read.reshaped).toBe(true);
    expect(read.tools).toEqual([
      { name: 'a', parameters: { type: 'object', properties: {} } },
      { name: 'b', parameters: { type: 'object', properties: { x: { type: 'string' } } } },
      { name: 'c', parameters: { type: 'object' } },
      { name: 'd', parameters: { type: 'object', properties: {} } },
    ]);
  });

  it('returns null for what is not JSON or not a list of schemas', () => {
    expect(readToolsValue('[{"name":').tools).toBeNull();
    expect(readToolsValue('42').tools).toBeNull();
  });
});

describe('deriveToolSchemas', () => {
  it('lists every argument seen with its type, and as required those present in every call', () => {
    expect(
      deriveToolSchemas([
        { name: 'search', arguments: { q: 'cats', limit: 5 } },
        { name: 'search', arguments: { q: 'dogs', limit: 2.5, safe: true } },
        { name: 'now', arguments: {} },
        { name: 'mixed', arguments: { v: 'x' } },
        { name: 'mixed', arguments: { v: 1 } },
      ]),
    ).toEqual([
      {
        name: 'search',
        description: '',
        parameters: { type: 'object', properties: { q: { type: 'string' }, limit: { type: 'number' }, safe: { type: 'boolean' } }, required: ['q', 'limit'] },
      },
      { name: 'now', description: '', parameters: { type: 'object', properties: {} } },
      { name: 'mixed', description: '', parameters: { type: 'object', properties: { v: {} }, required: ['v'] } },
    ]);
  });
});

describe('applyToolsPolicy', () => {
  const recorded = [{ name: 'search', parameters: { type: 'object', properties: {} } }];
  const calls = [
    { name: 'search', arguments: { q: 'x' } },
    { name: 'open_page', arguments: { url: 'u' } },
  ];
  it.each([
    ['yes', ['search'], false],
    ['no', [], false],
    ['derive', ['search', 'open_page'], true],
    ['auto', ['search', 'open_page'], true],
  ] as const)('%s', (policy, names, derived) => {
    const applied = applyToolsPolicy(recorded, calls, policy);
    expect(applied.tools.map((tool) => tool.name)).toEqual(names);
    expect(applied.derived).toBe(derived);
  });

  it('auto keeps the recorded schema of a called tool instead of deriving one', () => {
    expect(applyToolsPolicy(recorded, [{ name: 'search', arguments: { q: 'x' } }], 'auto')).toEqual({ tools: recorded, derived: false });
  });
});

describe('toOpenAiTools', () => {
  it('wraps schemas, lower-cases types, guarantees properties, keeps enums as they are', () => {
    expect(toOpenAiTools([{ name: 'f', description: '', parameters: { type: 'OBJECT', properties: { n: { type: 'INTEGER', enum: [1, 2] } } } }, { name: 'g', parameters: {} }])).toEqual([
      { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { n: { type: 'integer', enum: [1, 2] } } } } },
      { type: 'function', function: { name: 'g', parameters: { type: 'object', properties: {} } } },
    ]);
  });
});
