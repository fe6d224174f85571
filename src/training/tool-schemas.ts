// Tool schemas for export (formats.md 1.6, 3.1, SPEC.md's tools-schema policy). Reads a `tools`
// value in any recorded or edited shape into canonical ToolSchemas, derives a minimal schema from
// observed calls, applies the export's policy, and writes the OpenAI `tools` list. The ShareGPT
// `tools` string itself is written by to-sharegpt.ts `toolsToJson` (one writer for capture and
// export). Pure.
import type { ToolSchema } from '../conversation/model.js';

export type ToolsSchemaPolicy = 'auto' | 'yes' | 'no' | 'derive';

export interface ReadTools {
  /** null when the value is not JSON or not a list / object of schemas: left for the validator. */
  tools: ToolSchema[] | null;
  /** True when something besides spacing differs from the canonical form (wrappers, renamed keys, dropped tools...). */
  reshaped: boolean;
}

/**
 * The `tools` column of a ShareGPT row: "" / "[]" / a JSON string of a list, or (edited rows) the
 * list itself. Elements may be bare `{name, description, parameters}`, the OpenAI
 * `{type:"function", function}` wrapper, Anthropic `{name, input_schema}`, Gemini
 * `{functionDeclarations:[…]}` with `parameters` / `parametersJsonSchema`. Server tools (Anthropic
 * `{type:"web_search_…"}`, Gemini `googleSearch`) and nameless entries are dropped.
 */
export function readToolsValue(value: unknown): ReadTools {
  let parsed: unknown = value;
  let reshaped = typeof value !== 'string' && value !== undefined && value !== null;
  if (value === undefined || value === null) return { tools: [], reshaped: false };
  if (typeof value === 'string') {
    if (value.trim() === '') return { tools: [], reshaped: false };
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return { tools: null, reshaped: false };
    }
  }
  if (isPlainObject(parsed) && !('name' in parsed) && Array.isArray(parsed['tools'])) {
    parsed = parsed['tools'];
    reshaped = true;
  }
  const list = Array.isArray(parsed) ? parsed : isPlainObject(parsed) && Object.keys(parsed).length > 0 ? [parsed] : [];
  if (!Array.isArray(parsed) && !isPlainObject(parsed)) return { tools: null, reshaped: false };
  if (!Array.isArray(parsed) && list.length > 0) reshaped = true;

  const tools: ToolSchema[] = [];
  for (const entry of list) {
    for (const declaration of declarationsOf(entry)) {
      const read = readDeclaration(declaration.value);
      if (read === null) {
        reshaped = true;
        continue;
      }
      if (declaration.unwrapped || read.renamed) reshaped = true;
      tools.push(read.schema);
    }
  }
  return { tools, reshaped };
}

/**
 * A minimal schema per called tool (SPEC.md: "derive from observed calls"): every argument seen,
 * its JSON type when all calls agree (integer when every value is an integer), `required` listing
 * the arguments present in every call. Tools in first-call order; description "".
 */
export function deriveToolSchemas(calls: ReadonlyArray<{ name: string; arguments: unknown }>): ToolSchema[] {
  const byName = new Map<string, { count: number; properties: Map<string, { types: Set<string>; seen: number }> }>();
  for (const call of calls) {
    let entry = byName.get(call.name);
    if (entry === undefined) {
      entry = { count: 0, properties: new Map() };
      byName.set(call.name, entry);
    }
    entry.count += 1;
    if (!isPlainObject(call.arguments)) continue;
    for (const [key, value] of Object.entries(call.arguments)) {
      let property = entry.properties.get(key);
      if (property === undefined) {
        property = { types: new Set(), seen: 0 };
        entry.properties.set(key, property);
      }
      property.seen += 1;
      property.types.add(jsonSchemaType(value));
    }
  }
  return [...byName].map(([name, entry]) => {
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [key, property] of entry.properties) {
      const types = property.types.has('number') ? new Set([...property.types].filter((type) => type !== 'integer')) : property.types;
      properties[key] = types.size === 1 ? { type: [...types][0] } : {};
      if (property.seen === entry.count) required.push(key);
    }
    const parameters: Record<string, unknown> = { type: 'object', properties };
    if (required.length > 0) parameters['required'] = required;
    return { name, description: '', parameters };
  });
}

/**
 * The tools a row declares under the export policy:
 * - `yes`: the recorded tools as they are;
 * - `no`: none;
 * - `derive`: only schemas derived from the calls the row makes;
 * - `auto` (default): the recorded tools, plus a derived schema for each called tool nobody declared.
 */
export function applyToolsPolicy(
  recorded: readonly ToolSchema[],
  calls: ReadonlyArray<{ name: string; arguments: unknown }>,
  policy: ToolsSchemaPolicy,
): { tools: ToolSchema[]; derived: boolean } {
  switch (policy) {
    case 'no':
      return { tools: [], derived: false };
    case 'yes':
      return { tools: [...recorded], derived: false };
    case 'derive': {
      const tools = deriveToolSchemas(calls);
      return { tools, derived: tools.length > 0 };
    }
    case 'auto': {
      const declared = new Set(recorded.map((tool) => tool.name));
      const missing = deriveToolSchemas(calls.filter((call) => !declared.has(call.name)));
      return { tools: [...recorded, ...missing], derived: missing.length > 0 };
    }
  }
}

export interface OpenAiTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** OpenAI `tools` (formats.md 3.1): parameters an object schema with `properties`, types lower-case, enums untouched. */
export function toOpenAiTools(tools: readonly ToolSchema[]): OpenAiTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && tool.description !== '' ? { description: tool.description } : {}),
      parameters: objectSchema(tool.parameters),
    },
  }));
}

// ---------------------------------------------------------------------------------------------

interface Declaration {
  value: unknown;
  /** True when the entry was a wrapper (OpenAI `function`, Gemini `functionDeclarations`). */
  unwrapped: boolean;
}

function declarationsOf(entry: unknown): Declaration[] {
  if (!isPlainObject(entry)) return [{ value: entry, unwrapped: false }];
  const gemini = entry['functionDeclarations'] ?? entry['function_declarations'];
  if (Array.isArray(gemini)) return gemini.map((value) => ({ value, unwrapped: true }));
  if (entry['type'] === 'function' && isPlainObject(entry['function'])) return [{ value: entry['function'], unwrapped: true }];
  return [{ value: entry, unwrapped: false }];
}

/** Null for what is not a function tool (server tools, no name). */
function readDeclaration(value: unknown): { schema: ToolSchema; renamed: boolean } | null {
  if (!isPlainObject(value)) return null;
  const name = value['name'];
  if (typeof name !== 'string' || name === '') return null;
  const schemaKey = (['parameters', 'input_schema', 'inputSchema', 'parametersJsonSchema', 'parameters_json_schema'] as const).find(
    (key) => isPlainObject(value[key]),
  );
  // Anthropic server tools carry a versioned `type` and no schema; Gemini built-ins have no name.
  if (schemaKey === undefined && typeof value['type'] === 'string' && value['type'] !== 'function' && value['type'] !== 'custom') return null;
  const schema: ToolSchema = {
    name,
    parameters: schemaKey === undefined ? { type: 'object', properties: {} } : (value[schemaKey] as Record<string, unknown>),
  };
  if (typeof value['description'] === 'string') schema.description = value['description'];
  const renamed = schemaKey !== 'parameters' || Object.keys(value).some((key) => !['name', 'description', 'parameters'].includes(key));
  return { schema, renamed };
}

const SCHEMA_DATA_KEYS = new Set(['default', 'const', 'examples', 'example', 'enum']);

/** An object schema with `properties` (formats.md 1.6), JSON-schema types lower-cased (Gemini's OpenAPI `STRING`). */
function objectSchema(parameters: unknown): Record<string, unknown> {
  const schema = isPlainObject(parameters) ? (lowerCaseTypes(parameters) as Record<string, unknown>) : {};
  if (schema['type'] === undefined) schema['type'] = 'object';
  if (schema['type'] === 'object' && !isPlainObject(schema['properties'])) schema['properties'] = {};
  return schema;
}

function lowerCaseTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerCaseTypes);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'type' && typeof inner === 'string') out[key] = inner.toLowerCase();
    else if (SCHEMA_DATA_KEYS.has(key)) out[key] = inner;
    else out[key] = lowerCaseTypes(inner);
  }
  return out;
}

function jsonSchemaType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value; // string, boolean
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
