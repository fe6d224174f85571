// Gemini tools to canonical ToolSchema (formats.md 1.6).
// `tools: [{functionDeclarations: [{name, description, parameters | parametersJsonSchema}]}]`.
// `parameters` is Gemini's OpenAPI subset with upper-case types (`STRING`, `OBJECT`): they are
// lower-cased recursively through the schema keywords (never inside `enum`, `default`, `example`).
// A missing schema becomes `{type:'object', properties:{}}`. Built-in tools (`googleSearch`,
// `codeExecution`, `urlContext`...) run on Google's side and are dropped with a warning.
import type { ToolSchema } from '../../conversation/model.js';
import { asObject, asString, isObject, type JsonObject } from '../shared/read-json.js';
import { readField, readList } from './read-field.js';

export function normalizeTools(tools: unknown, warnings: string[]): ToolSchema[] {
  const schemas: ToolSchema[] = [];
  readList(tools).forEach((raw, toolIndex) => {
    const tool = asObject(raw);
    for (const key of Object.keys(tool)) {
      if (key !== 'functionDeclarations' && key !== 'function_declarations') {
        warnings.push(`tools[${toolIndex}]: ${key} tool dropped: it is not a function tool`);
      }
    }
    readList(readField(tool, 'functionDeclarations')).forEach((rawDeclaration, index) => {
      const declaration = asObject(rawDeclaration);
      const name = asString(declaration.name);
      if (name === undefined) {
        warnings.push(`tools[${toolIndex}].functionDeclarations[${index}]: declaration without a name dropped`);
        return;
      }
      const description = asString(declaration.description);
      const schema = declaration.parameters ?? readField(declaration, 'parametersJsonSchema');
      schemas.push({
        name,
        ...(description !== undefined ? { description } : {}),
        parameters: normalizeSchema(schema),
      });
    });
  });
  return schemas;
}

/** Lower-cases OpenAPI types and guarantees an object schema has `properties` (formats.md 1.6). */
export function normalizeSchema(schema: unknown): Record<string, unknown> {
  if (!isObject(schema)) return { type: 'object', properties: {} };
  const normalized = lowerCaseTypes(schema);
  const type = normalized.type;
  if ((type === undefined || type === 'object') && !isObject(normalized.properties)) {
    return { ...normalized, type: 'object', properties: {} };
  }
  return normalized;
}

const SCHEMA_MAP_KEYWORDS = new Set(['properties', '$defs', 'definitions', 'patternProperties']);
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']);

function lowerCaseTypes(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') {
      out.type = lowerCaseType(value);
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, isObject(inner) ? lowerCaseTypes(inner) : inner]),
      );
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((inner) => (isObject(inner) ? lowerCaseTypes(inner) : inner));
    } else if (SCHEMA_KEYWORDS.has(key) && isObject(value)) {
      out[key] = lowerCaseTypes(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function lowerCaseType(type: unknown): unknown {
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) return type.map((item) => (typeof item === 'string' ? item.toLowerCase() : item));
  return type;
}
