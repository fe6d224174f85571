// Loose readers for provider JSON: wire schemas accept unknown fields, so code reads what it
// needs through these instead of casting whole bodies.
//
// Numbers keep their digits: a model's tool arguments may hold ids such as 1234567890123456789,
// which JSON.parse rounds to 1234567890123456800. Text holding a long digit run is parsed with
// lossless-json, which gives such a number as a LosslessNumber (safe numbers stay numbers);
// stringifyJson writes it back digit for digit. Everything else takes the fast JSON.parse path.
// A LosslessNumber never reaches the canonical model: toPlainJson turns values into plain JSON
// where a canonical field needs a value, and the exact text rides along (ToolCall.argumentsText).
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** 16 digits in a row: a number that may not survive a float64 (2^53 has 16 digits). */
const LONG_DIGIT_RUN = /\d{16}/;

function parseNumber(text: string): unknown {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/** JSON.parse, except that a number a float64 cannot hold exactly is kept as a LosslessNumber. Throws like JSON.parse. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text) as unknown;
  return parseLossless(text, null, parseNumber);
}

/** parseJsonExact that answers undefined for text that is not JSON (torn lines, `[DONE]`, banners). */
export function parseJsonLoosely(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

/** The JSON object in `text`, or undefined when it is not JSON or not an object. */
export function parseJsonObject(text: string): JsonObject | undefined {
  const parsed = parseJsonLoosely(text);
  return isObject(parsed) ? parsed : undefined;
}

/** JSON.stringify (compact) that writes a LosslessNumber with its digits. */
export function stringifyJson(value: unknown): string {
  if (!containsLossless(value)) return JSON.stringify(value) ?? 'null';
  return stringifyLossless(value) ?? 'null';
}

/** The value with every LosslessNumber made a plain number (for fields that need a JS value). */
export function toPlainJson(value: unknown): unknown {
  if (!containsLossless(value)) return value;
  if (isLosslessNumber(value)) return Number((value as LosslessNumber).value);
  if (Array.isArray(value)) return value.map(toPlainJson);
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value as JsonObject)) out[key] = toPlainJson(inner);
  return out;
}

/** A deep copy of parsed JSON that keeps LosslessNumbers (structuredClone would strip their class). */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null || isLosslessNumber(value)) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value as JsonObject)) out[key] = cloneJson(inner);
  return out as T;
}

function containsLossless(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (isLosslessNumber(value)) return true;
  if (Array.isArray(value)) return value.some(containsLossless);
  for (const inner of Object.values(value as JsonObject)) if (containsLossless(inner)) return true;
  return false;
}
