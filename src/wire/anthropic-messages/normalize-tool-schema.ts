// Anthropic tool definitions to canonical ToolSchema (formats.md 1.6): `input_schema` becomes
// `parameters`. Server tools (`web_search_20250305`, `bash_20250124`...) have a `type` and no
// schema; they run on Anthropic's side, so they are dropped with a warning.
import type { ToolSchema } from '../../conversation/model.js';
import { asArray, asObject, asString, isObject } from '../shared/read-json.js';

export function normalizeTools(tools: unknown, warnings: string[]): ToolSchema[] {
  const schemas: ToolSchema[] = [];
  asArray(tools).forEach((raw, index) => {
    const tool = asObject(raw);
    const name = asString(tool.name);
    const type = asString(tool.type);
    const isServerTool = type !== undefined && type !== 'custom' && !isObject(tool.input_schema);
    if (isServerTool) {
      warnings.push(`tools[${index}]: server tool ${type} (${name ?? 'unnamed'}) dropped: it is not a function tool`);
      return;
    }
    if (name === undefined) {
      warnings.push(`tools[${index}]: tool without a name dropped`);
      return;
    }
    const description = asString(tool.description);
    schemas.push({
      name,
      ...(description !== undefined ? { description } : {}),
      parameters: withObjectProperties(tool.input_schema),
    });
  });
  return schemas;
}

/**
 * formats.md 1.6: `parameters` always has a `properties` object. A missing schema becomes
 * `{type:'object', properties:{}}`; an object schema without `properties` gets an empty one.
 */
export function withObjectProperties(schema: unknown): Record<string, unknown> {
  if (!isObject(schema)) return { type: 'object', properties: {} };
  const type = schema.type;
  if ((type === undefined || type === 'object') && !isObject(schema.properties)) {
    return { ...schema, type: 'object', properties: {} };
  }
  return schema;
}
