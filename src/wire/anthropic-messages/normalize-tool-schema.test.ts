import { describe, expect, it } from 'vitest';
import { normalizeTools, withObjectProperties } from './normalize-tool-schema.js';

describe('anthropic normalizeTools', () => {
  it('renames input_schema to parameters and keeps the description', () => {
    const warnings: string[] = [];
    expect(
      normalizeTools(
        [{ name: 'lookup', description: 'Find', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
        warnings,
      ),
    ).toEqual([{ name: 'lookup', description: 'Find', parameters: { type: 'object', properties: { q: { type: 'string' } } } }]);
    expect(warnings).toEqual([]);
  });

  it('keeps `custom` tools and drops server tools with a warning', () => {
    const warnings: string[] = [];
    const tools = normalizeTools(
      [
        { type: 'custom', name: 'run', input_schema: { type: 'object', properties: {} } },
        { type: 'bash_20250124', name: 'bash' },
        { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
        { description: 'no name', input_schema: {} },
      ],
      warnings,
    );
    expect(tools).toEqual([{ name: 'run', parameters: { type: 'object', properties: {} } }]);
    expect(warnings).toEqual([
      'tools[1]: server tool bash_20250124 (bash) dropped: it is not a function tool',
      'tools[2]: server tool text_editor_20250728 (str_replace_based_edit_tool) dropped: it is not a function tool',
      'tools[3]: tool without a name dropped',
    ]);
  });

  it('gives a schema without properties an empty properties object (formats.md 1.6)', () => {
    expect(withObjectProperties(undefined)).toEqual({ type: 'object', properties: {} });
    expect(withObjectProperties({ type: 'object', required: [] })).toEqual({
      type: 'object',
      required: [],
      properties: {},
    });
    expect(withObjectProperties({ type: 'string' })).toEqual({ type: 'string' });
  });
});
