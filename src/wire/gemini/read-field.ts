// Gemini's REST API is proto3 JSON: it accepts both lowerCamelCase and snake_case field names
// (`inlineData` / `inline_data`). Requests written by hand or by the Python SDK use either, so
// every read goes through here.
import type { JsonObject } from '../shared/read-json.js';

const snakeCache = new Map<string, string>();

function toSnakeCase(camel: string): string {
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake;
}

/** The value under `camelKey`, or under its snake_case spelling. */
export function readField(object: JsonObject, camelKey: string): unknown {
  const value = object[camelKey];
  return value !== undefined ? value : object[toSnakeCase(camelKey)];
}

/**
 * A repeated field (`contents`, `parts`, `systemInstruction.parts`): Google's API also accepts a
 * single object where a list is declared, and its own REST examples send `"parts": {"text": …}`,
 * so a single object is a one-element list.
 */
export function readList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'object' && value !== null ? [value] : [];
}
