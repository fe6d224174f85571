import { describe, expect, it } from 'vitest';
import { normalizeSchema, normalizeTools } from './normalize-tool-schema.js';

describe('gemini tool schemas', () => {
  it('lower-cases OpenAPI types through nested schemas but not inside enum or default values', () => {
    expect(
      normalizeSchema({
        type: 'OBJECT',
        properties: {
          type: { type: 'STRING', enum: ['OBJECT', 'STRING'], default: 'OBJECT' },
          list: { type: 'ARRAY', items: { type: 'OBJECT', properties: { n: { type: 'NUMBER' } } } },
          either: { anyOf: [{ type: 'STRING' }, { type: 'NULL' }] },
          multi: { type: ['STRING', 'NULL'] },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['OBJECT', 'STRING'], default: 'OBJECT' },
        list: { type: 'array', items: { type: 'object', properties: { n: { type: 'number' } } } },
        either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        multi: { type: ['string', 'null'] },
      },
    });
  });

  it('gives a missing schema or one without properties an empty object schema', () => {
    expect(normalizeSchema(undefined)).toEqual({ type: 'object', properties: {} });
    expect(normalizeSchema({ type: 'OBJECT' })).toEqual({ type: 'object', properties: {} });
  });

  it('prefers `parameters`, reads `parametersJsonSchema`, and drops built-in tools with a warning', () => {
    const warnings: string[] = [];
    expect(
      normalizeTools(
        [
          {
            functionDeclarations: [
              { name: 'a', parameters: { type: 'OBJECT', properties: { x: { type: 'BOOLEAN' } } } },
              { name: 'b', description: 'B', parametersJsonSchema: { type: 'object', properties: { y: { type: 'integer' } }, additionalProperties: false } },
            ],
          },
          { googleSearch: {} },
          { urlContext: {}, codeExecution: {} },
        ],
        warnings,
      ),
    ).toEqual([
      { name: 'a', parameters: { type: 'object', properties: { x: { type: 'boolean' } } } },
      { name: 'b', description: 'B', parameters: { type: 'object', properties: { y: { type: 'integer' } }, additionalProperties: false } },
    ]);
    expect(warnings).toEqual([
      'tools[1]: googleSearch tool dropped: it is not a function tool',
      'tools[2]: urlContext tool dropped: it is not a function tool',
      'tools[2]: codeExecution tool dropped: it is not a function tool',
    ]);
  });
});
