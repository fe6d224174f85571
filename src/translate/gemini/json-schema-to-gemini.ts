// JSON Schema (OpenAI tool `parameters`, `response_format.json_schema.schema`) → the OpenAPI 3.0
// subset Gemini's `Schema` accepts (https://ai.google.dev/api/caching#Schema). Gemini answers 400
// on keywords outside it, so they are removed and listed in a warning:
//   - kept: type, format (only Gemini's: enum, date-time, int32, int64, float, double), title,
//     description, nullable, enum (strings), properties, required, items, minItems, maxItems,
//     minProperties, maxProperties, minLength, maxLength, pattern, minimum, maximum, anyOf,
//     propertyOrdering, default, example;
//   - rewritten: `type: [T, "null"]` → `type: T, nullable: true` (several non-null types → anyOf),
//     `oneOf` → `anyOf`, `const: "x"` → `enum: ["x"]`, `examples` → `example` (the first),
//     a one-element `allOf` → merged, local `$ref` (`#/$defs/X`, `#/definitions/X`) → inlined;
//   - removed: everything else (`additionalProperties`, `$schema`, `$id`, `$defs`, `strict`,
//     `exclusiveMinimum`, `not`, `if`/`then`/`else`, `uniqueItems`, `multipleOf`...), non-string
//     `enum`s, `required` names with no property, recursive `$ref`s (replaced by `{type: object}`).
import { isObject, type JsonObject } from '../../wire/shared/read-json.js';

const KEPT = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'properties', 'required', 'items',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern',
  'minimum', 'maximum', 'anyOf', 'propertyOrdering', 'default', 'example',
]);
const GEMINI_FORMATS = new Set(['enum', 'date-time', 'int32', 'int64', 'float', 'double']);
const MAX_REF_DEPTH = 16;

export interface GeminiSchemaResult {
  schema: JsonObject;
  /** Keywords (and reasons) removed, deduplicated, for one warning. */
  removed: string[];
}

export function jsonSchemaToGemini(schema: JsonObject): GeminiSchemaResult {
  const removed = new Set<string>();
  const definitions = { ...(isObject(schema.definitions) ? schema.definitions : {}), ...(isObject(schema.$defs) ? schema.$defs : {}) };
  const converted = convert(schema, { definitions, removed, refStack: [] });
  return { schema: converted, removed: [...removed] };
}

interface Walk {
  definitions: JsonObject;
  removed: Set<string>;
  refStack: string[];
}

function convert(schema: JsonObject, walk: Walk): JsonObject {
  let source = schema;
  if (typeof source.$ref === 'string') source = resolveRef(source, walk);
  if (Array.isArray(source.allOf)) {
    if (source.allOf.length === 1 && isObject(source.allOf[0])) {
      const { allOf: _allOf, ...rest } = source;
      source = { ...resolveMaybeRef(source.allOf[0], walk), ...rest };
    } else {
      walk.removed.add('allOf');
      const { allOf: _allOf, ...rest } = source;
      source = rest;
    }
  }

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    switch (key) {
      case 'type':
        applyType(value, out);
        break;
      case 'properties':
        if (isObject(value)) {
          out.properties = Object.fromEntries(
            Object.entries(value).map(([name, inner]) => [name, isObject(inner) ? convert(inner, walk) : inner]),
          );
        }
        break;
      case 'items':
        if (isObject(value)) out.items = convert(value, walk);
        else walk.removed.add('items (tuple form)');
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) out.anyOf = value.filter(isObject).map((inner) => convert(inner, walk));
        break;
      case 'const':
        if (typeof value === 'string') out.enum = [value];
        else walk.removed.add('const (non-string)');
        break;
      case 'enum':
        if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out.enum = value;
        else if (Array.isArray(value) && value.every((item) => typeof item === 'string' || item === null)) {
          out.enum = value.filter((item) => item !== null);
          out.nullable = true;
        } else walk.removed.add('enum (non-string values)');
        break;
      case 'examples':
        if (Array.isArray(value) && value.length > 0) out.example = value[0];
        break;
      case 'format':
        if (typeof value === 'string' && GEMINI_FORMATS.has(value)) out.format = value;
        else walk.removed.add(`format "${String(value)}"`);
        break;
      default:
        // `$defs` / `definitions` are inlined where referenced: nothing is lost with them.
        if (KEPT.has(key)) out[key] = value;
        else if (key !== '$defs' && key !== 'definitions') walk.removed.add(key);
    }
  }

  if (Array.isArray(out.required) && isObject(out.properties)) {
    const properties = out.properties;
    const required = out.required.filter((name): name is string => typeof name === 'string' && name in properties);
    if (required.length !== out.required.length) walk.removed.add('required names without a property');
    out.required = required;
  }
  if (out.anyOf !== undefined && Array.isArray(out.anyOf)) {
    // `anyOf: [{...}, {type: null}]` is how Pydantic writes Optional[X].
    const nonNull = out.anyOf.filter((inner) => !(isObject(inner) && inner.type === 'null'));
    if (nonNull.length !== out.anyOf.length) out.nullable = true;
    if (nonNull.length === 1 && isObject(nonNull[0])) {
      const { anyOf: _anyOf, ...rest } = out;
      return { ...nonNull[0], ...rest };
    }
    out.anyOf = nonNull;
  }
  return out;
}

function applyType(value: unknown, out: JsonObject): void {
  if (!Array.isArray(value)) {
    out.type = value;
    return;
  }
  const types = value.filter((type) => type !== 'null');
  if (types.length !== value.length) out.nullable = true;
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.anyOf = types.map((type) => ({ type }));
}

function resolveMaybeRef(schema: JsonObject, walk: Walk): JsonObject {
  return typeof schema.$ref === 'string' ? resolveRef(schema, walk) : schema;
}

/** Inlines a local `$ref`; keywords beside it (description...) win over the definition's. */
function resolveRef(schema: JsonObject, walk: Walk): JsonObject {
  const { $ref: ref, ...rest } = schema;
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(String(ref));
  const name = match?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
  const target = name !== undefined ? walk.definitions[name] : undefined;
  if (!isObject(target)) {
    walk.removed.add(`$ref "${String(ref)}" (not a local definition)`);
    return rest;
  }
  if (walk.refStack.includes(String(ref)) || walk.refStack.length >= MAX_REF_DEPTH) {
    walk.removed.add(`recursive $ref "${String(ref)}"`);
    return { type: 'object', ...rest };
  }
  walk.refStack.push(String(ref));
  const inlined = convert(target, walk);
  walk.refStack.pop();
  return { ...inlined, ...rest };
}
