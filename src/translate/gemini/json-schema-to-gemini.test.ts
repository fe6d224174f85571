import { describe, expect, it } from 'vitest';
import { jsonSchemaToGemini } from './json-schema-to-gemini.js';

describe('jsonSchemaToGemini', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    [
      'keeps what Gemini accepts',
      { type: 'object', title: 'T', description: 'D', properties: { a: { type: 'string', enum: ['x', 'y'], minLength: 1 }, n: { type: 'integer', minimum: 0, maximum: 9, format: 'int32' } }, required: ['a'] },
      { type: 'object', title: 'T', description: 'D', properties: { a: { type: 'string', enum: ['x', 'y'], minLength: 1 }, n: { type: 'integer', minimum: 0, maximum: 9, format: 'int32' } }, required: ['a'] },
      [],
    ],
    [
      'removes $schema, additionalProperties and other keywords, nested too',
      { $schema: 'x', type: 'object', additionalProperties: false, properties: { list: { type: 'array', uniqueItems: true, items: { type: 'object', additionalProperties: false, properties: { v: { type: 'number', exclusiveMinimum: 0 } } } } } },
      { type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { v: { type: 'number' } } } } } },
      ['$schema', 'additionalProperties', 'uniqueItems', 'exclusiveMinimum'],
    ],
    [
      'type [T, null] → nullable',
      { type: ['string', 'null'] },
      { type: 'string', nullable: true },
      [],
    ],
    [
      'several types → anyOf',
      { type: ['string', 'number'] },
      { anyOf: [{ type: 'string' }, { type: 'number' }] },
      [],
    ],
    [
      'Optional[X] as anyOf with null → X nullable',
      { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'maybe' },
      { type: 'string', nullable: true, description: 'maybe' },
      [],
    ],
    ['oneOf → anyOf', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, { anyOf: [{ type: 'string' }, { type: 'integer' }] }, []],
    ['const string → enum', { type: 'string', const: 'fixed' }, { type: 'string', enum: ['fixed'] }, []],
    ['examples → example', { type: 'string', examples: ['a', 'b'] }, { type: 'string', example: 'a' }, []],
    ['string formats Gemini lacks are removed', { type: 'string', format: 'email' }, { type: 'string' }, ['format "email"']],
    ['non-string enums are removed', { type: 'integer', enum: [1, 2] }, { type: 'integer' }, ['enum (non-string values)']],
    [
      'local $refs are inlined (Pydantic $defs), the sibling description wins',
      { type: 'object', properties: { pet: { $ref: '#/$defs/Pet', description: 'the pet' } }, $defs: { Pet: { type: 'object', properties: { name: { type: 'string' } }, description: 'a pet' } } },
      { type: 'object', properties: { pet: { type: 'object', properties: { name: { type: 'string' } }, description: 'the pet' } } },
      [],
    ],
    [
      'a recursive $ref becomes a plain object',
      { type: 'object', properties: { node: { $ref: '#/definitions/Node' } }, definitions: { Node: { type: 'object', properties: { child: { $ref: '#/definitions/Node' } } } } },
      { type: 'object', properties: { node: { type: 'object', properties: { child: { type: 'object' } } } } },
      ['recursive $ref "#/definitions/Node"'],
    ],
    [
      'a one-element allOf is merged',
      { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }], description: 'x' },
      { type: 'object', properties: { a: { type: 'string' } }, description: 'x' },
      [],
    ],
    ['required names without a property are dropped', { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'b'] }, { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, ['required names without a property']],
  ])('%s', (_name, input, schema, removed) => {
    const result = jsonSchemaToGemini(input);
    expect(result.schema).toEqual(schema);
    expect(result.removed).toEqual(removed);
  });
});
